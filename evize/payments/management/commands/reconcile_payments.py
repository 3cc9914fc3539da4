import time

from django.core.management.base import BaseCommand

from evize.payments.services import payments_reconcile


class Command(BaseCommand):
    help = (
        "Ask the bank about payments still waiting for its answer (a payer who closed the browser "
        "after paying still ends up paid). With --every N, repeat every N seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=None,
            help="Only payments started at least this long ago "
            "(default: EVIZE_PAYMENT_RECONCILE_AFTER_MINUTES).",
        )
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds (0: once).")

    def handle(self, *args, **options):
        while True:
            results = payments_reconcile(older_than_minutes=options["older_than_minutes"])
            summary = (
                ", ".join(f"{kind}: {count}" for kind, count in sorted(results.items())) or "nothing to do"
            )
            self.stdout.write(summary)
            if not options["every"]:
                return
            time.sleep(options["every"])
