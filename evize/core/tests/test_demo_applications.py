"""The demo applications: `load_demo_applications` after `load_demo` and `demo_pki`, run twice,
leaves one application per state, made through the real services, and the visa'd one verifies."""

from __future__ import annotations

import io
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import translation

from evize.applications.models import Application, Status
from evize.audit.models import AuditEvent
from evize.core.demo_applications import DEMO_APPLICATIONS, LOADED_ACTION
from evize.payments.models import Fee, PaymentAttempt
from evize.payments.sandbox.models import SandboxOrder
from evize.review.models import Notation
from evize.signatures.models import SignatureRequest, SigningRound
from evize.visa.models import Visa
from evize.visa.selectors import public_summary, verify_file, visa_by_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_dir(settings, tmp_path):
    """The embedded plain-HTTP mode of `make run`, with the demo PKI in a fresh folder (its CA is
    then the only trust anchor)."""
    settings.DATA_DIR = tmp_path
    settings.INSECURE_HTTP = True
    settings.EVIZE_SANDBOX_BANK = True
    settings.EVIZE_SIGNATURE_TRUST_ANCHORS = []
    return tmp_path


def run(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def by_key(key: str) -> Application:
    return Application.objects.get(note_to_office__startswith=f"[demo:{key}]")


def test_every_state_once_and_the_visa_verifies(demo_dir, django_capture_on_commit_callbacks):
    run("load_demo")
    run("demo_pki")
    outputs = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            outputs.append(run("load_demo_applications"))
    first, second = outputs

    # One application per state, nothing duplicated by the second run.
    assert Application.objects.count() == len(DEMO_APPLICATIONS) == 9
    assert Counter(Application.objects.values_list("status", flat=True)) == {
        Status.DRAFT: 1,
        Status.AWAITING_SIGNATURE: 1,
        Status.AWAITING_REGISTRATION_FEE: 1,
        Status.IN_REVIEW: 1,
        Status.NOTES_SENT: 1,
        Status.AWAITING_VISA_FEE: 1,
        Status.VISAED: 1,
        Status.CANCELLED: 2,
    }
    assert AuditEvent.objects.filter(action=LOADED_ACTION).count() == len(DEMO_APPLICATIONS)
    assert first.count("[new]") == 9 and second.count("[kept]") == 9 and "[new]" not in second
    for application in Application.objects.exclude(status=Status.DRAFT):
        line = next(
            line for line in second.splitlines() if line.strip().startswith(application.registration_number)
        )
        with translation.override("tr"):
            assert str(Status(application.status).label) in line
        assert application.created_by.member.sicil_no in line

    # The draft was filled through the form: every section, no documents yet.
    draft = by_key("taslak")
    assert draft.registration_number == "" or draft.registration_number is None
    assert draft.building.building_name == "Aksoy Müstakil Konutu" and draft.title_deeds.count() == 1
    assert draft.coefficients.count() > 0 and draft.superstructures.count() == 2

    # Awaiting signature: the applicant signed with the demo certificate, the second engineer not yet.
    waiting = by_key("imza-bekliyor")
    requests = SignatureRequest.objects.filter(signing_round__application=waiting).order_by(
        "engineer__position"
    )
    assert [(r.member.sicil_no, r.state) for r in requests] == [
        ("1847", SignatureRequest.State.SIGNED),
        ("2015", SignatureRequest.State.PENDING),
    ]

    # Fees were paid at the sandbox bank through the NestPay provider: one approved order per payment.
    confirmed = PaymentAttempt.objects.filter(status=PaymentAttempt.Status.CONFIRMED)
    assert confirmed.count() == SandboxOrder.objects.filter(state="approved").count() == 7
    assert Fee.objects.get(application=by_key("kayit-ucreti")).status == Fee.Status.DUE
    assert Fee.objects.get(application=by_key("vize-ucreti"), kind="visa").status == Fee.Status.DUE

    # The review: assigned to the demo control engineer; notes sent with a notes PDF.
    assert by_key("incelemede").review_assignments.get(active=True).reviewer.username == "kontrol"
    notes_sent = Notation.objects.get(application=by_key("notlar-gonderildi"))
    assert notes_sent.notes_blob_id and notes_sent.notes.count() == 2
    with storages["default"].open(notes_sent.notes_blob.storage_key, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    cancelled = by_key("iptal")
    assert cancelled.notation_count == 3 and Notation.objects.get(application=cancelled, number=3).cancelled
    withdrawn = by_key("geri-cekildi")
    assert withdrawn.status == Status.CANCELLED and withdrawn.notation_count == 0
    assert "geri çekildi" in withdrawn.cancel_reason

    # The visa'd application: corrected once and signed again (two locked rounds), stamped and
    # signed by the demo visa officer; the public verification says valid.
    visaed = by_key("vizelendi")
    assert SigningRound.objects.filter(application=visaed, state=SigningRound.State.LOCKED).count() == 2
    visa = Visa.objects.get(application=visaed)
    assert visa.state == Visa.State.VALID and visa.issued_by.username == "vize.yetkili"
    summary = public_summary(visa_by_number(visa.number))
    assert summary["valid"] is True and summary["registration_number"] == visaed.registration_number
    assert len(summary["files"]) == visa.files.count() > 1
    visa_file = visa.files.order_by("position", "pk").first()
    with storages["default"].open(visa_file.blob.storage_key, "rb") as fh:
        data = fh.read()
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as tmp:
        tmp.write(data)
    result = verify_file(Path(tmp.name))
    Path(tmp.name).unlink()
    assert result["genuine"] and result["signatures_ok"]
    assert len(result["signatures"]) == 3  # the two engineers and the visa officer
