"""Choices: retired values are hidden from new applications but kept where already chosen."""

from decimal import Decimal

import pytest
from django.utils import translation

from evize.catalog import models, selectors

from .factories import DistrictFactory, DocumentTypeFactory, VillageFactory, WorkTypeFactory

pytestmark = pytest.mark.django_db


def test_active_hides_retired_items():
    c20 = models.ConcreteClass.objects.get(code="c20-25")
    c20.is_active = False
    c20.save()
    active = selectors.active(models.ConcreteClass)
    assert c20 not in active
    assert models.ConcreteClass.objects.get(code="c30-37") in active


def test_options_for_keeps_the_retired_value_already_chosen():
    c20 = models.ConcreteClass.objects.get(code="c20-25")
    c20.is_active = False
    c20.save()
    assert c20 not in selectors.options_for(models.ConcreteClass)
    for include in (c20, c20.pk, [c20], [c20.pk, None]):
        choices = selectors.options_for(models.ConcreteClass, include=include)
        assert c20 in choices
        assert choices.count() == models.ConcreteClass.objects.count()


def test_options_keep_list_order():
    names = list(selectors.active(models.ConcreteClass).values_list("name_tr", flat=True))
    assert names.index("C20/25") < names.index("C30/37") < names.index("C50/60")


def test_villages_for_a_district():
    girne = models.District.objects.get(code="girne")
    villages = selectors.villages_for(girne)
    assert villages.filter(code="karaoglanoglu").exists()
    assert not villages.filter(district__code="lefkosa").exists()

    retired = VillageFactory(district=girne, retired=True)
    assert retired not in selectors.villages_for(girne)
    assert retired in selectors.villages_for(girne, include=retired)
    other = VillageFactory(district=DistrictFactory())
    assert other not in selectors.villages_for(girne)


def test_municipalities_for_a_district_include_those_spanning_districts():
    municipalities = selectors.municipalities_for(models.District.objects.get(code="girne"))
    codes = set(municipalities.values_list("code", flat=True))
    assert {"girne", "lapta", "alsancak-camlibel", "dikmen", "esentepe-tatlisu"} == codes
    assert selectors.municipalities_for().count() == 18


def test_required_document_types_per_work_type():
    new_building = set(selectors.required_document_types("yeni-yapi").values_list("code", flat=True))
    assert {
        "proje-paftalari",
        "tapu-kocani",
        "tapu-vaziyet-plani",
        "statik-hesap",
        "zemin-etudu",
    } <= new_building
    assert "diger-kurum-belgeleri" not in new_building  # offered, optional
    assert "performans-raporu" not in new_building  # not asked for a new building

    retrofit = models.WorkType.objects.get(code="guclendirme")
    retrofit_docs = set(selectors.required_document_types(retrofit).values_list("code", flat=True))
    assert {"mevcut-malzeme-raporu", "performans-raporu"} <= retrofit_docs

    offered = {r.document_type.code: r.required for r in selectors.document_requirements("yeni-yapi")}
    assert offered["diger-kurum-belgeleri"] is False and offered["statik-hesap"] is True


def test_required_document_types_skip_retired_documents():
    work_type = WorkTypeFactory()
    kept = DocumentTypeFactory(sort_order=1)
    retired = DocumentTypeFactory(sort_order=2, retired=True)
    optional = DocumentTypeFactory(sort_order=3)
    models.DocumentRequirement.objects.create(work_type=work_type, document_type=kept, required=True)
    models.DocumentRequirement.objects.create(work_type=work_type, document_type=retired, required=True)
    models.DocumentRequirement.objects.create(work_type=work_type, document_type=optional, required=False)
    assert list(selectors.required_document_types(work_type)) == [kept]
    assert [r.document_type for r in selectors.document_requirements(work_type)] == [kept, optional]


def test_superstructure_factors():
    factor = selectors.superstructure_factors("tbdy-2018", "rc-cerceve", "high")
    assert (factor.r, factor.d, factor.clause) == (Decimal("8"), Decimal("3"), "Tablo 4.1 A11")
    # Not defined: TBDY 2018 has no limited-ductility coupled walls.
    assert selectors.superstructure_factors("tbdy-2018", "rc-bag-kirisli-perde", "limited") is None
    assert selectors.superstructure_factors("no-such-code", "rc-cerceve", "high") is None
    # A row without a ductility level applies to every level.
    masonry = selectors.superstructure_factors("dbybhy-2007", "yigma-donatisiz", "high")
    assert masonry.r == Decimal("2.5") and masonry.ductility_level is None


def test_retired_factor_rows_are_not_used():
    factor = selectors.superstructure_factors("tbdy-2018", "rc-cerceve", "high")
    factor.is_active = False
    factor.save()
    assert selectors.superstructure_factors("tbdy-2018", "rc-cerceve", "high") is None


def test_coefficients_for_a_code():
    kinds = set(selectors.coefficient_kinds_for("dbybhy-2007").values_list("code", flat=True))
    assert "etkin-yer-ivmesi" in kinds and "sds" not in kinds
    options = selectors.coefficient_options("tbdy-2018", "bina-onem-katsayisi")
    assert [o.value for o in options] == [Decimal("1.5"), Decimal("1.2"), Decimal("1.0")]
    levels = set(
        selectors.ductility_levels_for("tbdy-2018", "rc-cerceve-perde").values_list("code", flat=True)
    )
    assert levels == {"high", "mixed", "limited"}


def test_name_follows_the_active_language():
    frame = models.SuperstructureSystem.objects.get(code="rc-cerceve")
    with translation.override("tr"):
        assert frame.name == frame.name_tr and str(frame) == frame.name_tr
    with translation.override("en"):
        assert frame.name == "RC moment-resisting frames"
    frame.name_en = ""
    with translation.override("en"):
        assert frame.name == frame.name_tr
