from django.core.management.base import BaseCommand, CommandError

from evize.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exits non-zero and names each broken row."

    def handle(self, *args, **options):
        problems = list(audit_verify())
        if problems:
            for p in problems:
                where = f"event #{p.event_id}" if p.event_id is not None else "chain"
                self.stderr.write(f"{where}: {p.message}")
            raise CommandError(f"audit trail is NOT intact: {len(problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS("audit trail intact"))
