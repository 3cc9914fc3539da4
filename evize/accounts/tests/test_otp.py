import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from evize.accounts.tests.factories import PASSWORD, UserFactory, totp_device_for
from evize.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/hesap/giris/"
VERIFY = "/hesap/iki-adim/"
SETUP = "/hesap/iki-adim/kurulum/"


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def wrong_code_for(device) -> str:
    right = int(code_for(device))
    return f"{(right + 500000) % 1000000:06d}"


def password_login(client, user, next_url=None):
    url = f"{LOGIN}?next={next_url}" if next_url else LOGIN
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def test_staff_login_goes_to_otp_step(client):
    clerk = UserFactory(clerk=True)
    totp_device_for(clerk)
    response = password_login(client, clerk)
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Fofis%2F"


def test_staff_without_device_is_sent_to_setup_then_confirms(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code followed at once by the right one
    clerk = UserFactory(clerk=True)
    response = password_login(client, clerk)
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2Fofis%2F"

    page = client.get(response.url)
    content = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in content
    device = TOTPDevice.objects.get(user=clerk)
    assert not device.confirmed
    secret_start = __import__("base64").b32encode(device.bin_key).decode()[:4]
    assert secret_start in content
    assert 'autocomplete="one-time-code"' in content

    # Reloading the page keeps the same secret.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=clerk).count() == 1

    response = client.post(SETUP, {"token": wrong_code_for(device), "next": "/ofis/"})
    assert response.status_code == 200
    assert "Kod doğru değil" in response.content.decode()
    assert AuditEvent.objects.filter(action="evize.account.otp_failed", object_id=str(clerk.pk)).count() == 1
    device.refresh_from_db()
    assert not device.confirmed

    response = client.post(SETUP, {"token": code_for(device), "next": "/ofis/"})
    assert response.status_code == 302
    assert response.url == "/ofis/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert AuditEvent.objects.filter(action="evize.account.otp_device_added").count() == 1
    assert AuditEvent.objects.filter(action="evize.account.otp_verified").count() == 1
    assert client.get("/ofis/").status_code == 200


def test_setup_is_refused_once_a_device_is_confirmed(client):
    clerk = UserFactory(clerk=True)
    totp_device_for(clerk)
    client.force_login(clerk)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    response = client.post(SETUP, {"token": "123456"})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=clerk).count() == 1


def test_wrong_code_is_refused_and_audited(client):
    officer = UserFactory(visa_officer=True)
    device = totp_device_for(officer)
    password_login(client, officer)
    response = client.post(VERIFY, {"token": wrong_code_for(device), "next": "/ofis/"})
    assert response.status_code == 200
    assert "Kod doğru değil" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert (
        AuditEvent.objects.filter(action="evize.account.otp_failed", object_id=str(officer.pk)).count() == 1
    )
    assert client.get("/ofis/").status_code == 302


def test_right_code_straight_after_wrong_one_is_throttled(client):
    officer = UserFactory(control_engineer=True)
    device = totp_device_for(officer)
    password_login(client, officer)
    client.post(VERIFY, {"token": wrong_code_for(device)})
    response = client.post(VERIFY, {"token": code_for(device)})
    assert response.status_code == 200
    assert "Çok fazla hatalı kod" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_right_code_lets_staff_in(client):
    officer = UserFactory(control_engineer=True)
    device = totp_device_for(officer)
    response = password_login(client, officer, next_url="/ofis/")
    assert response.url == f"{VERIFY}?next=%2Fofis%2F"
    response = client.post(VERIFY, {"token": code_for(device), "next": "/ofis/"})
    assert response.status_code == 302
    assert response.url == "/ofis/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert AuditEvent.objects.filter(action="evize.account.otp_verified", object_id=str(officer.pk)).exists()
    assert client.get("/ofis/").status_code == 200


def test_otp_verify_ignores_foreign_next(client):
    clerk = UserFactory(clerk=True)
    device = totp_device_for(clerk)
    client.force_login(clerk)
    response = client.post(VERIFY, {"token": code_for(device), "next": "https://evil.example/"})
    assert response.url == reverse("core:staff_home")


def test_engineer_does_not_need_otp(client, engineer):
    client.force_login(engineer)
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response.url == reverse("core:dashboard")


def test_otp_pages_need_login(client):
    for url in (VERIFY, SETUP):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)


@pytest.mark.parametrize("trait", ["clerk", "control_engineer", "visa_officer", "chamber_admin"])
def test_staff_without_otp_cannot_reach_office_or_admin(client, trait):
    user = UserFactory(**{trait: True})
    totp_device_for(user)
    client.force_login(user)  # password step only
    response = client.get("/ofis/")
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    response = client.get("/yonetim/")
    assert response.status_code == 302
    assert response.url.startswith("/yonetim/login/")
