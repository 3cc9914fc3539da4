"""manage.py validate_pdf (the office's check of any PDF) and manage.py demo_pki."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import call_command
from django.core.management.base import CommandError

from evize.documents.tests.pdfs import make_pdf
from evize.registry.validators import tckn_is_valid
from evize.signatures import services
from evize.signatures.management.commands.demo_pki import officer_national_id
from evize.signatures.models import RoundFile
from evize.signatures.pki import hierarchy
from evize.signatures.testing.scenario import sign_with

from .helpers import chain_of, file_bytes, sign_round

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("validate_pdf", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


@pytest.fixture
def signed_file(waiting, engineers, certificate_for, tmp_path):
    application, round_ = waiting
    services.signing_round_open(actor=engineers[0], round=round_)
    sign_round(engineers[0], certificate_for(engineers[0]), application)
    round_file = RoundFile.objects.filter(signing_round__application=application).first()
    path = tmp_path / "imzali.pdf"
    path.write_bytes(file_bytes(round_file))
    return path, engineers[0]


def test_validate_pdf_accepts_a_good_signature(signed_file):
    path, user = signed_file
    code, out = run(str(path), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True
    (signature,) = report["signatures"]
    assert signature["national_id"] == user.member.national_id
    assert signature["signer"] == user.member.full_name
    for key in ("intact", "valid", "trusted"):
        assert signature[key] is True
    assert signature["revoked"] is False
    assert signature["coverage"] == "ENTIRE_REVISION"  # the DSS (B-LT) follows the signed revision
    assert signature["modification_level"] == "LTA_UPDATES"
    assert signature["signing_time"]

    code, text = run(str(path))
    assert code == 0
    assert user.member.national_id in text and "OK" in text


def test_validate_pdf_refuses_unsigned_and_untrusted_files(tmp_path, settings):
    unsigned = tmp_path / "imzasiz.pdf"
    unsigned.write_bytes(make_pdf())
    code, out = run(str(unsigned), "--json")
    assert code == 1
    assert json.loads(out) == {"file": str(unsigned), "ok": False, "signatures": []}

    # Signed by a CA that is not a configured trust anchor.
    import io

    from evize.signatures.pdf import SignerInfo, finish, prepare
    from evize.signatures.splice import SplicedFile

    stranger = hierarchy(name="Yabancı")
    issued = stranger.intermediate.issue_signer(given_name="A", surname="B", national_id="10000093246")
    base = io.BytesIO(make_pdf())
    signer = SignerInfo(certificate_der=issued.der, chain_der=chain_of(issued))
    prepared = prepare(SplicedFile(base), signer=signer, field_name="Imza")
    stream = SplicedFile(base, prepared.increment)
    finish(stream, prepared, signer=signer, signature=sign_with(issued, prepared.to_be_signed))
    untrusted = tmp_path / "yabanci.pdf"
    untrusted.write_bytes(base.getvalue() + bytes(stream.tail))
    code, out = run(str(untrusted), "--json")
    assert code == 1
    (signature,) = json.loads(out)["signatures"]
    assert signature["intact"] is True and signature["valid"] is True and signature["trusted"] is False


def test_validate_pdf_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("validate_pdf", str(tmp_path / "yok.pdf"))


def test_demo_pki_creates_certificates_for_the_demo_users(tmp_path, settings):
    from evize.core.demo import load_demo_members

    load_demo_members()
    call_command("demo_pki", "--out", str(tmp_path / "pki"), "--password", "gizli")
    folder = tmp_path / "pki"
    assert (folder / "demo-root.pem").exists()
    names = sorted(p.stem for p in folder.glob("*.p12"))
    assert names == ["1847", "2015", "2233", "vize.yetkili"]
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    from evize.registry.models import Member
    from evize.signatures.validation import national_id_of

    for name in ("1847", "2015", "2233"):
        key, cert, chain = pkcs12.load_key_and_certificates((folder / f"{name}.p12").read_bytes(), b"gizli")
        found = national_id_of(asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)))
        assert found == Member.objects.get(sicil_no=name).national_id
        assert key is not None and chain
    assert tckn_is_valid(officer_national_id())
