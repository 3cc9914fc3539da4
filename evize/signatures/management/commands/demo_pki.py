"""manage.py demo_pki: a demo certificate authority and PKCS#12 certificates for the demo engineers
and the demo visa officer, so the whole signing flow works locally with the signer agent.

Files go to $EVIZE_DATA_DIR/demo-pki/: demo-root.pem (trusted automatically in the embedded
plain-HTTP mode when no EVIZE_SIGNATURE_TRUST_ANCHORS is set) and <user>.p12 (password: the
--password option, default "demo"). Existing files are kept unless --force."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from evize.core.demo import DEMO_ENGINEERS
from evize.registry.models import Member
from evize.signatures.pki import hierarchy

OFFICER = ("vize.yetkili", "Nilgün", "Tekin")


def officer_national_id() -> str:
    """A fixed, checksum-valid T.C. Kimlik No for the demo visa officer (not a real person's)."""
    digits = [1, 0, 0, 0, 0, 0, 9, 3, 2]
    d10 = ((digits[0] + digits[2] + digits[4] + digits[6] + digits[8]) * 7 - sum(digits[1:8:2])) % 10
    digits.append(d10)
    digits.append(sum(digits) % 10)
    return "".join(map(str, digits))


class Command(BaseCommand):
    help = "Create the demo e-signature CA and certificates (PKCS#12) for the demo users."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo")
        parser.add_argument("--force", action="store_true", help="replace an existing demo PKI")
        parser.add_argument("--out", type=Path, default=None)

    def handle(self, *args, password: str, force: bool, out: Path | None, **options):
        folder = out or Path(settings.DATA_DIR) / "demo-pki"
        root_path = folder / "demo-root.pem"
        if root_path.exists() and not force:
            self.stdout.write(f"demo PKI already in {folder} (use --force to replace it)")
            return
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        pki = hierarchy(name="e-Vize Demo")
        people = []
        for member in Member.objects.filter(sicil_no__in=DEMO_ENGINEERS).order_by("sicil_no"):
            people.append((member.sicil_no, member.first_name, member.last_name, member.national_id))
        username, first, last = OFFICER
        people.append((username, first, last, officer_national_id()))
        for name, first_name, last_name, national_id in people:
            issued = pki.intermediate.issue_signer(
                given_name=first_name, surname=last_name, national_id=national_id, id_prefix="PNOTR-"
            )
            path = folder / f"{name}.p12"
            path.write_bytes(issued.pkcs12(password, name=f"{first_name} {last_name}"))
            path.chmod(0o600)
            self.stdout.write(f"{path}  {first_name} {last_name}  PNOTR-{national_id}")
        pki.write_anchor(root_path)
        (folder / "README.txt").write_text(
            "e-Vize demo e-signature certificates (never for real signatures).\n"
            f"Password of every .p12 file: {password}\n"
            "Start the signer agent, e.g.:\n"
            "  evize-signer --server http://127.0.0.1:8000 --pkcs12 " + str(folder / "1847.p12") + "\n",
            encoding="utf-8",
        )
        self.stdout.write(self.style.SUCCESS(f"demo CA: {root_path}"))
