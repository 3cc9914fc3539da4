"""The engineer's dashboard and the application page: contents, next steps, timeline, and a constant
number of queries whatever the number of applications or rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import ApplicationEngineer, ProjectSubject, Status, TitleDeed
from evize.applications.selectors import application_timeline, next_action
from evize.applications.services import application_create, application_field_save, application_submit
from evize.applications.tests.factories import ApplicationFactory
from evize.applications.tests.helpers import complete_application, item
from evize.applications.workflow import transition
from evize.catalog import models as catalog

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dashboard_lists_number_summary_status_date_and_next_step(client):
    app = complete_application()
    user = app.created_by
    draft = application_create(actor=user)
    app = application_submit(actor=user, application=app)
    client.force_login(user)
    html = client.get("/panel/").content.decode()
    assert app.registration_number in html
    assert "Gönyeli, Lefkoşa · Çelik Apartmanı · parsel XXI/23 12/345 (+1)" in html
    assert "İmza bekliyor" in html and "İmzala" in html
    assert f"Taslak #{draft.pk}" in html and "Devam et" in html
    assert reverse("applications:form", args=[draft.pk]) in html
    assert "Henüz başvurunuz yok" not in html


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (Status.DRAFT, "Devam et"),
        (Status.AWAITING_SIGNATURE, "İmzala"),
        (Status.AWAITING_REGISTRATION_FEE, "Öde"),
        (Status.NOTES_SENT, "Notları gör"),
        (Status.AWAITING_RESIGNATURE, "İmzala"),
        (Status.AWAITING_VISA_FEE, "Öde"),
        (Status.IN_REVIEW, "Görüntüle"),
        (Status.VISAED, "Vizeli projeyi indir"),
    ],
)
def test_next_action_in_words(status, label):
    app = ApplicationFactory(status=status)
    with translation.override("tr"):
        assert str(next_action(app, app.created_by).label) == label


def test_dashboard_shows_the_notation_count_against_the_limit(client, settings):
    settings.EVIZE_NOTATION_LIMIT = 3
    noted = ApplicationFactory(status=Status.NOTES_SENT, notation_count=2)
    fresh = ApplicationFactory(status=Status.IN_REVIEW, created_by=noted.created_by)
    client.force_login(noted.created_by)
    html = client.get("/panel/", HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert html.count("notlama 2 / 3") == 1
    assert "notlama 0" not in html
    assert fresh.notation_count == 0


def test_dashboard_makes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    complete_application(user=user)
    with_one = count_queries(client, "/panel/")
    for _ in range(19):
        complete_application(user=user, documents=False)
    other = UserFactory()
    shared = complete_application(user=other, documents=False)
    ApplicationEngineer.objects.create(
        application=shared,
        member=user.member,
        position=2,
        email="x@example.org",
        national_id=user.member.national_id,
        phone="+90 533 000 00 00",
    )
    with django_assert_max_num_queries(with_one):
        html = client.get("/panel/").content.decode()
    assert html.count("Devam et") == 21


def test_form_and_application_pages_make_a_constant_number_of_queries(client, django_assert_max_num_queries):
    app = complete_application()
    client.force_login(app.created_by)
    form_url, page_url = (
        reverse("applications:form", args=[app.pk]),
        reverse("applications:detail", args=[app.pk]),
    )
    form_queries, page_queries = count_queries(client, form_url), count_queries(client, page_url)
    district, village = item(catalog.District, "lefkosa"), item(catalog.Village, "gonyeli")
    for n in range(15):
        TitleDeed.objects.create(
            application=app,
            district=district,
            village=village,
            sheet_map="X",
            parcel=str(n),
            title_deed_no=str(n),
            area=Decimal("10"),
            owner="A",
        )
        ProjectSubject.objects.create(
            application=app,
            building_characteristic=item(catalog.BuildingCharacteristic, "apartman"),
            purpose_of_use=item(catalog.PurposeOfUse, "konut"),
            floor_count=1,
            area=Decimal("1"),
            unit_count=1,
        )
        application_field_save(
            actor=app.created_by, application=app, field="note_to_office", value=f"not {n}"
        )
    with django_assert_max_num_queries(form_queries):
        client.get(form_url)
    with django_assert_max_num_queries(page_queries):
        client.get(page_url)


def test_application_page_is_read_only_with_documents_and_timeline(client):
    app = complete_application()
    app = application_submit(actor=app.created_by, application=app)
    client.force_login(app.created_by)
    html = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert f"{app.registration_number} numaralı başvuru" in html
    assert "Koçan ve Arazi Bilgileri" in html and "K-345" in html and "2.450.000,00\xa0TL" in html
    assert "Statik rapor / statik hesap" in html and "statik-hesap.pdf" in html
    assert "Taslak oluşturuldu" in html and "Kaydedildi: kayıt numarası verildi, imza bekleniyor" in html
    assert "+ Yeni Kayıt Ekle" not in html and "Düzenle" not in html


def test_timeline_has_every_event_and_email_in_order():
    from evize.notifications.services import notification_queue

    user = UserFactory()
    app = application_create(actor=user)
    for value in ("a", "ab", "abc"):
        application_field_save(actor=user, application=app, field="note_to_office", value=value)
    app = fill_and_submit(app)
    notification_queue(
        kind="application.received",
        to_user=user,
        context={"registration_number": app.registration_number, "details_url": "/basvuru/1/"},
        target=app,
    )
    transition(app, to=Status.CANCELLED, actor=None, changes={"cancel_reason": "geri çekildi"})
    with translation.override("tr"):
        entries = application_timeline(app)
    assert entries[0].title == "Taslak oluşturuldu"
    edits = next(entry for entry in entries if entry.count > 1)
    assert edits.count == 3
    assert any(entry.kind == "email" and app.registration_number in entry.title for entry in entries)
    assert [entry.when for entry in entries] == sorted(entry.when for entry in entries)
    assert entries[-1].title == "İptal edildi"


def fill_and_submit(app):
    from evize.applications.tests.helpers import attach_required_documents, fill_sections

    app = fill_sections(app)
    attach_required_documents(app, uploaded_by=app.created_by)
    return application_submit(actor=app.created_by, application=app)
