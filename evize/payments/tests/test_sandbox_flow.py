"""The whole payment through the sandbox bank with Django's test client: e-Vize's form to the
3-D gate, the bank's card page, the SMS-code page, the signed answer posted back. The real
NestPay provider code runs on both ends."""

from urllib.parse import urlsplit

import pytest
from django.db.models import Q

from evize.applications.models import Status
from evize.audit.models import AuditEvent
from evize.payments.models import PaymentAttempt
from evize.payments.sandbox.models import SandboxOrder
from evize.payments.services import fee_registration_open

from .bank import autopost_form
from .factories import awaiting_registration_fee

pytestmark = pytest.mark.django_db

APPROVED = "4111111111111111"
DECLINED = "4000000000000002"
INSUFFICIENT = "4000000000009995"
THREE_DS_FAILS = "4000000000003063"
NO_ANSWER = "4000000000000119"


@pytest.fixture
def application(tariff, engineer):
    application = awaiting_registration_fee(created_by=engineer)
    fee_registration_open(actor=None, application=application)
    return application


@pytest.fixture
def payer(client, engineer):
    client.force_login(engineer)
    return client


def path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def to_bank(payer, application):
    response = payer.post(f"/odeme/basvuru/{application.pk}/kayit/ode/")
    assert response.status_code == 303
    page = payer.get(response["Location"])
    assert page.status_code == 200
    action, fields = autopost_form(page.content.decode())
    assert action == "/sandbox-banka/fim/est3Dgate"
    response = payer.post(action, fields)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def enter_card(payer, card_url, number):
    return payer.post(
        card_url, {"pan": number, "holder": "AYŞE YILMAZ", "exp_month": "12", "exp_year": "35", "cvv": "123"}
    )


def pay(payer, application, number, *, code="123456"):
    """Returns the page e-Vize shows at the end (the result page, after the bank's post back)."""
    response = enter_card(payer, to_bank(payer, application), number)
    assert response.status_code == 302
    code_page = payer.get(response["Location"])
    assert "123456" in code_page.content.decode()
    response = payer.post(response["Location"], {"code": code})
    return back_to_shop(payer, response)


def back_to_shop(payer, bank_page):
    assert bank_page.status_code == 200
    action, fields = autopost_form(bank_page.content.decode())
    response = payer.post(path(action), fields)
    assert response.status_code == 303
    return payer.get(response["Location"])


def test_fee_page_shows_the_amount_and_the_pay_button(payer, application):
    page = payer.get(f"/odeme/basvuru/{application.pk}/kayit/").content.decode()
    assert "Kayıt ücreti" in page
    assert "1.250,00\u00a0TL" in page
    assert ">Öde</button>" in page


def test_approved_card_pays_and_registers(payer, application):
    result = pay(payer, application, APPROVED).content.decode()
    assert "Ödemeniz alındı" in result
    assert "Başvurunuz vize bürosuna kaydedildi." in result
    assert "Makbuzu indir (PDF)" in result
    application.refresh_from_db()
    assert application.status == Status.REGISTERED
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == "confirmed" and attempt.md_status == "1" and attempt.auth_code
    assert attempt.masked_pan == "411111******1111"
    order = SandboxOrder.objects.get()
    assert order.state == "approved" and order.masked_pan == "411111******1111"


def test_no_full_card_number_is_stored_anywhere(payer, application):
    pay(payer, application, APPROVED)
    for model_row in (SandboxOrder.objects.get(), PaymentAttempt.objects.get()):
        stored = " ".join(str(value) for value in model_row.__dict__.values())
        assert APPROVED not in stored
    assert not AuditEvent.objects.filter(Q(data__icontains=APPROVED)).exists()


@pytest.mark.parametrize(
    ("number", "message", "error_code"),
    [
        (DECLINED, "Bankanız ödemeyi reddetti.", "declined"),
        (INSUFFICIENT, "bakiyesi veya limiti yetersiz", "insufficient_funds"),
        (THREE_DS_FAILS, "3-D Secure doğrulaması", "authentication_failed"),
    ],
    ids=["declined", "insufficient-funds", "3ds-failure"],
)
def test_failures_leave_the_fee_unpaid_with_a_clear_message_and_a_retry(
    payer, application, number, message, error_code
):
    result = pay(payer, application, number).content.decode()
    assert "Ödeme tamamlanmadı" in result
    assert message in result
    assert "Kartınızdan çekim yapılmadı." in result
    assert ">Tekrar dene</button>" in result
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == "failed" and attempt.error_code == error_code
    assert attempt.fee.status == "due"
    application.refresh_from_db()
    assert application.status == Status.AWAITING_REGISTRATION_FEE


