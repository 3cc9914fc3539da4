"""Who may see and do what, the pages' content, the office's list, exports, overrides, refunds."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Status
from evize.audit.models import AuditEvent
from evize.payments.base import BankAnswer, Outcome, RefundResult
from evize.payments.models import Fee, PaymentAttempt, Receipt
from evize.payments.registry import _factories
from evize.payments.services import fee_registration_open, payment_confirm, payment_start

from .factories import application_in, awaiting_registration_fee

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(tariff, engineer):
    """A registration fee paid by `engineer` (an attempt confirmed, with its receipt)."""
    application = awaiting_registration_fee(created_by=engineer)
    fee = fee_registration_open(actor=None, application=application)
    attempt = payment_start(actor=engineer, fee=fee)
    payment_confirm(
        attempt_id=attempt.pk,
        response=BankAnswer(
            oid=attempt.oid, outcome=Outcome.APPROVED, amount=attempt.amount, currency="949", trans_id="T-1"
        ),
    )
    attempt.refresh_from_db()
    return attempt


@pytest.fixture
def clerk_client(staff_client):
    return staff_client(UserFactory(clerk=True))


# --- engineers --------------------------------------------------------------------------------


def test_another_engineers_fee_result_and_receipt_are_404(client, paid):
    client.force_login(UserFactory())
    application = paid.fee.application
    assert client.get(f"/odeme/basvuru/{application.pk}/kayit/").status_code == 404
    assert client.post(f"/odeme/basvuru/{application.pk}/kayit/ode/").status_code == 404
    assert client.get(f"/odeme/sonuc/{paid.public_id}/").status_code == 404
    assert client.get(f"/odeme/yonlendir/{paid.public_id}/").status_code == 404
    assert client.get(f"/odeme/makbuz/{paid.receipt.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, paid):
    response = client.get(f"/odeme/basvuru/{paid.fee.application_id}/kayit/")
    assert response.status_code == 302 and "/hesap/" in response["Location"]


def test_the_second_engineer_may_pay(client, tariff, engineer):
    from evize.applications.models import ApplicationEngineer

    application = awaiting_registration_fee(created_by=engineer)
    second = UserFactory()
    ApplicationEngineer.objects.create(
        application=application,
        member=second.member,
        position=2,
        email="x@example.org",
        national_id="1",
        phone="1",
    )
    client.force_login(second)
    assert client.get(f"/odeme/basvuru/{application.pk}/kayit/").status_code == 200
    response = client.post(f"/odeme/basvuru/{application.pk}/kayit/ode/")
    assert response.status_code == 303
    assert PaymentAttempt.objects.get().created_by == second


def test_fee_page_before_the_fee_is_opened_shows_the_amount_and_opens_it_on_pay(client, tariff, engineer):
    application = awaiting_registration_fee(created_by=engineer)
    client.force_login(engineer)
    page = client.get(f"/odeme/basvuru/{application.pk}/kayit/").content.decode()
    assert "1.250,00\u00a0TL" in page and not Fee.objects.exists()
    client.post(f"/odeme/basvuru/{application.pk}/kayit/ode/")
    assert Fee.objects.get().amount == Decimal("1250.00")


def test_no_fee_page_for_a_fee_that_is_not_awaited(client, tariff, engineer):
    application = application_in(Status.IN_REVIEW, created_by=engineer)
    client.force_login(engineer)
    assert client.get(f"/odeme/basvuru/{application.pk}/vize/").status_code == 404
    assert client.get(f"/odeme/basvuru/{application.pk}/baska/").status_code == 404
    response = client.post(f"/odeme/basvuru/{application.pk}/vize/ode/")
    assert response.status_code == 303
    assert not PaymentAttempt.objects.exists()


def test_visa_fee_page_shows_the_breakdown(client, tariff, engineer):
    application = application_in(
        Status.AWAITING_VISA_FEE, created_by=engineer, construction_cost=Decimal("2450000")
    )
    client.force_login(engineer)
    page = client.get(f"/odeme/basvuru/{application.pk}/vize/").content.decode()
    assert "Vize ücreti" in page
    assert "İnşaat maliyeti 2.450.000,00\u00a0TL × binde 3" in page
    assert "7.350,00\u00a0TL" in page


def test_redirect_page_posts_to_the_gate_without_leaking_the_csrf_token(client, tariff, engineer, settings):
    settings.EVIZE_NESTPAY_GATE_URL = "https://bank.example/fim/est3Dgate"
    application = awaiting_registration_fee(created_by=engineer)
    client.force_login(engineer)
    location = client.post(f"/odeme/basvuru/{application.pk}/kayit/ode/")["Location"]
    response = client.get(location)
    page = response.content.decode()
    assert 'action="https://bank.example/fim/est3Dgate" data-autopost' in page
    assert 'name="HASH"' in page and "csrfmiddlewaretoken" not in page.split("data-autopost")[1]
    assert "form-action 'self' https://bank.example" in response["Content-Security-Policy"]
    assert "payments/autopost.js" in page
    assert PaymentAttempt.objects.get().status == "pending"


def test_unconfigured_provider_gives_a_clear_message(client, tariff, engineer, settings):
    settings.EVIZE_NESTPAY_STORE_KEY = ""
    application = awaiting_registration_fee(created_by=engineer)
    client.force_login(engineer)
    response = client.post(f"/odeme/basvuru/{application.pk}/kayit/ode/", follow=True)
    assert "Çevrimiçi ödeme şu anda kullanılamıyor." in response.content.decode()
    assert not PaymentAttempt.objects.exists()


def test_receipt_pdf_download(client, paid, engineer):
    client.force_login(engineer)
    response = client.get(f"/odeme/makbuz/{paid.receipt.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"makbuz-{paid.receipt.number}.pdf" in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "Ödeme makbuzu" in text
    assert paid.receipt.number in text
    assert "1.250,00" in text and "Kayıt ücreti" in text
    assert paid.fee.application.registration_number in text


def test_result_page_after_paying(client, paid, engineer):
    client.force_login(engineer)
    page = client.get(f"/odeme/sonuc/{paid.public_id}/").content.decode()
    assert "Ödemeniz alındı" in page and "Başvurunuz vize bürosuna kaydedildi." in page
    assert paid.receipt.number in page


# --- the office -------------------------------------------------------------------------------


def test_engineers_and_other_staff_cannot_see_the_office_list(client, staff_client, paid, engineer):
    client.force_login(engineer)
    assert client.get("/odeme/yonetim/").status_code == 403
    assert client.get("/odeme/yonetim/disa-aktar.csv").status_code == 403
    control = staff_client(UserFactory(control_engineer=True))
    assert control.get("/odeme/yonetim/").status_code == 403
    assert control.get(f"/odeme/makbuz/{paid.receipt.pk}/").status_code == 403


def test_staff_need_two_factor(client, paid):
    client.force_login(UserFactory(clerk=True))
    response = client.get("/odeme/yonetim/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


def test_office_list_filters(clerk_client, paid, tariff, engineer):
    other = payment_start(
        actor=engineer,
        fee=fee_registration_open(actor=None, application=awaiting_registration_fee(created_by=engineer)),
    )
    page = clerk_client.get("/odeme/yonetim/").content.decode()
    assert paid.oid in page and other.oid in page
    page = clerk_client.get("/odeme/yonetim/?status=confirmed").content.decode()
    assert paid.oid in page and other.oid not in page
    page = clerk_client.get(
        f"/odeme/yonetim/?number={other.fee.application.registration_number}"
    ).content.decode()
    assert paid.oid not in page and other.oid in page
    page = clerk_client.get("/odeme/yonetim/?kind=visa").content.decode()
    assert "Bu ölçütlere uyan ödeme yok." in page
    page = clerk_client.get("/odeme/yonetim/?date_from=2000-01-01&date_to=2000-01-02").content.decode()
    assert paid.oid not in page


def test_office_list_makes_a_constant_number_of_queries(
    clerk_client, paid, tariff, engineer, django_assert_max_num_queries
):
    for _ in range(5):
        fee = fee_registration_open(actor=None, application=awaiting_registration_fee(created_by=engineer))
        payment_start(actor=engineer, fee=fee)
    with django_assert_max_num_queries(15):
        assert clerk_client.get("/odeme/yonetim/").status_code == 200


def test_csv_export(clerk_client, paid):
    response = clerk_client.get("/odeme/yonetim/disa-aktar.csv?status=confirmed")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Ödeme başlangıcı", "Ödeme onayı", "Kayıt numarası"]
    assert rows[1][2] == paid.fee.application.registration_number
    assert rows[1][4] == "1250.00" and rows[1][7] == paid.oid and rows[1][11] == paid.receipt.number
    event = AuditEvent.objects.get(action="evize.payment.list_exported")
    assert event.data == {"format": "csv", "filters": {"status": "confirmed"}}


def test_xlsx_export(clerk_client, paid):
    response = clerk_client.get("/odeme/yonetim/disa-aktar.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Ödeme başlangıcı"
    assert sheet["E2"].value == Decimal("1250.00") or float(sheet["E2"].value) == 1250.0
    assert sheet["H2"].value == paid.oid


def test_export_neutralises_spreadsheet_formulas(clerk_client, paid):
    PaymentAttempt.objects.filter(pk=paid.pk).update(error_message='=HYPERLINK("http://x")')
    text = clerk_client.get("/odeme/yonetim/disa-aktar.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_override_through_the_office_page_is_audited(staff_client, tariff):
    clerk = UserFactory(clerk=True)
    client = staff_client(clerk)
    fee = fee_registration_open(actor=None, application=awaiting_registration_fee())
    response = client.post(
        f"/odeme/yonetim/ucret/{fee.pk}/", {"amount": "1.000,50", "reason": "Kurul kararı"}
    )
    assert response.status_code == 303
    fee.refresh_from_db()
    assert fee.override_amount == Decimal("1000.50") and fee.overridden_by == clerk
    assert AuditEvent.objects.get(action="evize.fee.overridden").actor == clerk
    response = client.post(f"/odeme/yonetim/ucret/{fee.pk}/", {"amount": "900", "reason": ""})
    assert response.status_code == 200
    fee.refresh_from_db()
    assert fee.override_amount == Decimal("1000.50")


def test_an_engineer_cannot_override(client, tariff, engineer):
    fee = fee_registration_open(actor=None, application=awaiting_registration_fee(created_by=engineer))
    client.force_login(engineer)
    assert client.post(f"/odeme/yonetim/ucret/{fee.pk}/", {"amount": "1", "reason": "x"}).status_code == 403
    fee.refresh_from_db()
    assert fee.override_amount is None


class FakeBank:
    """Stands in for the bank's refund API in view tests (the real one is tested over HTTP)."""

    identifier = "nestpay"
    verbose_name = "fake"
    answer = RefundResult(ok=True, trans_id="R-1")
    calls: list = []

    def refund(self, attempt, amount):
        FakeBank.calls.append((attempt.oid, amount))
        return FakeBank.answer


