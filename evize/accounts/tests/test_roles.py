import pytest
from django.core.exceptions import ValidationError

from evize.accounts.models import User
from evize.accounts.services import engineer_can_apply, user_set_role
from evize.accounts.tests.factories import UserFactory
from evize.audit.models import AuditEvent
from evize.registry.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

STAFF_TRAITS = ["clerk", "control_engineer", "visa_officer"]


def test_engineer_reaches_only_the_engineer_dashboard(client, engineer):
    client.force_login(engineer)
    assert client.get("/panel/").status_code == 200
    assert client.get("/ofis/").status_code == 403
    response = client.get("/yonetim/")
    assert response.status_code == 302
    assert response.url.startswith("/yonetim/login/")


@pytest.mark.parametrize("trait", STAFF_TRAITS)
def test_office_staff_reach_office_but_not_dashboard_or_admin(staff_client, trait):
    client = staff_client(UserFactory(**{trait: True}))
    assert client.get("/ofis/").status_code == 200
    assert client.get("/panel/").status_code == 403
    response = client.get("/yonetim/")
    assert response.status_code == 302
    assert response.url.startswith("/yonetim/login/")


def test_chamber_admin_reaches_admin_and_office_but_not_dashboard(staff_client):
    client = staff_client(UserFactory(chamber_admin=True))
    assert client.get("/yonetim/").status_code == 200
    assert client.get("/yonetim/accounts/user/").status_code == 200
    assert client.get("/ofis/").status_code == 200
    assert client.get("/panel/").status_code == 403


def test_anonymous_is_sent_to_login(client):
    for url in ("/panel/", "/ofis/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/hesap/giris/")


def _change_form_data(user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": user.language,
        "role": user.role,
        "member": user.member_id or "",
        "is_active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != "" or k in ("member",)}


def test_admin_role_change_is_audited_with_old_and_new(staff_client):
    admin_user = UserFactory(chamber_admin=True)
    client = staff_client(admin_user)
    clerk = UserFactory(clerk=True)
    url = f"/yonetim/accounts/user/{clerk.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, _change_form_data(clerk, role="control_engineer", first_name="Kemal"))
    assert response.status_code == 302, response.content.decode()[:3000]
    clerk.refresh_from_db()
    assert clerk.role == User.Role.CONTROL_ENGINEER
    assert clerk.first_name == "Kemal"
    assert not clerk.is_staff
    event = AuditEvent.objects.get(action="evize.account.role_changed")
    assert event.data == {"old": "clerk", "new": "control_engineer"}
    assert event.actor_id == admin_user.pk
    assert event.object_id == str(clerk.pk)
    assert AuditEvent.objects.get(action="evize.account.updated").data == {"first_name": "Kemal"}


def test_promotion_to_chamber_admin_gives_admin_access_flags(staff_client):
    client = staff_client(UserFactory(chamber_admin=True))
    clerk = UserFactory(clerk=True)
    client.post(f"/yonetim/accounts/user/{clerk.pk}/change/", _change_form_data(clerk, role="chamber_admin"))
    clerk.refresh_from_db()
    assert clerk.role == User.Role.CHAMBER_ADMIN
    assert clerk.is_staff and clerk.is_superuser


def test_admin_cannot_change_own_role(staff_client):
    admin_user = UserFactory(chamber_admin=True)
    client = staff_client(admin_user)
    response = client.post(
        f"/yonetim/accounts/user/{admin_user.pk}/change/", _change_form_data(admin_user, role="clerk")
    )
    assert response.status_code == 200
    admin_user.refresh_from_db()
    assert admin_user.role == User.Role.CHAMBER_ADMIN
    assert not AuditEvent.objects.filter(action="evize.account.role_changed").exists()


def test_admin_creates_staff_account(staff_client):
    client = staff_client(UserFactory(chamber_admin=True))
    response = client.post(
        "/yonetim/accounts/user/add/",
        {
            "username": "yeni.katip",
            "usable_password": "true",
            "password1": "Katip-parolasi-2026",
            "password2": "Katip-parolasi-2026",
            "first_name": "Fatma",
            "last_name": "Kaya",
            "email": "fatma@imo.example",
            "language": "tr",
            "role": "clerk",
            "member": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="yeni.katip")
    assert user.role == User.Role.CLERK
    assert not user.is_staff
    assert AuditEvent.objects.get(action="evize.account.created").data["role"] == "clerk"


def test_engineer_role_needs_a_member(staff_client):
    client = staff_client(UserFactory(chamber_admin=True))
    clerk = UserFactory(clerk=True)
    response = client.post(
        f"/yonetim/accounts/user/{clerk.pk}/change/", _change_form_data(clerk, role="engineer")
    )
    assert response.status_code == 200
    clerk.refresh_from_db()
    assert clerk.role == User.Role.CLERK


def test_user_set_role_service_rules():
    admin_user = UserFactory(chamber_admin=True)
    clerk = UserFactory(clerk=True)
    with pytest.raises(ValidationError):
        user_set_role(actor=admin_user, user=admin_user, role="clerk")
    with pytest.raises(ValidationError):
        user_set_role(actor=admin_user, user=clerk, role="engineer")
    with pytest.raises(ValidationError):
        user_set_role(actor=admin_user, user=clerk, role="king")
    user_set_role(actor=admin_user, user=clerk, role="clerk")  # no change, no event
    assert not AuditEvent.objects.filter(action="evize.account.role_changed").exists()
    user_set_role(actor=admin_user, user=clerk, role="visa_officer")
    clerk.refresh_from_db()
    assert clerk.role == "visa_officer"
    assert AuditEvent.objects.get(action="evize.account.role_changed").data == {
        "old": "clerk",
        "new": "visa_officer",
    }


def test_engineer_can_apply_when_in_good_standing(engineer):
    assert engineer_can_apply(engineer) == (True, None)


@pytest.mark.parametrize("trait", ["suspended", "dues_unpaid"])
def test_engineer_cannot_apply_when_not_in_good_standing(trait):
    user = UserFactory(member=MemberFactory(**{trait: True}))
    allowed, reason = engineer_can_apply(user)
    assert not allowed
    assert reason == user.member.standing_problem()


def test_staff_and_anonymous_cannot_apply():
    from django.contrib.auth.models import AnonymousUser

    assert engineer_can_apply(UserFactory(clerk=True))[0] is False
    assert engineer_can_apply(AnonymousUser())[0] is False
    assert engineer_can_apply(None)[0] is False


def test_a_password_set_in_the_admin_is_audited_without_the_password(staff_client):
    admin_user = UserFactory(chamber_admin=True)
    client = staff_client(admin_user)
    clerk = UserFactory(clerk=True)
    url = f"/yonetim/accounts/user/{clerk.pk}/password/"
    password = "Yepyeni-Parola-2026"
    refused = client.post(url, {"password1": password, "password2": "baska", "usable_password": "true"})
    assert refused.status_code == 200
    assert not AuditEvent.objects.filter(action="evize.account.password_set_by_admin").exists()
    response = client.post(url, {"password1": password, "password2": password, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert clerk.check_password(password)
    event = AuditEvent.objects.get(action="evize.account.password_set_by_admin")
    assert event.actor_id == admin_user.pk and event.object_id == str(clerk.pk)
    assert password not in str(event.data)
