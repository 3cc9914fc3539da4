"""manage.py load_demo_applications: the demo applications in every state (see
evize.core.demo_applications), after load_demo and demo_pki. Safe to run again."""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from evize.core.demo_applications import DEMO_APPLICATIONS, DemoError, load_demo_applications


class Command(BaseCommand):
    help = "Create the demo applications (draft … visa'd, cancelled, withdrawn) through the real services."

    def add_arguments(self, parser):
        parser.add_argument(
            "--pki", type=Path, default=None, help="the demo PKI folder (default: $EVIZE_DATA_DIR/demo-pki)"
        )
        parser.add_argument(
            "--only",
            action="append",
            choices=[spec.key for spec in DEMO_APPLICATIONS],
            help="load only this demo application (repeatable)",
        )

    def handle(self, *args, pki: Path | None, only: list[str] | None, **options):
        # The PDF libraries log every font they subset; the summary below is what matters here.
        font_log = logging.getLogger("fontTools")
        level = font_log.level
        font_log.setLevel(logging.ERROR)
        self.stdout.write(
            "Demo applications: filling in, signing, paying and reviewing (takes a little while)…"
        )
        try:
            loaded = load_demo_applications(pki_dir=pki, only=only)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            font_log.setLevel(level)
        with translation.override("tr"):
            self.stdout.write(self.style.SUCCESS("Demo applications (number, state, engineer):"))
            for item in loaded:
                marker = "new" if item.created else "kept"
                self.stdout.write(f"  {item.summary}  [{marker}]")
