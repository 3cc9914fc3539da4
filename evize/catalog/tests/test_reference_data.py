"""The data migration loads every list with realistic values, and loading again changes nothing."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from evize.catalog import models
from evize.catalog.selectors import superstructure_factors

pytestmark = pytest.mark.django_db

loader = importlib.import_module("evize.catalog.migrations.0002_load_reference_data")

LISTS = [
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
    models.SuperstructureFactor,
    models.SlabSystem,
    models.FoundationSystem,
    models.FeeType,
    models.DocumentType,
    models.DocumentRequirement,
]


def counts():
    return {model.__name__: model.objects.count() for model in LISTS}


def test_every_list_is_loaded():
    loaded = counts()
    assert all(loaded.values()), [name for name, count in loaded.items() if not count]
    assert loaded["District"] == 6
    assert loaded["Municipality"] == 18
    assert loaded["EarthquakeCode"] == 2
    assert loaded["DuctilityLevel"] == 3


def test_every_item_has_both_names_and_is_active():
    for model in LISTS:
        if not hasattr(model, "name_tr"):
            continue
        assert not model.objects.filter(name_tr="").exists(), model.__name__
        assert not model.objects.filter(name_en="").exists(), model.__name__
        assert not model.objects.filter(is_active=False).exists(), model.__name__


def test_the_six_districts_with_their_villages():
    assert set(models.District.objects.values_list("name_tr", flat=True)) == {
        "Lefkoşa",
        "Gazimağusa",
        "Girne",
        "Güzelyurt",
        "İskele",
        "Lefke",
    }
    for district in models.District.objects.all():
        assert district.villages.count() >= 8, district.name_tr
    lefkosa = set(models.Village.objects.filter(district__code="lefkosa").values_list("name_tr", flat=True))
    assert {"Köşklüçiftlik", "Yenişehir", "Ortaköy", "Gönyeli", "Hamitköy", "Alayköy", "Haspolat"} <= lefkosa
    assert models.Village.objects.get(code="karaoglanoglu").district.code == "girne"
    assert models.Village.objects.get(code="dikmen").district.code == "girne"


def test_villages_are_in_turkish_alphabetical_order():
    names = list(models.Village.objects.filter(district__code="girne").values_list("name_tr", flat=True))
    # "Çamlıbel" and "Çatalköy" come after "Bahçeli" and before "Doğanköy" in Turkish order.
    assert names.index("Bahçeli") < names.index("Çamlıbel") < names.index("Doğanköy")


def test_municipalities():
    girne = models.District.objects.get(code="girne")
    assert models.Municipality.objects.get(name_tr="Girne Belediyesi").district == girne
    assert (
        models.Municipality.objects.get(code="lefkosa-turk-belediyesi").name_en
        == "Nicosia Turkish Municipality"
    )
    assert models.Municipality.objects.get(code="esentepe-tatlisu").district is None
    assert models.Municipality.objects.filter(district__code="lefkosa").count() == 3


def test_materials():
    c30 = models.ConcreteClass.objects.get(name_tr="C30/37")
    assert (c30.code, c30.fck, c30.fck_cube) == ("c30-37", Decimal("30"), Decimal("37"))
    assert models.ConcreteClass.objects.filter(name_tr__in=["C20/25", "C50/60"]).count() == 2
    assert models.ReinforcingSteel.objects.get(code="b420c").fyk == Decimal("420")
    assert models.ReinforcingSteel.objects.get(code="b500c").name_tr == "B500C"
    s355 = models.StructuralSteel.objects.get(code="s355")
    assert (s355.name_tr, s355.fy) == ("S355", Decimal("355"))


def test_earthquake_codes_and_factors():
    tbdy = models.EarthquakeCode.objects.get(code="tbdy-2018")
    assert "Türkiye Bina Deprem Yönetmeliği" in tbdy.name_tr and tbdy.year == 2018
    frame_high = superstructure_factors("tbdy-2018", "rc-cerceve", "high")
    assert (frame_high.r, frame_high.d) == (Decimal("8"), Decimal("3"))
    frame_limited = superstructure_factors(tbdy, "rc-cerceve", "limited")
    assert (frame_limited.r, frame_limited.d) == (Decimal("4"), Decimal("2.5"))
    walls_high = superstructure_factors(tbdy, "rc-perde", "high")
    assert (walls_high.r, walls_high.d) == (Decimal("6"), Decimal("2.5"))
    old_frame = superstructure_factors("dbybhy-2007", "rc-cerceve", "high")
    assert old_frame.r == Decimal("8") and old_frame.d is None


def test_coefficients():
    importance = models.CoefficientKind.objects.get(code="bina-onem-katsayisi")
    assert set(importance.earthquake_codes.values_list("code", flat=True)) == {"tbdy-2018", "dbybhy-2007"}
    values = set(
        models.CoefficientOption.objects.filter(
            kind=importance, earthquake_code__code="tbdy-2018"
        ).values_list("value", flat=True)
    )
    assert values == {Decimal("1.5"), Decimal("1.2"), Decimal("1.0")}
    soil = models.CoefficientOption.objects.filter(
        kind__code="yerel-zemin-sinifi", earthquake_code__code="tbdy-2018"
    ).values_list("name_tr", flat=True)
    assert [name[:2] for name in soil] == ["ZA", "ZB", "ZC", "ZD", "ZE", "ZF"]
    sds = models.CoefficientKind.objects.get(code="sds")
    assert sds.input_type == models.CoefficientKind.InputType.NUMBER and not sds.options.exists()


def test_irregularities():
    codes = set(models.SystemFeature.objects.exclude(group="other").values_list("code", flat=True))
    assert {"a1", "a2", "a3", "b1", "b2", "b3"} <= codes
    assert models.SystemFeature.objects.get(code="b2").name_tr.endswith("(yumuşak kat)")


def test_loading_again_changes_nothing():
    before = counts()
    c30 = models.ConcreteClass.objects.get(code="c30-37")
    loader.load_reference_data(apps, None)
    assert counts() == before
    assert models.ConcreteClass.objects.get(code="c30-37").pk == c30.pk
