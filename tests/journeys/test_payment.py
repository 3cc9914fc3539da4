"""Registration fee in a real browser (guide steps 22-23): the fee page with its amount, "Öde",
the sandbox bank's card page, the 3-D Secure SMS-code page, back to e-Vize: paid and registered.
A declined card leaves the fee due with a Turkish message and "Tekrar dene"."""

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from evize.accounts.tests.factories import UserFactory, totp_device_for
from evize.applications.models import Status
from evize.payments.models import PaymentAttempt
from evize.payments.services import fee_registration_open
from evize.payments.tests.factories import awaiting_registration_fee, make_tariff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def log_in(page, live_server, user, *, verified: bool = False):
    client = Client()
    client.force_login(user)
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
        session.save()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def application(storage):
    make_tariff()
    engineer = UserFactory()
    application = awaiting_registration_fee(created_by=engineer)
    fee_registration_open(actor=None, application=application)
    return application


def go_to_bank(page, application):
    page.goto(f"/odeme/basvuru/{application.pk}/kayit/")
    page.get_by_role("button", name="Öde", exact=True).click()
    page.wait_for_url("**/sandbox-banka/kart/**")


def enter_card(page, number):
    page.get_by_label("Kart numarası").fill(number)
    page.get_by_label("Kart üzerindeki ad").fill("AYŞE YILMAZ")
    page.get_by_label("Ay").fill("12")
    page.get_by_label("Yıl").fill("35")
    page.get_by_label("Güvenlik kodu (CVV)").fill("123")
    page.get_by_role("button", name="Devam").click()
    page.wait_for_url("**/sandbox-banka/3d/**")


def test_pay_the_registration_fee_with_the_sms_code(page, live_server, shot, application):
    errors: list[str] = []  # script and content-security-policy errors, failed requests
    page.on(
        "console",
        lambda m: (
            m.type == "error" and not m.text.startswith("Failed to load resource") and errors.append(m.text)
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and not r.url.endswith("/favicon.ico") and errors.append(f"{r.status} {r.url}")
        ),
    )
    log_in(page, live_server, application.created_by)

    page.goto(f"/odeme/basvuru/{application.pk}/kayit/")
    assert page.get_by_role("heading", name="Kayıt ücreti", exact=True).is_visible()
    assert page.locator(".amount-due strong").inner_text() == "1.250,00\u00a0TL"
    shot(page, "payment-1-fee")

    go_to_bank(page, application)
    assert page.get_by_role("heading", name="Kart bilgileri").is_visible()
    assert page.get_by_text("4111 1111 1111 1111").is_visible()
    shot(page, "payment-2-bank-card")

    enter_card(page, "4111 1111 1111 1111")
    sms = page.locator(".sms strong").inner_text()
    assert sms == "123456"
    assert page.get_by_text("411111******1111").is_visible()
    shot(page, "payment-3-bank-sms")
    page.get_by_label("Doğrulama kodu").fill(sms)
    page.get_by_role("button", name="Onayla").click()

    page.wait_for_url("**/odeme/sonuc/**")
    assert page.get_by_role("heading", name="Ödemeniz alındı").is_visible()
    assert page.get_by_text("Başvurunuz vize bürosuna kaydedildi.").is_visible()
    shot(page, "payment-4-result")
    application.refresh_from_db()
    assert application.status == Status.REGISTERED
    assert PaymentAttempt.objects.get().status == "confirmed"

    with page.expect_download() as download:
        page.get_by_role("link", name="Makbuzu indir (PDF)").click()
    assert download.value.suggested_filename.startswith("makbuz-MKB-")
    assert errors == []

    # The office sees it in the payment list.
    log_in(page, live_server, UserFactory(clerk=True), verified=True)
    page.goto("/odeme/yonetim/")
    assert page.get_by_role("heading", name="Ödemeler", exact=True).is_visible()
    assert page.get_by_text(PaymentAttempt.objects.get().oid).is_visible()
    shot(page, "payment-5-office-list")


def test_a_declined_card_leaves_the_fee_due_and_offers_a_retry(page, live_server, shot, application):
    log_in(page, live_server, application.created_by)
    go_to_bank(page, application)
    enter_card(page, "4000000000000002")
    page.get_by_label("Doğrulama kodu").fill("123456")
    page.get_by_role("button", name="Onayla").click()
    page.wait_for_url("**/odeme/sonuc/**")
    assert page.get_by_role("heading", name="Ödeme tamamlanmadı").is_visible()
    assert page.get_by_text("Bankanız ödemeyi reddetti.").is_visible()
    assert page.get_by_role("button", name="Tekrar dene").is_visible()
    shot(page, "payment-6-declined")
    application.refresh_from_db()
    assert application.status == Status.AWAITING_REGISTRATION_FEE

    page.get_by_role("button", name="Tekrar dene").click()
    page.wait_for_url("**/sandbox-banka/kart/**")
    assert PaymentAttempt.objects.count() == 2


def test_the_visa_fee_page_shows_how_the_amount_is_made_up(page, live_server, shot, storage):
    from decimal import Decimal

    from evize.catalog.models import FeeType

    make_tariff(visa_minimum=Decimal("1500"), rates=[{"rate_per_mille": Decimal("3")}])
    engineer = UserFactory()
    application = awaiting_registration_fee(created_by=engineer)
    application.construction_cost = Decimal("2450000")
    # An earlier transactional test may have emptied the reference lists (loaded by migrations).
    application.fee_type, _ = FeeType.objects.get_or_create(
        code="asgari-tarife", defaults={"name_tr": "Asgari ücret tarifesine göre (tam ücret)"}
    )
    application.save()
    from evize.applications.models import Application

    Application.objects.filter(pk=application.pk).update(status=Status.AWAITING_VISA_FEE)
    log_in(page, live_server, engineer)
    page.goto(f"/odeme/basvuru/{application.pk}/vize/")
    assert page.get_by_role("heading", name="Vize ücreti", exact=True).is_visible()
    assert page.get_by_text("İnşaat maliyeti 2.450.000,00\u00a0TL × binde 3").is_visible()
    assert page.locator(".amount-due strong").inner_text() == "7.350,00\u00a0TL"
    shot(page, "payment-7-visa-fee")
