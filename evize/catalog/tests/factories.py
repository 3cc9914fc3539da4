"""Factories for reference-list items (the data migration already loads the real lists)."""

import factory

from evize.catalog import models


class CatalogItemFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: f"test-item-{n}")
    name_tr = factory.Sequence(lambda n: f"Deneme değeri {n}")
    name_en = factory.Sequence(lambda n: f"Test value {n}")
    is_active = True
    sort_order = 0

    class Params:
        retired = factory.Trait(is_active=False)


class DistrictFactory(CatalogItemFactory):
    class Meta:
        model = models.District


class VillageFactory(CatalogItemFactory):
    class Meta:
        model = models.Village

    district = factory.SubFactory(DistrictFactory)


class WorkTypeFactory(CatalogItemFactory):
    class Meta:
        model = models.WorkType


class DocumentTypeFactory(CatalogItemFactory):
    class Meta:
        model = models.DocumentType


class ConcreteClassFactory(CatalogItemFactory):
    class Meta:
        model = models.ConcreteClass