@pytest.fixture
def fake_bank(monkeypatch):
    FakeBank.calls = []
    monkeypatch.setitem(_factories, "nestpay", FakeBank)
    return FakeBank


def test_refund_through_the_office_page(staff_client, paid, fake_bank):
    admin = UserFactory(chamber_admin=True)
    client = staff_client(admin)
    page = client.get(f"/odeme/yonetim/odeme/{paid.pk}/").content.decode()
    assert "Ödemeyi iade et" in page
    response = client.post(
        f"/odeme/yonetim/odeme/{paid.pk}/", {"action": "refund", "reason": "Mükerrer ödeme"}
    )
    assert response.status_code == 200  # the confirmation box was not ticked
    assert fake_bank.calls == []
    response = client.post(
        f"/odeme/yonetim/odeme/{paid.pk}/", {"action": "refund", "reason": "Mükerrer ödeme", "confirm": "on"}
    )
    assert response.status_code == 303
    assert fake_bank.calls == [(paid.oid, Decimal("1250.00"))]
    paid.refresh_from_db()
    assert paid.status == "refunded"
    assert AuditEvent.objects.get(action="evize.payment.refunded").actor == admin


def test_engineer_cannot_refund(client, paid, engineer, fake_bank):
    client.force_login(engineer)
    response = client.post(
        f"/odeme/yonetim/odeme/{paid.pk}/", {"action": "refund", "reason": "x", "confirm": "on"}
    )
    assert response.status_code == 403
    assert fake_bank.calls == []


def test_attempt_page_shows_the_masked_answer(clerk_client, paid):
    PaymentAttempt.objects.filter(pk=paid.pk).update(
        raw_response={"MaskedPan": "411111***1111", "Response": "Approved"}
    )
    page = clerk_client.get(f"/odeme/yonetim/odeme/{paid.pk}/").content.decode()
    assert "411111***1111" in page and "Approved" in page


def test_receipt_file_is_private(paid):
    assert paid.receipt.file.name.startswith("payments/receipts/")
    assert default_storage.exists(paid.receipt.file.name)
    assert Receipt.objects.count() == 1


def test_paying_a_visa_fee_nobody_opened_opens_it(client, tariff, engineer):
    application = application_in(
        Status.AWAITING_VISA_FEE, created_by=engineer, construction_cost=Decimal("1000000")
    )
    client.force_login(engineer)
    response = client.post(f"/odeme/basvuru/{application.pk}/vize/ode/")
    assert response.status_code == 303 and "/odeme/yonlendir/" in response["Location"]
    fee = Fee.objects.get(kind="visa")
    assert fee.amount == Decimal("3000.00")
    assert PaymentAttempt.objects.get().amount == Decimal("3000.00")
