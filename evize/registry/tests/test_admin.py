import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from evize.accounts.tests.factories import UserFactory
from evize.audit.models import AuditEvent
from evize.registry.models import Member
from evize.registry.tests.factories import MemberFactory, make_tckn
from evize.registry.tests.helpers import TR_HEADER, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:registry_member_changelist"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin_client(staff_client):
    client = staff_client(UserFactory(chamber_admin=True))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def member_form_data(member: Member, **changes):
    data = {
        name: getattr(member, name) or ""
        for name in (
            "sicil_no",
            "first_name",
            "last_name",
            "national_id",
            "email",
            "phone",
            "status",
            "office_tax_no",
            "office_name",
            "office_registration_no",
        )
    }
    data["dues_paid_until"] = member.dues_paid_until.isoformat() if member.dues_paid_until else ""
    data.update(changes)
    return data


def names_in(response):
    return sorted(m.sicil_no for m in response.context["cl"].result_list)


def test_chamber_admin_searches_members(admin_client):
    MemberFactory(sicil_no="1001", first_name="Ayşe", last_name="Yılmaz", national_id=make_tckn(9001))
    MemberFactory(
        sicil_no="1002",
        first_name="Mehmet",
        last_name="Kaya",
        with_office=True,
        email="mehmet.kaya@example.org",
    )
    MemberFactory(sicil_no="1003", first_name="Gülşen", last_name="Erdem", suspended=True)
    url = reverse(CHANGELIST)

    response = admin_client.get(url)
    assert response.status_code == 200
    assert names_in(response) == ["1001", "1002", "1003"]
    assert names_in(admin_client.get(url, {"q": "Yılmaz"})) == ["1001"]
    assert names_in(admin_client.get(url, {"q": "yılmaz"})) == ["1001"]
    assert names_in(admin_client.get(url, {"q": "GÜLŞEN"})) == ["1003"]
    assert names_in(admin_client.get(url, {"q": "ayşe yılmaz"})) == ["1001"]
    assert names_in(admin_client.get(url, {"q": make_tckn(9001)})) == ["1001"]
    assert names_in(admin_client.get(url, {"q": "mehmet.kaya"})) == ["1002"]
    assert names_in(admin_client.get(url, {"q": "Statik"})) == ["1002"]
    assert names_in(admin_client.get(url, {"q": "1003"})) == ["1003"]
    assert names_in(admin_client.get(url, {"status__exact": "suspended"})) == ["1003"]


def test_dues_filter(admin_client):
    today = timezone.localdate()
    MemberFactory(sicil_no="1", dues_paid_until=today + datetime.timedelta(days=1))
    MemberFactory(sicil_no="2", dues_unpaid=True)
    MemberFactory(sicil_no="3", dues_paid_until=None)
    url = reverse(CHANGELIST)
    assert names_in(admin_client.get(url, {"dues": "paid"})) == ["1"]
    assert names_in(admin_client.get(url, {"dues": "overdue"})) == ["2"]
    assert names_in(admin_client.get(url, {"dues": "never"})) == ["3"]


