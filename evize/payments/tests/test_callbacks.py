"""okUrl / failUrl: what the bank posts back through the payer's browser. Bad answers change
nothing and are audited; a good one confirms once."""

import pytest
from django.test import Client

from evize.applications.models import Status
from evize.audit.models import AuditEvent
from evize.notifications.models import OutboxMessage
from evize.payments.contrib.nestpay.hashing import sign
from evize.payments.models import Receipt
from evize.payments.services import fee_registration_open, payment_start

from .bank import DECLINED, answer, post_callback
from .factories import awaiting_registration_fee

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(tariff, engineer):
    fee = fee_registration_open(actor=None, application=awaiting_registration_fee(created_by=engineer))
    return payment_start(actor=engineer, fee=fee)


@pytest.fixture
def browser():
    """The payer's browser arriving from the bank: a cross-site POST, no session, CSRF enforced."""
    return Client(enforce_csrf_checks=True)


def unchanged(attempt):
    before = (attempt.status, attempt.fee.status, attempt.fee.application.status)
    attempt.refresh_from_db()
    attempt.fee.refresh_from_db()
    attempt.fee.application.refresh_from_db()
    assert (attempt.status, attempt.fee.status, attempt.fee.application.status) == before
    assert not Receipt.objects.exists()
    assert not OutboxMessage.objects.filter(kind="payment.receipt").exists()


def audited(action):
    return AuditEvent.objects.filter(action=action)


def test_approved_answer_confirms_and_sends_to_the_result_page(attempt, browser):
    response = post_callback(browser, answer(attempt))
    assert response.status_code == 303
    assert response["Location"] == f"/odeme/sonuc/{attempt.public_id}/"
    attempt.refresh_from_db()
    assert attempt.status == "confirmed"
    assert attempt.fee.application.status == Status.REGISTERED
    # Card data is not stored: no expiry, no cryptogram; the PAN only masked.
    assert (
        "cavv" not in attempt.raw_response and "Ecom_Payment_Card_ExpDate_Month" not in attempt.raw_response
    )
    assert attempt.raw_response["MaskedPan"] == "411111***1111"


def test_forged_hash_changes_nothing_and_is_audited(attempt, browser):
    fields = answer(attempt)
    fields["HASH"] = fields["HASH"][:-4] + "AAA="
    response = post_callback(browser, fields)
    assert response.status_code == 400
    assert "doğrulanamadı" in response.content.decode()
    unchanged(attempt)
    event = audited("evize.payment.callback_forged").get()
    assert event.object_id == str(attempt.pk) and event.data["problem"] == "signature"


def test_missing_hash_is_forged(attempt, browser):
    fields = answer(attempt, sign_it=False)
    response = post_callback(browser, fields)
    assert response.status_code == 400
    unchanged(attempt)
    assert audited("evize.payment.callback_forged").count() == 1


def test_changed_amount_without_a_new_signature_is_forged(attempt, browser):
    fields = answer(attempt)
    fields["amount"] = "1.00"
    assert post_callback(browser, fields).status_code == 400
    unchanged(attempt)
    assert audited("evize.payment.callback_forged").count() == 1


def test_signed_answer_with_another_amount_or_currency_changes_nothing(attempt, browser):
    response = post_callback(browser, answer(attempt, amount="1.00"))
    assert response.status_code == 400
    assert "tutar" in response.content.decode()
    response = post_callback(browser, answer(attempt, currency="840"))
    assert response.status_code == 400
    unchanged(attempt)
    events = audited("evize.payment.callback_mismatch").order_by("id")
    assert [e.data["received"] for e in events] == [{"amount": "1.00"}, {"currency": "840"}]


def test_unknown_order_changes_nothing_and_is_audited(attempt, browser):
    response = post_callback(browser, answer(attempt, oid="EVZ000000NOSUCHORDER"))
    assert response.status_code == 400
    unchanged(attempt)
    event = audited("evize.payment.callback_unknown_order").get()
    assert event.data["oid"] == "EVZ000000NOSUCHORDER"


def test_another_store_is_not_trusted(attempt, browser, settings):
    fields = sign({**answer(attempt, sign_it=False), "clientid": "999"}, settings.EVIZE_NESTPAY_STORE_KEY)
    assert post_callback(browser, fields).status_code == 400
    unchanged(attempt)
    assert audited("evize.payment.callback_forged").get().data["problem"] == "store"


def test_replayed_answer_changes_nothing_and_is_audited(attempt, browser):
    fields = answer(attempt)
    post_callback(browser, fields)
    response = post_callback(browser, fields)
    assert response.status_code == 303  # the payer still lands on the result page
    assert Receipt.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="payment.receipt").count() == 1
    assert audited("evize.payment.confirmed").count() == 1
    assert audited("evize.payment.callback_replayed").count() == 1


def test_a_late_decline_after_confirmation_is_a_replay(attempt, browser):
    post_callback(browser, answer(attempt))
    post_callback(browser, answer(attempt, **DECLINED), endpoint="fail")
    attempt.refresh_from_db()
    assert attempt.status == "confirmed"
    assert audited("evize.payment.callback_replayed").count() == 1


@pytest.mark.parametrize(
    ("fields", "error_code"),
    [
        (DECLINED, "declined"),
        ({**DECLINED, "ProcReturnCode": "51", "ErrMsg": "Yetersiz bakiye"}, "insufficient_funds"),
        (
            {"Response": "Declined", "ProcReturnCode": "99", "mdStatus": "0", "ErrMsg": "3D hata"},
            "authentication_failed",
        ),
        ({"Response": "Approved", "ProcReturnCode": "00", "mdStatus": "2"}, "authentication_failed"),
        (
            {"Response": "Error", "ProcReturnCode": "99", "mdStatus": "", "ErrMsg": "Sistem hatası"},
            "bank_error",
        ),
    ],
    ids=["declined", "insufficient-funds", "3ds-failed", "3ds-partial-not-accepted", "error"],
)
def test_failures_leave_the_fee_due(attempt, browser, fields, error_code):
    response = post_callback(browser, answer(attempt, **fields), endpoint="fail")
    assert response.status_code == 303
    attempt.refresh_from_db()
    attempt.fee.refresh_from_db()
    assert attempt.status == "failed" and attempt.error_code == error_code
    assert attempt.fee.status == "due"
    assert audited("evize.payment.failed").count() == 1


def test_partial_3ds_accepted_when_the_setting_says_so(attempt, browser, settings):
    settings.EVIZE_PAYMENT_ACCEPT_PARTIAL_3DS = True
    post_callback(browser, answer(attempt, mdStatus="3"))
    attempt.refresh_from_db()
    assert attempt.status == "confirmed"


def test_callback_only_accepts_post(attempt, browser):
    assert browser.get(f"/odeme/banka/nestpay/basarili/?oid={attempt.oid}").status_code == 405
    assert browser.post("/odeme/banka/nosuchbank/basarili/", {}).status_code == 404
