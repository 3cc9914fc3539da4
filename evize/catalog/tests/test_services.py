"""The audited write path shared by the admin and later screens."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from evize.audit.models import AuditEvent
from evize.catalog import models, selectors
from evize.catalog.services import catalog_item_delete, catalog_item_save

from .factories import DistrictFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_system_changes_are_audited_without_an_actor():
    item = models.ConcreteClass(code="c55-67", name_tr="C55/67", name_en="C55/67", fck=Decimal("55.0"))
    changes = catalog_item_save(actor=None, item=item, source="import")
    assert changes["fck"] == {"old": None, "new": "55"}
    event = AuditEvent.objects.get(action="evize.catalog.item_created")
    assert event.actor is None and event.actor_repr == "system" and event.data["source"] == "import"

    item.fck_cube = Decimal("67")
    assert catalog_item_save(actor=None, item=item) == {"fck_cube": {"old": None, "new": "67"}}
    assert catalog_item_save(actor=None, item=item) == {}
    assert AuditEvent.objects.filter(action="evize.catalog.item_changed").count() == 1


def test_invalid_items_are_refused_and_nothing_is_recorded():
    item = models.ConcreteClass(code="Not a slug!", name_tr="X")
    with pytest.raises(ValidationError):
        catalog_item_save(actor=None, item=item)
    duplicate = models.ConcreteClass(code="c30-37", name_tr="C30/37 again")
    with pytest.raises(ValidationError):
        catalog_item_save(actor=None, item=duplicate)
    assert not AuditEvent.objects.filter(action__startswith="evize.catalog.").exists()


def test_an_item_in_use_cannot_be_deleted_and_nothing_is_recorded():
    village = VillageFactory()
    with pytest.raises(ProtectedError):
        catalog_item_delete(actor=None, item=village.district)
    assert models.District.objects.filter(pk=village.district_id).exists()
    assert not AuditEvent.objects.filter(action="evize.catalog.item_deleted").exists()


def test_deleting_records_the_last_values():
    district = DistrictFactory(code="bos-ilce", name_tr="Boş ilçe")
    pk = district.pk
    catalog_item_delete(actor=None, item=district)
    event = AuditEvent.objects.get(action="evize.catalog.item_deleted")
    assert (event.object_type, event.object_id) == ("catalog.district", str(pk))
    assert event.data["values"]["name_tr"] == "Boş ilçe"


def test_document_list_reads_in_constant_queries(django_assert_num_queries):
    with django_assert_num_queries(2):  # the work type by code, then the rows with their document types
        names = [r.document_type.name for r in selectors.document_requirements("guclendirme")]
    assert len(names) >= 10