def test_retry_after_a_decline_succeeds(payer, application):
    pay(payer, application, DECLINED)
    result = pay(payer, application, APPROVED).content.decode()
    assert "Ödemeniz alındı" in result
    assert list(PaymentAttempt.objects.order_by("created_at").values_list("status", flat=True)) == [
        "failed",
        "confirmed",
    ]


def test_three_wrong_sms_codes_fail_3ds(payer, application):
    response = enter_card(payer, to_bank(payer, application), APPROVED)
    code_url = response["Location"]
    page = payer.post(code_url, {"code": "000000"})
    assert "Kod hatalı. 2 deneme hakkınız kaldı." in page.content.decode()
    payer.post(code_url, {"code": "111111"})
    result = back_to_shop(payer, payer.post(code_url, {"code": "222222"})).content.decode()
    assert "3-D Secure doğrulaması" in result
    assert PaymentAttempt.objects.get().error_code == "authentication_failed"


def test_cancelling_at_the_bank(payer, application):
    card_url = to_bank(payer, application)
    result = back_to_shop(payer, payer.post(card_url, {"cancel": "1"})).content.decode()
    assert "Ödeme tamamlanmadı" in result
    assert "İşlem kullanıcı tarafından iptal edildi" in result
    assert PaymentAttempt.objects.get().status == "failed"


def test_the_bank_that_never_answers_leaves_the_payment_pending(payer, application):
    response = enter_card(payer, to_bank(payer, application), NO_ANSWER)
    page = payer.post(response["Location"], {"code": "123456"}).content.decode()
    assert "Üye işyeriyle bağlantı koptu" in page
    assert "data-autopost" not in page
    assert SandboxOrder.objects.get().state == "approved"
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == "pending"
    result = payer.get(f"/odeme/sonuc/{attempt.public_id}/").content.decode()
    assert "Bankanızın yanıtı bekleniyor" in result


def test_unknown_card_is_refused_on_the_card_page(payer, application):
    card_url = to_bank(payer, application)
    page = enter_card(payer, card_url, "4242424242424242").content.decode()
    assert "yalnızca bu sayfada listelenen test kartlarını tanır" in page
    assert "4242424242424242" not in page  # the card number is not echoed back
    page = enter_card(payer, card_url, "4111111111111112").content.decode()
    assert "geçerli bir kart numarası değil" in page


def test_the_gate_refuses_a_tampered_request(payer, application):
    response = payer.post(f"/odeme/basvuru/{application.pk}/kayit/ode/")
    action, fields = autopost_form(payer.get(response["Location"]).content.decode())
    response = payer.post(action, {**fields, "amount": "1.00"})
    assert response.status_code == 400
    assert "İsteğin imzası (HASH) geçersiz." in response.content.decode()
    assert not SandboxOrder.objects.exists()


def test_a_finished_order_cannot_be_paid_again_at_the_gate(payer, application):
    response = payer.post(f"/odeme/basvuru/{application.pk}/kayit/ode/")
    redirect_page = response["Location"]
    action, fields = autopost_form(payer.get(redirect_page).content.decode())
    card_url = payer.post(action, fields)["Location"]
    code_url = enter_card(payer, card_url, DECLINED)["Location"]
    back_to_shop(payer, payer.post(code_url, {"code": "123456"}))
    # Posting the same order again: the bank answers "already used", e-Vize changes nothing.
    again = payer.post(action, fields)
    back_to_shop(payer, again)
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == "failed" and attempt.error_code == "declined"
    assert AuditEvent.objects.filter(action="evize.payment.callback_replayed").count() == 1


def test_the_sandbox_is_off_unless_enabled(payer, application, settings):
    settings.EVIZE_SANDBOX_BANK = False
    assert payer.post("/sandbox-banka/fim/est3Dgate", {}).status_code == 404
    assert payer.post("/sandbox-banka/fim/api", b"", content_type="application/xml").status_code == 404
