from django.core.management.base import BaseCommand
from django.utils import translation

from evize.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo (members, engineer and staff accounts) through the real services; safe to re-run."

    def handle(self, *args, **options):
        with translation.override("tr"):
            logins = load_demo()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("e-Vize demo is ready: http://127.0.0.1:8000"))
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        width = max(len(item.login) for item in logins)
        for item in logins:
            extra = f"   (two-factor code: make otp USER={item.login})" if item.two_factor else ""
            self.stdout.write(f"  {item.login:<{width}}  {item.role} — {item.name}{extra}")
        self.stdout.write("")
