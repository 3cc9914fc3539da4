from django.core.management.base import BaseCommand

from evize.notifications.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "E-mail reminders about fees left unpaid and signatures still missing after the configured "
        "number of days (EVIZE_REMINDER_FEE_DAYS, EVIZE_REMINDER_SIGNATURE_DAYS), at most once per "
        "item every EVIZE_REMINDER_REPEAT_DAYS. Safe to run any number of times (e.g. daily from cron)."
    )

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"reminders={sent}")
