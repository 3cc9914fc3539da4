import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from evize.accounts.models import User
from evize.accounts.services import mask_email
from evize.accounts.tests.factories import UserFactory
from evize.accounts.tokens import AccountActivationTokenGenerator, account_activation_token
from evize.audit.models import AuditEvent
from evize.registry.tests.factories import MemberFactory, make_tckn

pytestmark = pytest.mark.django_db

SIGNUP = "/hesap/kayit/"
NEW_PASSWORD = "Yeni-guclu-Parola-2026"


def post_signup(client, member=None, *, sicil_no=None, national_id=None, language="tr", **extra):
    data = {
        "sicil_no": sicil_no if sicil_no is not None else member.sicil_no,
        "national_id": national_id if national_id is not None else member.national_id,
        "language": language,
        **extra,
    }
    return client.post(SIGNUP, data)


def assert_nothing_created():
    assert User.objects.count() == 0
    assert not AuditEvent.objects.filter(action="evize.account.signup_requested").exists()
    assert mail.outbox == []


def activation_path(message) -> str:
    match = re.search(r"https?://\S+/hesap/etkinlestir/\S+/", message.body)
    assert match, message.body
    return urlparse(match.group(0)).path


def test_urls_keep_their_names():
    assert reverse("accounts:signup") == SIGNUP
    assert reverse("accounts:login") == "/hesap/giris/"
    assert reverse("accounts:logout") == "/hesap/cikis/"
    assert reverse("accounts:otp_verify") == "/hesap/iki-adim/"
    assert reverse("accounts:otp_setup") == "/hesap/iki-adim/kurulum/"


def test_signup_page_renders_accessible_form(client):
    response = client.get(SIGNUP)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_sicil_no"' in content and 'id="id_sicil_no"' in content
    assert 'autocomplete="username"' in content
    assert 'aria-describedby="id_national_id_helptext"' in content
    assert content.count('class="required-mark"') == 3


