import time

from django.core.management.base import BaseCommand

from evize.notifications.services import outbox_flush


class Command(BaseCommand):
    help = (
        "Deliver every queued e-mail that is due and recover e-mails left in 'sending' by a stopped "
        "worker. With --every N, keep doing it every N seconds (no Celery beat needed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="at most this many e-mails per run")
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds until stopped")

    def handle(self, *args, limit: int, every: int, **options):
        while True:
            result = outbox_flush(limit=limit)
            self.stdout.write(
                f"recovered={result.recovered} delivered={result.delivered} retrying={result.retrying} "
                f"failed={result.failed} skipped={result.skipped}"
                + (" (mail server unreachable; stopped early)" if result.stopped_early else "")
            )
            if every <= 0:
                return
            time.sleep(every)
