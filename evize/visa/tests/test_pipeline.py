"""The real pipeline: engineers sign, the visa officer stamps and signs, every signature stays valid."""

from __future__ import annotations

import io
import subprocess

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from evize.applications.models import Status
from evize.audit.models import AuditEvent
from evize.core.testing import require_tool
from evize.notifications.models import OutboxMessage
from evize.signatures.tests.helpers import nss_db, pdfsig, pyhanko_reports
from evize.visa import services
from evize.visa.models import Visa

from .helpers import officer_signs, visa_file_bytes

pytestmark = pytest.mark.django_db


def test_visa_keeps_engineer_signatures_valid_and_stamps_every_page(
    signed_application, officer, officer_certificate, pki, tmp_path, settings
):
    visa = services.visa_issue_start(signed_application.pk)
    assert visa.state == Visa.State.PENDING
    assert visa.number.startswith(f"V-{visa.year}/")
    assert services.visa_issue_start(signed_application.pk) == visa  # idempotent

    (issued,), items = officer_signs(officer, officer_certificate, [visa])
    assert len(items) == 3  # two drawings + the Başvuru Formu
    issued.refresh_from_db()
    assert issued.state == Visa.State.VALID
    assert issued.issued_by == officer
    signed_application.refresh_from_db()
    assert signed_application.status == Status.VISAED

    verify_url = settings.EVIZE_BASE_URL + f"/dogrula/{visa.slug}/"
    db = nss_db(tmp_path, pki.root.pem)
    files = list(issued.files.order_by("position"))
    assert len(files) == 3
    for visa_file in files:
        data = visa_file_bytes(visa_file)
        reports = pyhanko_reports(data)
        by_field = {r["field"]: r for r in reports}
        assert len(reports) == 3  # two engineers + the officer
        assert all(r["ok"] and r["intact"] and r["valid"] and r["trusted"] for r in reports), reports
        officer_field = f"Vize-{visa.slug}"
        # PAdES B-LT: after the officer's signature only the DSS with its validation data was added.
        assert by_field[officer_field]["modification_level"] == "LTA_UPDATES"
        assert by_field[officer_field]["level"] == "B-LT"
        assert officer_certificate.der in dss_certificates(data)
        for field, report in by_field.items():
            if field != officer_field:
                assert report["modification_level"] == "FORM_FILLING", report
        # Poppler agrees: every signed field valid.
        path = tmp_path / f"{visa_file.pk}.pdf"
        path.write_bytes(data)
        verdict = pdfsig(path, db)
        assert verdict.count("Signature is Valid.") == 3, verdict
        assert "Signature is Invalid" not in verdict
        # One stamp per page: the officer's widget on page 1, stamp fields on the others.
        reader = PdfFileReader(io.BytesIO(data))
        pages = int(reader.root["/Pages"]["/Count"])
        assert visa_file.pages == pages
        for index in range(pages):
            page_ref, _resources = reader.find_page_for_modification(index)
            widgets = [a.get_object() for a in page_ref.get_object().get("/Annots", [])]
            stamps = [w for w in widgets if str(w.get("/T", "")).startswith(officer_field) and "/AP" in w]
            assert len(stamps) == 1, (visa_file.file_name, index)
        # Render and decode the QR code of every page.
        pdftoppm = require_tool("pdftoppm", "stamps are checked by rendering the pages (poppler-utils)")
        zbarimg = require_tool("zbarimg", "stamps' QR codes are decoded with zbar-tools")
        subprocess.run(
            [pdftoppm, "-r", "150", "-png", str(path), str(tmp_path / f"p{visa_file.pk}")], check=True
        )
        for index in range(1, pages + 1):
            png = tmp_path / (
                f"p{visa_file.pk}-{index}.png" if pages < 10 else f"p{visa_file.pk}-{index:02d}.png"
            )
            decoded = subprocess.run([zbarimg, "-q", "--raw", str(png)], capture_output=True, text=True)
            assert decoded.stdout.strip() == verify_url, (visa_file.file_name, index)

    actions = list(
        AuditEvent.objects.filter(action__startswith="evize.visa.").values_list("action", flat=True)
    )
    assert "evize.visa.queued" in actions and "evize.visa.issued" in actions
    delivered = OutboxMessage.objects.filter(kind="visa.delivered")
    assert delivered.count() == 2
    assert all(visa.number in m.body_text for m in delivered)


def dss_certificates(data: bytes) -> set[bytes]:
    reader = PdfFileReader(io.BytesIO(data))
    return {ref.get_object().data for ref in reader.root["/DSS"]["/Certs"]}


def test_pades_lta_document_timestamp_keeps_every_signature_valid(
    signed_application, officer, officer_certificate, pki, tmp_path, settings
):
    settings.EVIZE_VISA_PADES_LTA = True
    visa = services.visa_issue_start(signed_application.pk)
    (issued,), _items = officer_signs(officer, officer_certificate, [visa])
    db = nss_db(tmp_path, pki.root.pem)
    officer_field = f"Vize-{visa.slug}"
    for visa_file in issued.files.order_by("position"):
        data = visa_file_bytes(visa_file)
        reader = PdfFileReader(io.BytesIO(data))
        last = reader.embedded_signatures[-1]
        assert last.sig_object_type == "/DocTimeStamp"
        assert last.field_name == f"{officer_field}-Zaman"
        reports = {r["field"]: r for r in pyhanko_reports_with_timestamps(data)}
        assert len(reports) == 4  # two engineers, the officer, the document time stamp
        assert all(r["ok"] and r["intact"] and r["valid"] and r["trusted"] for r in reports.values()), reports
        assert reports[last.field_name]["kind"] == "document_timestamp"
        for field, report in reports.items():
            if field not in (officer_field, last.field_name):
                assert report["modification_level"] == "FORM_FILLING", report
        # The reports kept with the visa'd file (checked before issuing) say the same.
        assert [r["field"] for r in visa_file.report] == list(reports)
        assert all(r["ok"] for r in visa_file.report)
        # Poppler: the three signatures valid; it cannot check document time stamps itself (poppler
        # 22: "Unable to validate this type of signature"), pyHanko did above.
        path = tmp_path / f"lta-{visa_file.pk}.pdf"
        path.write_bytes(data)
        verdict = pdfsig(path, db)
        assert verdict.count("Signature is Valid.") == 3, verdict
        assert "Signature is Invalid" not in verdict


def pyhanko_reports_with_timestamps(data: bytes) -> list[dict]:
    from evize.visa.checks import pdf_reports

    return pdf_reports(io.BytesIO(data))


def test_wrong_officer_certificate_is_refused(signed_application, officer, pki):
    visa = services.visa_issue_start(signed_application.pk)
    stranger = pki.intermediate.issue_signer(given_name="Başka", surname="Biri", national_id="10000000146")
    with pytest.raises(services.VisaError):
        officer_signs(officer, stranger, [visa])
    visa.refresh_from_db()
    assert visa.state == Visa.State.PENDING
    assert AuditEvent.objects.filter(action="evize.visa.certificate_refused").exists()
