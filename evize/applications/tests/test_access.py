"""Who sees and changes what: the applicant and a second engineer may; anyone else gets 404 for
every URL of the application (they learn nothing); office staff may look, not change."""

import pytest
from django.urls import reverse

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import ApplicationEngineer, Status
from evize.applications.selectors import application_visible_to, get_application_for
from evize.applications.services import application_create, application_submit
from evize.applications.tests.helpers import complete_application

pytestmark = pytest.mark.django_db


def urls_of(app) -> list[tuple[str, str]]:
    pk = app.pk
    deed = app.title_deeds.first()
    return [
        ("get", reverse("applications:detail", args=[pk])),
        ("get", reverse("applications:form", args=[pk])),
        ("get", reverse("applications:section", args=[pk, "title_deeds"])),
        ("get", reverse("applications:section_new", args=[pk, "title_deeds"])),
        ("post", reverse("applications:section_new", args=[pk, "title_deeds"])),
        ("get", reverse("applications:section_edit", args=[pk, "title_deeds", deed.pk])),
        ("post", reverse("applications:section_edit", args=[pk, "title_deeds", deed.pk])),
        ("get", reverse("applications:section_delete", args=[pk, "title_deeds", deed.pk])),
        ("post", reverse("applications:section_delete", args=[pk, "title_deeds", deed.pk])),
        ("get", reverse("applications:section_single", args=[pk, "building"])),
        ("get", reverse("applications:engineer_search", args=[pk]) + "?sicil_no=1"),
        ("post", reverse("applications:field_save", args=[pk, "note_to_office"])),
        ("get", reverse("applications:prechecks", args=[pk])),
        ("get", reverse("applications:submit", args=[pk])),
        ("post", reverse("applications:submit", args=[pk])),
        ("get", reverse("applications:discard", args=[pk])),
        ("post", reverse("applications:discard", args=[pk])),
    ]


@pytest.fixture
def app():
    return complete_application()


def test_other_engineers_get_404_everywhere_and_change_nothing(client, app):
    client.force_login(UserFactory())
    for method, url in urls_of(app):
        response = getattr(client, method)(url, {"note_to_office": "x", "confirm": "1"})
        assert response.status_code == 404, (method, url, response.status_code)
    app.refresh_from_db()
    assert app.status == Status.DRAFT and app.title_deeds.count() == 2 and app.note_to_office == ""
    assert client.post(reverse("applications:copy"), {"source": app.pk}).status_code == 404


def test_ids_that_do_not_exist_are_404(client, app):
    client.force_login(app.created_by)
    assert client.get(reverse("applications:detail", args=[app.pk + 1000])).status_code == 404
    deed_of_other = complete_application().title_deeds.first()
    url = reverse("applications:section_edit", args=[app.pk, "title_deeds", deed_of_other.pk])
    assert client.get(url).status_code == 404  # a row of another application through mine
    assert client.get(reverse("applications:section_new", args=[app.pk, "nonsense"])).status_code == 404


def test_anonymous_is_sent_to_login(client, app):
    for method, url in urls_of(app):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/hesap/giris/" in response["Location"], url


def test_the_second_engineer_sees_and_edits(client, app):
    second = UserFactory()
    ApplicationEngineer.objects.create(
        application=app,
        member=second.member,
        position=2,
        email="x@example.org",
        national_id=second.member.national_id,
        phone="+90 533 000 00 00",
    )
    client.force_login(second)
    assert client.get(reverse("applications:detail", args=[app.pk])).status_code == 200
    assert client.get(reverse("applications:form", args=[app.pk])).status_code == 200
    response = client.post(
        reverse("applications:field_save", args=[app.pk, "note_to_office"]),
        {"note_to_office": "2. mühendisten"},
    )
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.note_to_office == "2. mühendisten"
    assert list(application_visible_to(second)) == [app]
    html = client.get("/panel/").content.decode()
    assert "2. mühendis olarak" in html
    # Only the applicant may throw the draft away.
    assert client.get(reverse("applications:discard", args=[app.pk])).status_code == 403
    assert client.post(reverse("applications:discard", args=[app.pk]), {"confirm": "1"}).status_code == 403
    assert "Vazgeç</button>" not in client.get(reverse("applications:form", args=[app.pk])).content.decode()


def test_office_staff_may_look_but_not_change(staff_client, app):
    client = staff_client(UserFactory(clerk=True))
    assert client.get(reverse("applications:detail", args=[app.pk])).status_code == 200
    assert client.get(reverse("applications:form", args=[app.pk])).status_code == 403
    response = client.post(
        reverse("applications:field_save", args=[app.pk, "note_to_office"]), {"note_to_office": "x"}
    )
    assert response.status_code == 403


def test_edit_of_a_saved_application_goes_to_its_read_only_page(client, app):
    application_submit(actor=app.created_by, application=app)
    client.force_login(app.created_by)
    assert client.get(reverse("applications:form", args=[app.pk]))["Location"] == reverse(
        "applications:detail", args=[app.pk]
    )
    url = reverse("applications:section_new", args=[app.pk, "title_deeds"])
    response = client.post(url, {"parcel": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse(
        "applications:detail", args=[app.pk]
    )
    html = client.get(response["HX-Redirect"]).content.decode()
    assert "kaydedildi ve artık değiştirilemez" in html
    assert "+ Yeni Kayıt Ekle" not in html
    assert app.title_deeds.count() == 2


def test_get_application_for_selector(app):
    other = UserFactory()
    from django.http import Http404

    with pytest.raises(Http404):
        get_application_for(other, app.pk)
    with pytest.raises(Http404):
        get_application_for(app.created_by, "not-a-number")
    assert get_application_for(app.created_by, app.pk, edit=True) == app


def test_members_not_in_good_standing_cannot_start(client):
    user = UserFactory(member__dues_unpaid=True)
    client.force_login(user)
    response = client.post(reverse("applications:new"), follow=True)
    assert "aidat" in response.content.decode()
    assert not application_visible_to(user).exists()
    assert "Yeni başvuru</button>" not in client.get("/panel/").content.decode()


def test_new_application_starts_a_draft(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("applications:new"))
    app = application_visible_to(user).get()
    assert response["Location"] == reverse("applications:form", args=[app.pk])
    assert client.get(reverse("applications:new")).status_code == 405


def test_draft_of_another_engineer_not_in_dashboard(client):
    mine, theirs = UserFactory(), UserFactory()
    application_create(actor=theirs)
    client.force_login(mine)
    assert "Henüz başvurunuz yok" in client.get("/panel/").content.decode()
