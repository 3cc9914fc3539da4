"""Step 24 over real SMTP (aiosmtpd on loopback): the notes e-mail reaches the engineer with both
files attached, the annotated one carrying real PDF annotations, and the correction link."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from evize.notifications.tests.conftest import SmtpServer, _free_port
from evize.review.services import notation_send, note_add

pytestmark = pytest.mark.django_db

BASE_URL = "https://e-vize.test"


@pytest.fixture
def smtp_server(settings):
    server = SmtpServer(_free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.EVIZE_EMAIL_DELIVERY = "smtp"
    settings.EVIZE_BASE_URL = BASE_URL
    yield server
    server.stop()


def test_notes_email_arrives_with_both_files_and_the_correction_link(
    smtp_server, review_app, reviewer, engineer_user, django_capture_on_commit_callbacks
):
    note_add(
        actor=reviewer,
        application=review_app,
        category="correction_needed",
        text="Döşeme kalınlığı",
        document=review_app.drawing,
        page=2,
        rect={"x": 200, "y": 150, "w": 90, "h": 60},
    )
    with django_capture_on_commit_callbacks(execute=True):
        notation_send(actor=reviewer, application=review_app)
    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert got.rcpt_tos == [review_app.engineers.get().email]
    files = got.attachments
    assert set(files) == {"notlar-2026-00042-1.pdf", "notlanmis-proje-2026-00042-1.pdf"}
    notes = PdfReader(io.BytesIO(files["notlar-2026-00042-1.pdf"][1]))
    assert "Döşeme kalınlığı" in "".join(page.extract_text() for page in notes.pages)
    annotated = PdfReader(io.BytesIO(files["notlanmis-proje-2026-00042-1.pdf"][1]))
    assert annotated.pages[0].get("/Annots") is None
    subtypes = [a.get_object()["/Subtype"] for a in annotated.pages[1]["/Annots"]]
    assert subtypes == ["/Square", "/FreeText"]
    link = BASE_URL + reverse("applications:form", args=[review_app.pk])
    assert link in got.text
