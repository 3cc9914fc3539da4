"""Public verification (number page, uploaded files, JSON, rate limit), revocation and the export."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone, translation

from evize.audit.models import AuditEvent
from evize.documents.tests.pdfs import make_pdf
from evize.notifications.models import OutboxMessage
from evize.visa import services
from evize.visa.models import Visa

from .helpers import officer_signs, visa_file_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


@pytest.fixture
def issued_visa(signed_application, officer, officer_certificate):
    visa = services.visa_issue_start(signed_application.pk)
    (issued,), _items = officer_signs(officer, officer_certificate, [visa])
    return issued


def post_file(client, data: bytes, *, json_format: bool = True):
    handle = io.BytesIO(data)
    handle.name = "dosya.pdf"
    url = "/dogrula/?format=json" if json_format else "/dogrula/"
    return client.post(url, {"file": handle})


def test_number_page_and_json_without_login(client, issued_visa):
    response = client.get(f"/dogrula/{issued_visa.slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert issued_visa.number in page
    data = client.get(f"/dogrula/{issued_visa.slug}/?format=json").json()
    assert data["state"] == "valid" and data["valid"] is True
    assert len(data["files"]) == 3
    assert all(len(f["sha256"]) == 64 for f in data["files"])
    assert len(data["engineers"]) == 2
    # No personal data beyond names, district and parcel.
    body = json.dumps(data)
    for engineer in issued_visa.application.engineers.all():
        assert engineer.national_id not in body
        assert engineer.email not in body
    # The form's number field redirects to the page.
    response = client.get("/dogrula/", {"number": issued_visa.number})
    assert response.status_code == 302 and response["Location"].endswith(f"/dogrula/{issued_visa.slug}/")
    assert client.get("/dogrula/V-1999-99999/?format=json").status_code == 404


def test_uploaded_files_genuine_tampered_never_visaed(client, issued_visa):
    visa_file = issued_visa.files.order_by("position").first()
    data = visa_file_bytes(visa_file)
    genuine = post_file(client, data).json()
    assert genuine["matches"] and genuine["genuine"] and genuine["signatures_ok"]
    assert genuine["sha256"] == hashlib.sha256(data).hexdigest() == visa_file.sha256
    assert len(genuine["signatures"]) == 3

    # One byte changed inside a page's content stream (signed by everyone): not a visa'd file,
    # and the signatures no longer match.
    position = data.index(b"stream") + 20
    tampered = data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]
    result = post_file(client, tampered).json()
    assert not result["matches"] and not result["genuine"]
    assert not result["signatures_ok"]

    never = post_file(client, make_pdf(text="Hiç vizelenmedi")).json()
    assert not never["matches"] and never["signatures"] == []

    html = post_file(client, make_pdf(text="Hiç vizelenmedi"), json_format=False)
    assert html.status_code == 200
    assert "dosya.pdf" in html.content.decode()


def test_revoked_visa_says_so_everywhere(client, staff_client, issued_visa, officer):
    office = staff_client(officer)
    response = office.post(f"/vize/{issued_visa.pk}/iptal/", {"reason": "Statik hesapta hata."})
    assert response.status_code == 302
    issued_visa.refresh_from_db()
    assert issued_visa.state == Visa.State.REVOKED
    assert issued_visa.revoke_reason == "Statik hesapta hata."
    assert AuditEvent.objects.filter(action="evize.visa.revoked").count() == 1
    assert OutboxMessage.objects.filter(kind="visa.revoked").count() == 2

    client.logout()
    data = client.get(f"/dogrula/{issued_visa.slug}/?format=json").json()
    assert data["state"] == "revoked" and data["valid"] is False
    visa_file = issued_visa.files.first()
    result = post_file(client, visa_file_bytes(visa_file)).json()
    assert result["matches"] and not result["genuine"]
    assert result["visa"]["state"] == "revoked"
    # A second revocation is refused; nothing changes.
    with pytest.raises(services.VisaError):
        services.visa_revoke(actor=officer, visa=issued_visa, reason="tekrar")
    assert AuditEvent.objects.filter(action="evize.visa.revoked").count() == 1


def test_revocation_needs_office_staff_and_a_reason(client, staff_client, issued_visa, engineers):
    client.force_login(engineers[0])
    assert client.post(f"/vize/{issued_visa.pk}/iptal/", {"reason": "x"}).status_code == 403
    with pytest.raises(services.VisaError):
        services.visa_revoke(actor=issued_visa.issued_by, visa=issued_visa, reason="  ")
    issued_visa.refresh_from_db()
    assert issued_visa.state == Visa.State.VALID


def test_rate_limit(client, settings, db):
    settings.EVIZE_VISA_VERIFY_RATE_LIMIT = 2
    codes = [client.get("/dogrula/V-1999-00001/?format=json").status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_export_writes_the_archive(issued_visa, tmp_path):
    from evize.accounts.tests.factories import UserFactory
    from evize.review.models import Note

    application = issued_visa.application
    Note.objects.create(
        application=application,
        category=Note.Category.CORRECTION_NEEDED,
        text="Kolon donatısı eksik.",
        created_by=UserFactory(control_engineer=True),
    )
    target = tmp_path / "arsiv"
    call_command("export_application", application.registration_number, str(target))
    manifest = json.loads((target / "manifest.json").read_text())
    paths = {entry["path"]: entry for entry in manifest["files"]}
    assert any(p.startswith("turlar/01/") for p in paths)
    visa_files = [p for p in paths if p.startswith(f"vize/{issued_visa.slug}/") and p.endswith(".pdf")]
    assert len(visa_files) == 3
    for path, entry in paths.items():
        assert hashlib.sha256((target / path).read_bytes()).hexdigest() == entry["sha256"]
    stored = {f.sha256 for f in issued_visa.files.all()}
    assert {paths[p]["sha256"] for p in visa_files} == stored
    audit_lines = (target / "denetim-kayitlari.jsonl").read_text().splitlines()
    assert any(json.loads(line)["action"] == "evize.visa.issued" for line in audit_lines)
    reports = json.loads((target / "dogrulama-raporlari.json").read_text())
    assert all(reports[p] for p in visa_files)
    notes = json.loads((target / "inceleme" / "notlar.json").read_text())
    assert [note["text"] for note in notes] == ["Kolon donatısı eksik."]
    assert AuditEvent.objects.filter(action="evize.visa.archive_exported").exists()


def test_uploaded_non_pdf_is_refused_with_a_translated_message(client, db):
    handle = io.BytesIO(b"PK\x03\x04 not a pdf, a zip")
    handle.name = "proje.zip"
    response = client.post("/dogrula/", {"file": handle}, HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 400
    assert "Dosya PDF değil" in response.content.decode()
    handle.seek(0)
    data = client.post("/dogrula/?format=json", {"file": handle}, HTTP_ACCEPT_LANGUAGE="tr")
    assert data.status_code == 400
    assert data.json()["error"] == "invalid" and "PDF değil" in data.json()["message"]
    # Nothing at all: asked for a number or a file.
    empty = client.post("/dogrula/", {}, HTTP_ACCEPT_LANGUAGE="tr")
    assert empty.status_code == 400
    assert "Bir vize numarası girin" in empty.content.decode()


def test_unknown_number_says_so(client, db):
    response = client.get("/dogrula/", {"number": "V-1999/12345"}, HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 404
    assert "V-1999/12345 numaralı bir vize bulunamadı" in response.content.decode()
    data = client.get("/dogrula/", {"number": "V-1999/12345", "format": "json"}).json()
    assert data["error"] == "not_found"


@pytest.mark.parametrize(
    ("state", "verdict"),
    [
        ("valid", "GEÇERLİ VİZE"),
        ("revoked", "İPTAL EDİLMİŞ VİZE — GEÇERSİZ"),
        ("superseded", "YERİNE YENİSİ VERİLMİŞ VİZE — GEÇERSİZ"),
    ],
)
def test_number_page_states_in_turkish_for_phones(client, db, state, verdict):
    from evize.applications.models import Status
    from evize.payments.tests.factories import application_in

    from .helpers import make_visa

    extra = {"revoke_reason": "Hata", "revoked_at": timezone.now()} if state == "revoked" else {}
    visa = make_visa(application_in(Status.VISAED), state=state, **extra)
    response = client.get(f"/dogrula/{visa.slug}/", HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-visa-state="{state}"' in html
    assert verdict in html
    with translation.override("tr"):
        label = str(visa.get_state_display())
    english = {"valid": "Valid", "revoked": "Revoked", "superseded": "Superseded by a later visa"}
    assert label != english[state]
    assert label in html
    assert "visa/visa.css" in html and 'name="viewport"' in html
    assert "<table" not in html  # facts and files stack on a narrow screen