def test_unknown_sicil_no_is_refused(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signup(client, sicil_no="99999", national_id=make_tckn(1))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Bu sicil numarasıyla kayıtlı bir üye, oda üye sicilinde bulunamadı." in content
    assert 'id="id_sicil_no_error"' in content
    assert_nothing_created()


def test_wrong_national_id_is_refused_without_revealing_the_registered_one(
    client, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signup(client, member, national_id=make_tckn(987654))
    content = response.content.decode()
    assert "Kimlik numarası, bu sicil numarası için odada kayıtlı olanla eşleşmiyor." in content
    assert member.national_id not in content
    assert 'id="id_national_id_error"' in content
    assert_nothing_created()


@pytest.mark.parametrize("trait", ["suspended", "dues_unpaid"])
def test_member_not_in_good_standing_is_refused_with_the_reason(
    client, trait, django_capture_on_commit_callbacks
):
    member = MemberFactory(**{trait: True})
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signup(client, member)
    content = response.content.decode()
    assert "Hesap yalnızca üyelik durumu uygun olan üyeler için açılabilir" in content
    assert member.standing_problem() in content
    assert_nothing_created()


def test_already_registered_member_is_sent_to_login_or_password_reset(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signup(client, user.member)
    content = response.content.decode()
    assert "Bu sicil numarasıyla açılmış bir hesap zaten var." in content
    assert 'href="/hesap/giris/"' in content
    assert 'href="/hesap/parola-sifirla/"' in content
    assert User.objects.count() == 1
    assert not AuditEvent.objects.filter(action="evize.account.signup_requested").exists()
    assert mail.outbox == []


def test_disabled_account_is_not_reactivated_by_signup(client, django_capture_on_commit_callbacks):
    user = UserFactory(is_active=False)  # deactivated by the chamber: has a password
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signup(client, user.member)
    assert "devre dışı bırakılmış" in response.content.decode()
    assert mail.outbox == []
    user.refresh_from_db()
    assert not user.is_active


def test_signup_creates_inactive_account_from_registry_and_mails_registry_address(
    client, django_capture_on_commit_callbacks
):
    member = MemberFactory(email="ayse.yilmaz@example.org", first_name="Ayşe", last_name="Yılmaz")
    with django_capture_on_commit_callbacks(execute=True):
        # An e-mail typed into the request is ignored: the registry address is the only recipient.
        response = post_signup(client, member, email="saldirgan@evil.example")
    assert response.status_code == 302
    assert response.url == "/hesap/kayit/gonderildi/"

    user = User.objects.get()
    assert user.username == member.sicil_no
    assert (user.first_name, user.last_name, user.email) == ("Ayşe", "Yılmaz", "ayse.yilmaz@example.org")
    assert user.role == User.Role.ENGINEER
    assert user.member == member
    assert not user.is_active
    assert not user.has_usable_password()
    event = AuditEvent.objects.get(action="evize.account.signup_requested")
    assert event.object_id == str(user.pk)
    assert event.data["resent"] is False

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ayse.yilmaz@example.org"]
    assert message.subject == "[e-Vize] Hesabınızı etkinleştirin"
    assert "Sayın Ayşe Yılmaz" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert activation_path(message) in html

    page = client.get(response.url)
    assert "a***@example.org" in page.content.decode()
    assert "ayse.yilmaz@example.org" not in page.content.decode()


def test_activation_mail_uses_the_chosen_language(client, django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_signup(client, member, language="en")
    assert mail.outbox[0].subject == "[e-Vize] Activate your account"
    assert User.objects.get().language == "en"


def test_activation_link_sets_password_activates_and_logs_in(client, django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_signup(client, member)
    path = activation_path(mail.outbox[0])

    response = client.get(path)
    assert response.status_code == 302
    assert response.url.endswith("/parola-belirle/")  # the token leaves the address bar
    form_page = client.get(response.url)
    assert form_page.status_code == 200
    assert 'autocomplete="new-password"' in form_page.content.decode()

    response = client.post(response.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core:dashboard")

    user = User.objects.get()
    assert user.is_active
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="evize.account.activated", object_id=str(user.pk)).count() == 1
    assert client.get(reverse("core:dashboard")).status_code == 200

    # The link works once only.
    client.post(reverse("accounts:logout"))
    again = client.get(path)
    assert again.status_code == 200
    assert "Bu etkinleştirme bağlantısı kullanılamıyor" in again.content.decode()


def test_activation_refuses_weak_password_and_keeps_account_inactive(
    client, django_capture_on_commit_callbacks
):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_signup(client, member)
    form_url = client.get(activation_path(mail.outbox[0])).url
    response = client.post(form_url, {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.get().is_active


def test_tampered_activation_token_is_refused(client, django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_signup(client, member)
    path = activation_path(mail.outbox[0])
    tampered = path[:-2] + ("0" if path[-2] != "0" else "1") + "/"
    response = client.get(tampered)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Bu etkinleştirme bağlantısı kullanılamıyor" in content
    assert 'href="/hesap/kayit/"' in content  # a way to request a new link
    assert not User.objects.get().is_active


def test_password_reset_token_is_not_an_activation_token(client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = UserFactory(is_active=False, password=None)
    user.set_unusable_password()
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = client.get(f"/hesap/etkinlestir/{uid}/{default_token_generator.make_token(user)}/")
    assert response.status_code == 200
    assert "Bu etkinleştirme bağlantısı kullanılamıyor" in response.content.decode()


def test_expired_activation_link_is_refused(client, monkeypatch, django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_signup(client, member)
    path = activation_path(mail.outbox[0])
    real_now = AccountActivationTokenGenerator._now
    later = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(account_activation_token, "_now", lambda: real_now(account_activation_token) + later)
    response = client.get(path)
    assert response.status_code == 200
    assert "Bu etkinleştirme bağlantısı kullanılamıyor" in response.content.decode()
    assert not User.objects.get().is_active


def test_signup_again_before_activation_resends_the_link(client, django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_signup(client, member)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signup(client, member)
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == [member.email]
    page = client.get(response.url).content.decode()
    assert "etkinleştirme bağlantısını yeniden gönderdik" in page
    resent = AuditEvent.objects.filter(action="evize.account.signup_requested").order_by("id").last()
    assert resent.data["resent"] is True


def test_mail_is_sent_only_after_commit(client, django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_signup(client, member)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_logged_in_user_is_not_shown_signup(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(SIGNUP)
    assert response.status_code == 302


def test_mask_email():
    assert mask_email("ayse.yilmaz@example.org") == "a***@example.org"
    assert mask_email("a@example.org") == "a***@example.org"
    assert mask_email("bozuk") == "***"


def test_signup_attempts_are_limited_per_connection(client, settings, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    cache.clear()
    settings.EVIZE_SIGNUP_RATE_LIMIT = 3
    for _ in range(3):  # guesses at a national ID: refused one by one, but still answered
        response = post_signup(client, sicil_no="99999", national_id=make_tckn())
        assert response.status_code == 200
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signup(client, member)
    assert response.status_code == 429
    assert "çok fazla kayıt denemesi yapıldı" in response.content.decode()
    assert_nothing_created()
    # Another connection is not affected.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SIGNUP,
            {"sicil_no": member.sicil_no, "national_id": member.national_id, "language": "tr"},
            REMOTE_ADDR="192.0.2.7",
        )
    assert response.status_code == 302
    cache.clear()
