from __future__ import annotations

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evize.accounts.models import User
from evize.visa import pkcs12, services
from evize.visa.models import Visa


class Command(BaseCommand):
    help = (
        "Sign pending visas as a visa officer with a PKCS#12 file (demo; production officers sign "
        "with their token). Without visa numbers, every pending visa is signed in one session."
    )

    def add_arguments(self, parser):
        parser.add_argument("--officer", required=True, help="the visa officer's username")
        parser.add_argument("--pkcs12", required=True, type=Path)
        parser.add_argument("--password", default=None, help="asked for when omitted")
        parser.add_argument("numbers", nargs="*", help="visa numbers (default: every pending visa)")

    def handle(self, *args, officer: str, pkcs12: Path, password: str | None, numbers: list[str], **options):
        user = User.objects.filter(username=officer, role=User.Role.VISA_OFFICER).first()
        if user is None:
            raise CommandError(f"no visa officer {officer!r}")
        visas = Visa.objects.filter(state=Visa.State.PENDING)
        if numbers:
            visas = visas.filter(number__in=numbers)
        visas = list(visas.order_by("year", "seq"))
        if not visas:
            self.stdout.write("no pending visa")
            return
        password = password if password is not None else getpass.getpass("PKCS#12 password: ")
        try:
            issued = pkcs12_sign(user, visas, pkcs12, password)
        except services.VisaError as exc:
            raise CommandError(exc.message) from exc
        for visa in issued:
            self.stdout.write(f"{visa.number}: {services.verify_url(visa)}")


def pkcs12_sign(user, visas, path, password):
    return pkcs12.sign_visas(officer=user, visas=visas, path=path, password=password)