@pytest.mark.parametrize("role", ["engineer", "clerk"])
def test_engineer_and_clerk_are_refused(staff_client, role):
    user = UserFactory() if role == "engineer" else UserFactory(clerk=True)
    client = staff_client(user)
    member = MemberFactory()
    for url in (
        reverse(CHANGELIST),
        reverse("admin:registry_member_change", args=[member.pk]),
        reverse("admin:registry_member_import"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_staff_clerk_with_model_permissions_is_still_refused(staff_client):
    clerk = UserFactory(clerk=True, is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(content_type__app_label="registry"))
    client = staff_client(clerk)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse("admin:registry_member_import")).status_code == 403
    assert "registry" not in client.get(reverse("admin:index")).content.decode()


def test_admin_edit_is_audited_with_changed_fields_only(admin_client):
    member = MemberFactory(sicil_no="2001", phone="+90 533 000 00 00", status="active")
    url = reverse("admin:registry_member_change", args=[member.pk])
    response = admin_client.post(url, member_form_data(member, phone="+90 542 111 22 33", status="suspended"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.phone == "+90 542 111 22 33" and member.status == "suspended"
    event = AuditEvent.objects.get(action="evize.registry.member_updated")
    assert event.object_id == str(member.pk)
    assert event.actor.role == "chamber_admin"
    assert event.data == {
        "source": "admin",
        "changed": {
            "phone": {"old": "+90 533 000 00 00", "new": "+90 542 111 22 33"},
            "status": {"old": "active", "new": "suspended"},
        },
    }

    # saving again without changes writes no event
    admin_client.post(url, member_form_data(member))
    assert AuditEvent.objects.filter(action="evize.registry.member_updated").count() == 1


def test_admin_refuses_email_of_another_member_in_other_case(admin_client):
    MemberFactory(email="Dolu@Example.org")
    member = MemberFactory()
    url = reverse("admin:registry_member_change", args=[member.pk])
    response = admin_client.post(url, member_form_data(member, email="dolu@example.org"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "This e-mail address is already used by another member." in str(errors)
    assert not AuditEvent.objects.filter(action="evize.registry.member_updated").exists()


def test_admin_add_is_audited(admin_client):
    data = {
        "sicil_no": "3001",
        "first_name": "Özlem",
        "last_name": "Çelik",
        "national_id": make_tckn(3),
        "email": "Ozlem@Example.org",
        "phone": "",
        "status": "active",
        "dues_paid_until": "2027-12-31",
        "office_tax_no": "",
        "office_name": "",
        "office_registration_no": "",
    }
    response = admin_client.post(reverse("admin:registry_member_add"), data)
    assert response.status_code == 302
    member = Member.objects.get(sicil_no="3001")
    assert member.email == "ozlem@example.org"
    event = AuditEvent.objects.get(action="evize.registry.member_created")
    assert event.object_id == str(member.pk) and event.data["source"] == "admin"


def test_admin_refuses_invalid_national_id(admin_client):
    data = {
        "sicil_no": "3002",
        "first_name": "A",
        "last_name": "B",
        "national_id": "12345678951",
        "email": "a@example.org",
        "status": "active",
    }
    response = admin_client.post(reverse("admin:registry_member_add"), data)
    assert response.status_code == 200
    assert "checksum" in str(response.context["adminform"].form.errors["national_id"])
    assert not Member.objects.exists()


def test_members_cannot_be_deleted(admin_client):
    member = MemberFactory()
    response = admin_client.get(reverse("admin:registry_member_delete", args=[member.pk]))
    assert response.status_code == 403
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [member.pk], "post": "yes"}
    )
    assert Member.objects.filter(pk=member.pk).exists()


def test_admin_import_page(admin_client, tmp_path):
    url = reverse("admin:registry_member_import")
    assert admin_client.get(url).status_code == 200
    assert url in admin_client.get(reverse(CHANGELIST)).content.decode()

    path = write_csv(
        tmp_path / "u.csv",
        [
            TR_HEADER[:5],
            ["4001", "Ayşe", "Yılmaz", make_tckn(41), "ayse@example.org"],
            ["4002", "Hatalı", "Satır", "123", "hatali@example.org"],
        ],
    )
    upload = SimpleUploadedFile("u.csv", path.read_bytes(), content_type="text/csv")
    response = admin_client.post(url, {"file": upload, "dry_run": "on"})
    assert response.status_code == 200
    assert response.context["report"].counts["created"] == 1
    assert "Dry run: nothing was saved." in response.content.decode()
    assert not Member.objects.exists()

    upload = SimpleUploadedFile("u.csv", path.read_bytes(), content_type="text/csv")
    response = admin_client.post(url, {"file": upload})
    content = response.content.decode()
    assert "2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected." in content
    assert "The national ID number must have 11 digits" in content
    assert Member.objects.get(sicil_no="4001").email == "ayse@example.org"
    event = AuditEvent.objects.get(action="evize.registry.import_completed")
    assert event.actor.role == "chamber_admin" and event.data["source"] == "u.csv"


def test_admin_import_xlsx_upload(admin_client, tmp_path):
    path = write_xlsx(
        tmp_path / "u.xlsx", [TR_HEADER[:5], [4101, "Ayşe", "Yılmaz", int(make_tckn(4)), "a@example.org"]]
    )
    upload = SimpleUploadedFile("u.xlsx", path.read_bytes())
    response = admin_client.post(reverse("admin:registry_member_import"), {"file": upload})
    assert response.context["report"].created == 1
    assert Member.objects.get(sicil_no="4101").national_id == make_tckn(4)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("u.pdf", b"%PDF", "Choose a .csv or .xlsx file."), ("u.xlsx", b"junk", "not a readable Excel")],
)
def test_admin_import_bad_file_shows_error(admin_client, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = admin_client.post(reverse("admin:registry_member_import"), {"file": upload})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert response.context["report"] is None
