from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evize.applications.models import Application
from evize.audit.services import audit_record
from evize.visa.export import application_export


class Command(BaseCommand):
    help = (
        "Export an application's archive (signed rounds, visa'd files, receipts, reports, audit, manifest)."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", help="registration number (YYYY/NNNNN) or the application's id")
        parser.add_argument("directory", help="target directory (created)")

    def handle(self, *args, number: str, directory: str, **options):
        application = Application.objects.filter(registration_number=number).first()
        if application is None and number.isdigit():
            application = Application.objects.filter(pk=int(number)).first()
        if application is None:
            raise CommandError(f"no application {number!r}")
        manifest = application_export(application=application, directory=Path(directory))
        audit_record(
            actor=None,
            action="evize.visa.archive_exported",
            target=application,
            data={"directory": str(Path(directory).resolve())},
        )
        self.stdout.write(f"{manifest}")
