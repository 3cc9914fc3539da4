"""The chamber administrator edits the lists in the admin; every edit is audited; others are refused."""

from decimal import Decimal

import pytest

from evize.accounts.tests.factories import UserFactory
from evize.audit.models import AuditEvent
from evize.catalog import models

from .factories import DistrictFactory, VillageFactory, WorkTypeFactory

pytestmark = pytest.mark.django_db

ADMIN = "/yonetim/catalog"


@pytest.fixture
def chamber_admin():
    return UserFactory(chamber_admin=True)


@pytest.fixture
def admin_client(staff_client, chamber_admin):
    return staff_client(chamber_admin)


def events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


def concrete_form(item, **changes):
    data = {
        "code": item.code,
        "name_tr": item.name_tr,
        "name_en": item.name_en,
        "is_active": "on" if item.is_active else "",
        "sort_order": item.sort_order,
        "fck": item.fck or "",
        "fck_cube": item.fck_cube or "",
        "_save": "Kaydet",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_every_list_is_registered_and_opens(admin_client):
    for model in (
        models.District,
        models.Village,
        models.Municipality,
        models.WorkType,
        models.ProjectType,
        models.BuildingCharacteristic,
        models.PurposeOfUse,
        models.BuildingClass,
        models.StructuralElement,
        models.ConcreteClass,
        models.ReinforcingSteel,
        models.StructuralSteel,
        models.EarthquakeCode,
        models.CoefficientKind,
        models.CoefficientOption,
        models.SystemFeature,
        models.DuctilityLevel,
        models.SuperstructureSystem,
        models.SlabSystem,
        models.FoundationSystem,
        models.FeeType,
        models.DocumentType,
    ):
        name = model._meta.model_name
        response = admin_client.get(f"{ADMIN}/{name}/")
        assert response.status_code == 200, name
        item = model.objects.first()
        assert admin_client.get(f"{ADMIN}/{name}/{item.pk}/change/").status_code == 200, name
        assert admin_client.get(f"{ADMIN}/{name}/add/").status_code == 200, name


def test_the_retire_hint_is_shown_on_list_and_form_pages(admin_client):
    from django.utils import translation
    from django.utils.html import escape

    from evize.catalog.admin import RETIRE_HINT

    with translation.override("tr"):
        hint = escape(str(RETIRE_HINT))
    c30 = models.ConcreteClass.objects.get(code="c30-37")
    assert hint in admin_client.get(f"{ADMIN}/concreteclass/").content.decode()
    assert hint in admin_client.get(f"{ADMIN}/concreteclass/{c30.pk}/change/").content.decode()


def test_change_form_edit_is_audited_with_changed_fields(admin_client, chamber_admin):
    c30 = models.ConcreteClass.objects.get(code="c30-37")
    response = admin_client.post(
        f"{ADMIN}/concreteclass/{c30.pk}/change/", concrete_form(c30, name_en="C30/37 concrete", sort_order=5)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    c30.refresh_from_db()
    assert c30.name_en == "C30/37 concrete" and c30.sort_order == 5
    event = events("evize.catalog.item_changed").get()
    assert event.actor == chamber_admin
    assert event.object_type == "catalog.concreteclass" and event.object_id == str(c30.pk)
    assert event.data["changes"] == {
        "name_en": {"old": "C30/37", "new": "C30/37 concrete"},
        "sort_order": {"old": 70, "new": 5},
    }
    assert event.data["code"] == "c30-37" and event.data["list"] == "catalog.concreteclass"


def test_saving_without_changes_records_nothing(admin_client):
    c30 = models.ConcreteClass.objects.get(code="c30-37")
    assert admin_client.post(f"{ADMIN}/concreteclass/{c30.pk}/change/", concrete_form(c30)).status_code == 302
    assert not events("evize.catalog.item_changed").exists()


def test_list_page_editable_columns_are_audited(admin_client, chamber_admin):
    c20 = models.ConcreteClass.objects.get(code="c20-25")
    response = admin_client.post(
        f"{ADMIN}/concreteclass/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(c20.pk),
            "form-0-sort_order": "55",
            # is_active left out: unticked, the class is retired.
            "_save": "Kaydet",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    c20.refresh_from_db()
    assert c20.is_active is False and c20.sort_order == 55
    event = events("evize.catalog.item_changed").get()
    assert event.actor == chamber_admin
    assert event.data["changes"]["is_active"] == {"old": True, "new": False}
    assert event.data["changes"]["sort_order"] == {"old": 50, "new": 55}


def test_adding_an_item_is_audited(admin_client, chamber_admin):
    response = admin_client.post(
        f"{ADMIN}/concreteclass/add/",
        {
            "code": "c55-67",
            "name_tr": "C55/67",
            "name_en": "C55/67",
            "is_active": "on",
            "sort_order": "120",
            "fck": "55",
            "fck_cube": "67",
            "_save": "Kaydet",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = models.ConcreteClass.objects.get(code="c55-67")
    assert item.fck == Decimal("55")
    event = events("evize.catalog.item_created").get()
    assert event.actor == chamber_admin and event.object_id == str(item.pk)
    assert event.data["values"]["fck"] == "55" and event.data["values"]["name_tr"] == "C55/67"


def test_deleting_an_unused_item_is_audited(admin_client, chamber_admin):
    district = DistrictFactory(code="silinecek")
    response = admin_client.post(f"{ADMIN}/district/{district.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not models.District.objects.filter(pk=district.pk).exists()
    event = events("evize.catalog.item_deleted").get()
    assert event.actor == chamber_admin
    assert event.object_id == str(district.pk) and event.data["code"] == "silinecek"


def test_an_item_in_use_cannot_be_deleted(admin_client):
    girne = models.District.objects.get(code="girne")
    response = admin_client.post(f"{ADMIN}/district/{girne.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200  # the "cannot delete, protected" page
    assert models.District.objects.filter(pk=girne.pk).exists()
    assert not events("evize.catalog.item_deleted").exists()

    response = admin_client.post(
        f"{ADMIN}/district/",
        {"action": "delete_selected", "_selected_action": [str(girne.pk)], "post": "yes"},
    )
    assert models.District.objects.filter(pk=girne.pk).exists()
    assert not events("evize.catalog.item_deleted").exists()


def test_inline_rows_are_audited(admin_client, chamber_admin):
    district = DistrictFactory(code="deneme-ilce", name_tr="Deneme", name_en="Test", sort_order=90)
    village = VillageFactory(district=district, code="eski-koy", name_tr="Eski köy", name_en="Old village")
    unused = VillageFactory(district=district, code="bos-koy", name_tr="Boş köy", name_en="Empty village")
    response = admin_client.post(
        f"{ADMIN}/district/{district.pk}/change/",
        {
            "code": "deneme-ilce",
            "name_tr": "Deneme",
            "name_en": "Test",
            "is_active": "on",
            "sort_order": "90",
            "villages-TOTAL_FORMS": "3",
            "villages-INITIAL_FORMS": "2",
            "villages-MIN_NUM_FORMS": "0",
            "villages-MAX_NUM_FORMS": "1000",
            "villages-0-id": str(village.pk),
            "villages-0-district": str(district.pk),
            "villages-0-code": "eski-koy",
            "villages-0-name_tr": "Yeni adı",
            "villages-0-name_en": "Old village",
            "villages-0-is_active": "on",
            "villages-0-sort_order": "0",
            "villages-1-id": str(unused.pk),
            "villages-1-district": str(district.pk),
            "villages-1-code": "bos-koy",
            "villages-1-name_tr": "Boş köy",
            "villages-1-name_en": "Empty village",
            "villages-1-is_active": "on",
            "villages-1-sort_order": "0",
            "villages-1-DELETE": "on",
            "villages-2-district": str(district.pk),
            "villages-2-code": "yeni-koy",
            "villages-2-name_tr": "Yeni köy",
            "villages-2-name_en": "New village",
            "villages-2-is_active": "on",
            "villages-2-sort_order": "10",
            "_save": "Kaydet",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    village.refresh_from_db()
    assert village.name_tr == "Yeni adı"
    assert not models.Village.objects.filter(pk=unused.pk).exists()
    new = models.Village.objects.get(code="yeni-koy")

    changed = events("evize.catalog.item_changed", object_type="catalog.village").get()
    assert changed.object_id == str(village.pk) and changed.actor == chamber_admin
    assert changed.data["changes"] == {"name_tr": {"old": "Eski köy", "new": "Yeni adı"}}
    assert events(
        "evize.catalog.item_deleted", object_id=str(unused.pk), object_type="catalog.village"
    ).exists()
    assert events("evize.catalog.item_created", object_id=str(new.pk), object_type="catalog.village").exists()
    assert not events("evize.catalog.item_changed", object_type="catalog.district").exists()


def test_document_requirement_added_on_the_work_type_page_is_audited(admin_client):
    work_type = WorkTypeFactory(code="deneme-is", name_tr="Deneme işi", name_en="Test work")
    document = models.DocumentType.objects.get(code="zemin-etudu")
    response = admin_client.post(
        f"{ADMIN}/worktype/{work_type.pk}/change/",
        {
            "code": "deneme-is",
            "name_tr": "Deneme işi",
            "name_en": "Test work",
            "is_active": "on",
            "sort_order": "0",
            "document_requirements-TOTAL_FORMS": "1",
            "document_requirements-INITIAL_FORMS": "0",
            "document_requirements-MIN_NUM_FORMS": "0",
            "document_requirements-MAX_NUM_FORMS": "1000",
            "document_requirements-0-work_type": str(work_type.pk),
            "document_requirements-0-document_type": str(document.pk),
            "document_requirements-0-required": "on",
            "_save": "Kaydet",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    requirement = models.DocumentRequirement.objects.get(work_type=work_type)
    assert requirement.document_type == document and requirement.required
    event = events("evize.catalog.item_created", object_type="catalog.documentrequirement").get()
    assert event.object_id == str(requirement.pk)
    assert event.data["values"]["document_type"] == document.pk


def test_many_to_many_changes_are_audited(admin_client):
    kind = models.CoefficientKind.objects.get(code="pga")
    dby = models.EarthquakeCode.objects.get(code="dbybhy-2007")
    tbdy = models.EarthquakeCode.objects.get(code="tbdy-2018")
    response = admin_client.post(
        f"{ADMIN}/coefficientkind/{kind.pk}/change/",
        {
            "code": "pga",
            "name_tr": kind.name_tr,
            "name_en": kind.name_en,
            "is_active": "on",
            "sort_order": str(kind.sort_order),
            "symbol": kind.symbol,
            "unit": kind.unit,
            "input_type": kind.input_type,
            "min_value": "0",
            "max_value": "3",
            "earthquake_codes": [str(tbdy.pk), str(dby.pk)],
            "options-TOTAL_FORMS": "0",
            "options-INITIAL_FORMS": "0",
            "options-MIN_NUM_FORMS": "0",
            "options-MAX_NUM_FORMS": "1000",
            "_save": "Kaydet",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(kind.earthquake_codes.all()) == {tbdy, dby}
    event = events("evize.catalog.item_changed").get()
    assert event.data["changes"] == {"earthquake_codes": {"old": [tbdy.pk], "new": sorted([tbdy.pk, dby.pk])}}


def test_audit_chain_stays_valid(admin_client):
    from evize.audit.services import audit_verify

    c30 = models.ConcreteClass.objects.get(code="c30-37")
    admin_client.post(f"{ADMIN}/concreteclass/{c30.pk}/change/", concrete_form(c30, sort_order=1))
    assert list(audit_verify()) == []


# --- who may ------------------------------------------------------------------------------------


def test_engineer_is_refused(client, engineer):
    client.force_login(engineer)
    c30 = models.ConcreteClass.objects.get(code="c30-37")
    response = client.get(f"{ADMIN}/concreteclass/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.post(f"{ADMIN}/concreteclass/{c30.pk}/change/", concrete_form(c30, name_tr="Değişti"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    c30.refresh_from_db()
    assert c30.name_tr == "C30/37"
    assert not events("evize.catalog.item_changed").exists()


def test_clerk_is_refused(staff_client):
    clerk = UserFactory(clerk=True)
    client = staff_client(clerk)
    response = client.get(f"{ADMIN}/concreteclass/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_clerk_with_admin_flags_still_cannot_edit_lists(staff_client):
    # Even if a clerk account were given Django's staff flags by mistake, the lists stay closed.
    clerk = UserFactory(clerk=True, is_staff=True, is_superuser=True)
    client = staff_client(clerk)
    c30 = models.ConcreteClass.objects.get(code="c30-37")
    assert client.get(f"{ADMIN}/concreteclass/").status_code == 403
    assert client.get(f"{ADMIN}/concreteclass/{c30.pk}/change/").status_code == 403
    response = client.post(f"{ADMIN}/concreteclass/{c30.pk}/change/", concrete_form(c30, name_tr="Değişti"))
    assert response.status_code == 403
    c30.refresh_from_db()
    assert c30.name_tr == "C30/37"
    assert "catalog" not in client.get("/yonetim/").content.decode()
    assert not events("evize.catalog.item_changed").exists()


def test_chamber_admin_needs_two_factor(client, chamber_admin):
    client.force_login(chamber_admin)  # password only, no verified TOTP device
    response = client.get(f"{ADMIN}/concreteclass/")
    assert response.status_code == 302
