from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from evize.core.demo import demo_otp_token


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo staff account (demo devices only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            self.stdout.write(demo_otp_token(username))
        except TOTPDevice.DoesNotExist as exc:
            raise CommandError(f"{username!r} has no demo two-factor device (only demo accounts do)") from exc
