"""A whole correction round through the services, with real signatures (the test PKI on loopback):
the office sends notes → the engineer answers, corrects the form, replaces a drawing, saves (a new
round) and signs again → the application is back in review with the same control engineer, who sees
the answers and what changed, resolves the notes and approves."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from evize.applications.models import Round, Status
from evize.applications.services import application_field_save, application_submit
from evize.applications.tests.helpers import complete_application
from evize.applications.workflow import transition
from evize.audit.models import AuditEvent
from evize.catalog.selectors import required_document_types
from evize.documents.selectors import current_documents
from evize.documents.services import document_create_from_file
from evize.documents.tests.pdfs import make_pdf
from evize.review.models import Note
from evize.review.selectors import review_clock, round_changes
from evize.review.services import (
    active_assignment,
    notation_send,
    note_add,
    note_answer,
    note_resolve,
    review_approve,
    review_assign,
)
from evize.signatures.models import SigningRound
from evize.signatures.testing.responders import PkiServer
from evize.signatures.testing.scenario import signer_certificate
from evize.signatures.tests.helpers import sign_round

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pki_server():
    with PkiServer() as server:
        yield server


@pytest.fixture(autouse=True)
def signature_settings(settings, tmp_path, pki_server, private_storage):
    anchor = pki_server.pki.write_anchor(tmp_path / "anchors" / "root.pem")
    settings.EVIZE_SIGNATURE_TRUST_ANCHORS = [str(anchor)]
    settings.EVIZE_SIGNATURE_REVOCATION_MODE = "hard-fail"
    settings.EVIZE_TSA_URL = pki_server.tsa_url
    return settings


def upload(application, document_type, *, actor, name, text, replaces=None):
    tmp_dir = Path(settings.EVIZE_UPLOAD_TMP_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".pdf", delete=False) as tmp:
        tmp.write(make_pdf(pages=2, text=text))
    return document_create_from_file(
        actor=actor,
        application=application,
        document_type=document_type,
        path=Path(tmp.name),
        file_name=name,
        replaces=replaces,
    )


def test_notes_answer_correct_resign_and_back_to_the_same_reviewer(
    engineer_user, clerk, reviewer, pki_server, staff_client, django_capture_on_commit_callbacks
):
    certificate = signer_certificate(pki_server.pki.intermediate, engineer_user.member)
    app = complete_application(user=engineer_user, documents=False)
    for document_type in required_document_types(app.work_type):
        upload(
            app, document_type, actor=engineer_user, name=f"{document_type.code}.pdf", text=document_type.code
        )

    # saved and signed (round 1); the registration fee (payments app) is paid
    app = application_submit(actor=engineer_user, application=app)
    sign_round(engineer_user, certificate, app)
    app.refresh_from_db()
    assert app.status == Status.AWAITING_REGISTRATION_FEE
    transition(app, to=Status.REGISTERED, actor=engineer_user, expected=Status.AWAITING_REGISTRATION_FEE)

    # the office: assign, note, send notation 1
    review_assign(actor=clerk, application=app, reviewer=reviewer)
    drawing = current_documents(app).first()
    note = note_add(
        actor=reviewer,
        application=app,
        category="correction_needed",
        text="Kiriş kesiti yetersiz",
        document=drawing,
        page=1,
        rect={"x": 50, "y": 50, "w": 100, "h": 60},
    )
    notation_send(actor=reviewer, application=app)
    app.refresh_from_db()
    assert app.status == Status.NOTES_SENT and app.notation_count == 1
    assert review_clock(app).paused

    # the engineer: answer, correct the form, replace the drawing, save, sign again
    note_answer(actor=engineer_user, note=note, text="Kesit 30/60 yapıldı")
    application_field_save(
        actor=engineer_user, application=app, field="note_to_office", value="Notlar düzeltildi"
    )
    replaced = upload(
        app,
        drawing.document_type,
        actor=engineer_user,
        name="duzeltilmis.pdf",
        text="revised",
        replaces=drawing,
    )
    app = application_submit(actor=engineer_user, application=app)
    assert app.status == Status.AWAITING_RESIGNATURE
    assert Round.objects.filter(application=app).count() == 2
    signing = SigningRound.objects.get(round__application=app, round__number=2)
    assert signing.files.filter(document=replaced).exists()
    with django_capture_on_commit_callbacks(execute=True):
        sign_round(engineer_user, certificate, app)
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW
    assert AuditEvent.objects.filter(action="evize.application.resigned", object_id=str(app.pk)).exists()

    # back with the same control engineer, who sees the answer and what changed
    assert active_assignment(app).reviewer == reviewer
    previous, changes = round_changes(app)
    paths = {c.path: (c.old, c.new) for c in changes}
    assert previous == 1
    assert paths["application.note_to_office"][1] == "Notlar düzeltildi"
    assert any(p.startswith("documents") and p.endswith("sha256") for p in paths)
    note.refresh_from_db()
    assert note.status == Note.State.ANSWERED and note.answer == "Kesit 30/60 yapıldı"
    clock = review_clock(app)
    assert not clock.paused and [s.review_round for s in clock.spans if s.review_round] == [1, 2]

    page = (
        staff_client(reviewer)
        .get(reverse("review:workspace", args=[app.pk]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "Kesit 30/60 yapıldı" in page and "Changed since round 1" in page and "Notlar düzeltildi" in page

    # resolved, approved: on to the visa fee
    note_resolve(actor=reviewer, note=note)
    with django_capture_on_commit_callbacks(execute=True):
        app = review_approve(actor=reviewer, application=app)
    assert app.status == Status.AWAITING_VISA_FEE
