"""manage.py import_members FILE [--dry-run] [--user USERNAME]"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from evize.registry.services import MemberFileError, member_import, read_member_file


class Command(BaseCommand):
    help = (
        "Create or update members of the registry from a CSV or Excel (.xlsx) file, matched on the "
        "registry number. Members are never deleted. Prints one line per row and a summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .csv or .xlsx member list (row 1: column titles)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report everything, then save nothing"
        )
        parser.add_argument(
            "--user", help="username recorded as the actor in the audit trail (default: system)"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("There is no user %(username)s.") % {"username": options["user"]})
        try:
            rows = read_member_file(path)
            with transaction.atomic():
                report = member_import(actor=actor, rows=rows, source=path.name)
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except MemberFileError as exc:
            raise CommandError(str(exc)) from exc

        for column in report.ignored_columns:
            self.stdout.write(_("Column ignored (not a member field): %(column)s") % {"column": column})
        for result in report.results:
            line = _("Row %(row)d\t%(sicil)s\t%(outcome)s") % {
                "row": result.row,
                "sicil": result.sicil_no or "-",
                "outcome": result.outcome_label,
            }
            if result.detail:
                line = f"{line}\t{result.detail}"
            style = self.style.ERROR if result.outcome == "rejected" else None
            self.stdout.write(style(line) if style else line)
        summary = report.summary()
        if options["dry_run"]:
            summary = f"{summary} {_('Dry run: nothing was saved.')}"
        self.stdout.write(self.style.SUCCESS(summary) if not report.rejected else self.style.WARNING(summary))
