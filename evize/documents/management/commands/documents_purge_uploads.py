from django.core.management.base import BaseCommand

from evize.documents.services import upload_sessions_purge_expired


class Command(BaseCommand):
    help = "Remove unfinished uploads that have expired, and their temporary files."

    def handle(self, *args, **options):
        count = upload_sessions_purge_expired()
        self.stdout.write(f"{count} expired upload(s) removed.")
