import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import reverse

from evize.accounts.tests.factories import PASSWORD, UserFactory
from evize.audit.models import AuditEvent
from evize.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

LOGIN = "/hesap/giris/"
NEW_PASSWORD = "Baska-guclu-Parola-2026"


def test_login_page_has_turkish_labels_and_autocomplete(client):
    content = client.get(LOGIN).content.decode()
    assert "Sicil no veya e-posta" in content
    assert "Parola" in content
    assert 'autocomplete="username"' in content
    assert 'autocomplete="current-password"' in content


def test_login_with_sicil_no(client, engineer):
    response = client.post(LOGIN, {"username": engineer.member.sicil_no, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="evize.account.logged_in", object_id=str(engineer.pk)).exists()


def test_login_with_email(client, engineer):
    response = client.post(LOGIN, {"username": engineer.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core:dashboard")


def test_login_honours_next(client, engineer):
    response = client.post(
        f"{LOGIN}?next=/panel/%3Fx%3D1",
        {"username": engineer.username, "password": PASSWORD, "next": "/panel/?x=1"},
    )
    assert response.url == "/panel/?x=1"


def test_login_ignores_foreign_next(client, engineer):
    response = client.post(
        LOGIN, {"username": engineer.username, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == reverse("core:dashboard")


def test_wrong_password_gives_turkish_error(client, engineer):
    response = client.post(LOGIN, {"username": engineer.username, "password": "yanlis"})
    assert response.status_code == 200
    assert "Sicil no / e-posta veya parola hatalı." in response.content.decode()
    assert AuditEvent.objects.filter(action="evize.account.login_failed").count() == 1


def test_inactive_account_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_passwords_lock_out(client, engineer, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(LOGIN, {"username": engineer.username, "password": "yanlis"})
        assert response.status_code == 200
    response = client.post(LOGIN, {"username": engineer.username, "password": "yanlis"})
    assert response.status_code == 429
    content = response.content.decode()
    assert "Çok fazla başarısız giriş denemesi" in content
    assert "15 dakika sonra yeniden deneyin" in content
    # Even the right password is refused while locked out.
    response = client.post(LOGIN, {"username": engineer.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_counts_sicil_no_and_email_as_one_account(client, engineer, settings):
    typed = [engineer.member.sicil_no, engineer.email, engineer.email.upper()]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": typed[attempt % len(typed)], "password": "yanlis"})
    response = client.post(LOGIN, {"username": engineer.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_login_page_sends_to_our_login(client):
    response = client.get("/yonetim/login/?next=/yonetim/")
    assert response.status_code == 302
    assert response["Location"] == "/hesap/giris/?next=/yonetim/"


def test_logout_is_post_only(client, engineer):
    client.force_login(engineer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def _reset_link_path(message) -> str:
    match = re.search(r"https?://\S+/hesap/parola-sifirla/\S+/\S+/", message.body)
    assert match, message.body
    return urlparse(match.group(0)).path


def test_password_reset_flow(client, engineer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": engineer.email})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [engineer.email]
    assert message.subject == "[e-Vize] Parolanızı sıfırlayın"
    assert message.alternatives and message.alternatives[0][1] == "text/html"

    response = client.get(_reset_link_path(message))
    assert response.status_code == 302
    form_url = response.url
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.url == reverse("accounts:password_reset_complete")
    engineer.refresh_from_db()
    assert engineer.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="evize.account.password_changed")
    assert event.data == {"via": "reset"}

    response = client.post(LOGIN, {"username": engineer.username, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_password_reset_sends_nothing_for_unknown_or_pending_accounts(
    client, django_capture_on_commit_callbacks
):
    pending = UserFactory(is_active=False, password=None)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "yok@example.org"})
        client.post(reverse("accounts:password_reset"), {"email": pending.email})
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_password_change(client, engineer):
    client.force_login(engineer)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.url == reverse("accounts:password_change_done")
    engineer.refresh_from_db()
    assert engineer.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.get(action="evize.account.password_changed").data == {"via": "change"}
    # Still logged in after the change.
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_password_change_needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
