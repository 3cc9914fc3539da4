"""Every pre-check rule: one test that triggers it and one that passes it (the complete application)."""

from decimal import Decimal

import pytest
from django.utils import translation

from evize.applications import prechecks
from evize.applications.models import (
    ApplicationEngineer,
    Building,
    Coefficient,
    ExistingMaterial,
    FoundationData,
    ProjectSubject,
    Superstructure,
    SystemFeatureChoice,
    TitleDeed,
)
from evize.applications.prechecks import ERROR, WARNING, rule_findings, run_prechecks
from evize.applications.tests.helpers import attach_required_documents, complete_application, item
from evize.catalog import models as catalog
from evize.registry.models import Member
from evize.registry.tests.factories import MemberFactory, make_tckn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def turkish():
    with translation.override("tr"):
        yield


@pytest.fixture
def app():
    return complete_application()


def only(code, application):
    findings = rule_findings(code, application)
    assert findings, f"{code} found nothing"
    spec = next(r for r in prechecks.RULES if r.code == code)
    assert {f.level for f in findings} == {spec.level}
    return findings


def test_the_complete_application_passes_every_rule(app):
    assert run_prechecks(app) == []


def test_every_rule_has_its_tests_here():
    tested = {
        "required.missing",
        "engineers.applicant",
        "engineers.standing",
        "engineers.national_id_registry",
        "building.storey_height",
        "values.positive",
        "subjects.area_sum",
        "subjects.floors",
        "existing_materials.required",
        "documents.required",
        "coefficients.code",
        "coefficients.range",
        "coefficients.missing",
        "superstructure.no_factor",
        "superstructure.r_above_code",
        "superstructure.factors_differ",
        "superstructure.ductility",
        "superstructure.directions",
        "features.contradiction",
        "foundation_data.groundwater",
        "catalog.retired",
    }
    assert {r.code for r in prechecks.RULES} == tested


# --- completeness -------------------------------------------------------------------------------------


def test_required_missing_points_at_each_empty_section(app):
    Building.objects.filter(application=app).delete()
    TitleDeed.objects.filter(application=app).delete()
    type(app).objects.filter(pk=app.pk).update(construction_cost=None, fee_type=None)
    findings = only("required.missing", app)
    by_section = {f.section: f.message for f in findings}
    assert by_section["building"] == "“Yapı Bilgileri” henüz doldurulmadı."
    assert "“Koçan ve Arazi Bilgileri” bölümünde henüz kayıt yok" in by_section["title_deeds"]
    assert {f.message for f in findings if f.section == "cost"} == {
        "İnşaat toplam maliyetini girin.",
        "Proje ücreti tipini seçin.",
    }


def test_required_missing_passes_when_filled(app):
    assert rule_findings("required.missing", app) == []


# --- engineers ----------------------------------------------------------------------------------------


def test_applicant_must_be_an_engineer(app):
    ApplicationEngineer.objects.filter(application=app).update(is_applicant=False)
    assert "Başvuru sahibi mühendislerden biri olmalıdır" in only("engineers.applicant", app)[0].message


def test_applicant_present_passes(app):
    assert rule_findings("engineers.applicant", app) == []


def test_engineer_standing_is_checked_again_on_save(app):
    member = MemberFactory(first_name="Mehmet", last_name="Öztürk")
    ApplicationEngineer.objects.create(
        application=app,
        member=member,
        position=2,
        email="m@example.org",
        national_id=member.national_id,
        phone="+90 533 000 00 00",
    )
    assert rule_findings("engineers.standing", app) == []
    Member.objects.filter(pk=member.pk).update(status=Member.Status.SUSPENDED)
    message = only("engineers.standing", app)[0].message
    assert "Mehmet Öztürk" in message and "etkin bir üyesi değil" in message


def test_engineer_with_unpaid_dues_is_refused(app):
    member = MemberFactory(dues_unpaid=True)
    ApplicationEngineer.objects.create(
        application=app,
        member=member,
        position=2,
        email="m@example.org",
        national_id=member.national_id,
        phone="+90 533 000 00 00",
    )
    assert "aidatları güncel değil" in only("engineers.standing", app)[0].message


def test_national_id_differing_from_registry_is_a_warning(app):
    ApplicationEngineer.objects.filter(application=app).update(national_id=make_tckn(999))
    assert "oda sicilindekinden farklı" in only("engineers.national_id_registry", app)[0].message


def test_national_id_as_in_registry_passes(app):
    assert rule_findings("engineers.national_id_registry", app) == []


# --- building, areas ----------------------------------------------------------------------------------


def test_implausible_storey_height_is_a_warning(app):
    Building.objects.filter(application=app).update(height=Decimal("40"))
    message = only("building.storey_height", app)[0].message
    assert "kat başına 10 m" in message and "2,4–6 m" in message


def test_plausible_storey_height_passes(app):
    assert rule_findings("building.storey_height", app) == []


def test_non_positive_areas_are_errors(app):
    TitleDeed.objects.filter(application=app).update(area=Decimal("0"))
    findings = only("values.positive", app)
    assert findings[0].message == "1. koçan: alan sıfırdan büyük olmalıdır."
    assert len(findings) == 2


def test_positive_areas_pass(app):
    assert rule_findings("values.positive", app) == []


def test_subject_areas_not_adding_up_is_a_warning(app):
    ProjectSubject.objects.filter(application=app, unit_count=0).update(area=Decimal("50"))
    message = only("subjects.area_sum", app)[0].message
    assert "1.050,5 m²" in message and "1.250,5 m²" in message


def test_subject_areas_adding_up_within_tolerance_pass(app):
    ProjectSubject.objects.filter(application=app, unit_count=0).update(area=Decimal("259"))  # +0,7 %
    assert rule_findings("subjects.area_sum", app) == []


def test_subject_with_more_floors_than_the_building_is_a_warning(app):
    ProjectSubject.objects.filter(application=app, unit_count=8).update(floor_count=9)
    assert "toplam kat sayısı 5" in only("subjects.floors", app)[0].message


def test_subject_floors_within_building_pass(app):
    assert rule_findings("subjects.floors", app) == []


# --- existing buildings, documents --------------------------------------------------------------------


def test_retrofit_without_existing_materials_is_an_error():
    app = complete_application(work_type="guclendirme")
    ExistingMaterial.objects.filter(application=app).delete()
    assert "Mevcut Malzeme Bilgileri" in only("existing_materials.required", app)[0].message


def test_retrofit_with_existing_materials_passes():
    app = complete_application(work_type="guclendirme")
    assert rule_findings("existing_materials.required", app) == []
    assert run_prechecks(app) == []


def test_missing_required_document_is_an_error(app):
    from evize.documents.models import Document

    Document.objects.filter(application=app, document_type__code="statik-hesap").update(
        state=Document.State.REMOVED
    )
    message = only("documents.required", app)[0].message
    assert "“Statik rapor / statik hesap” belgesi zorunludur" in message


def test_documents_follow_the_work_type():
    app = complete_application(documents=False)
    assert (
        len(rule_findings("documents.required", app))
        == catalog.DocumentRequirement.objects.filter(work_type__code="yeni-yapi", required=True).count()
    )
    attach_required_documents(app, uploaded_by=app.created_by)
    assert rule_findings("documents.required", app) == []


# --- coefficients -------------------------------------------------------------------------------------


def test_coefficients_of_another_code_are_errors(app):
    type(app).objects.filter(pk=app.pk).update(earthquake_code=item(catalog.EarthquakeCode, "dbybhy-2007"))
    findings = only("coefficients.code", app)
    assert any("Kısa periyot tasarım spektral ivme katsayısı" in f.message for f in findings)


def test_coefficients_of_the_code_pass(app):
    assert rule_findings("coefficients.code", app) == []


def test_coefficient_outside_its_range_is_an_error(app):
    Coefficient.objects.filter(application=app, kind__code="sds").update(value=Decimal("7.5"))
    assert only("coefficients.range", app)[0].message == "S_DS = 7,5, kabul edilen 0–5 aralığının dışında."


def test_coefficient_within_its_range_passes(app):
    assert rule_findings("coefficients.range", app) == []


def test_missing_coefficient_is_a_warning(app):
    Coefficient.objects.filter(application=app, kind__code="pga").delete()
    assert only("coefficients.missing", app)[0].message == "Henüz girilmedi: En büyük yer ivmesi."


def test_all_coefficients_given_pass(app):
    assert rule_findings("coefficients.missing", app) == []


# --- superstructure and ductility ---------------------------------------------------------------------


def test_system_not_defined_at_that_ductility_is_an_error(app):
    limited = item(catalog.DuctilityLevel, "limited")
    Superstructure.objects.filter(application=app, direction="x").update(
        system=item(catalog.SuperstructureSystem, "rc-bag-kirisli-perde"), ductility_level=limited
    )
    assert "tanımlamıyor" in only("superstructure.no_factor", app)[0].message


def test_defined_system_passes(app):
    assert rule_findings("superstructure.no_factor", app) == []


def test_r_above_the_code_is_an_error(app):
    Superstructure.objects.filter(application=app, direction="x").update(r=Decimal("8"))
    message = only("superstructure.r_above_code", app)[0].message
    assert message.startswith("X yönü: R = 8") and "R = 7" in message and "Tablo 4.1 A15" in message


def test_r_as_in_the_code_passes(app):
    assert rule_findings("superstructure.r_above_code", app) == []


def test_r_below_or_d_other_than_the_code_are_warnings(app):
    Superstructure.objects.filter(application=app, direction="y").update(r=Decimal("6"), d=Decimal("2"))
    messages = [f.message for f in only("superstructure.factors_differ", app)]
    assert messages == [
        "Y yönü: R = 6, yönetmelikteki R = 7 değerinden küçük (güvenli tarafta).",
        "Y yönü: D = 2, yönetmelikteki D = 2,5 değerinden farklı.",
    ]


def test_factors_as_in_the_code_pass(app):
    assert rule_findings("superstructure.factors_differ", app) == []


def test_direction_ductility_disagreeing_with_ductility_level_is_an_error(app):
    Superstructure.objects.filter(application=app, direction="y").update(
        ductility_level=item(catalog.DuctilityLevel, "limited"), r=Decimal("4"), d=Decimal("2")
    )
    assert "Süneklik Düzeyi" in only("superstructure.ductility", app)[0].message
    assert rule_findings("superstructure.no_factor", app) == []  # the combination itself exists


def test_mixed_ductility_level_allows_different_directions(app):
    Superstructure.objects.filter(application=app, direction="y").update(
        ductility_level=item(catalog.DuctilityLevel, "limited"), r=Decimal("4"), d=Decimal("2")
    )
    type(app.ductility).objects.filter(application=app).update(
        ductility_level=item(catalog.DuctilityLevel, "mixed")
    )
    assert rule_findings("superstructure.ductility", app) == []


def test_one_direction_only_is_a_warning(app):
    Superstructure.objects.filter(application=app, direction="y").delete()
    assert "Yalnızca X yönü girilmiş" in only("superstructure.directions", app)[0].message


def test_both_directions_pass(app):
    assert rule_findings("superstructure.directions", app) == []


def test_no_irregularity_with_irregularities_is_an_error(app):
    SystemFeatureChoice.objects.create(application=app, feature=item(catalog.SystemFeature, "a1"))
    assert "A1 – Burulma düzensizliği" in only("features.contradiction", app)[0].message


def test_consistent_features_pass(app):
    SystemFeatureChoice.objects.filter(application=app).delete()
    SystemFeatureChoice.objects.create(application=app, feature=item(catalog.SystemFeature, "a1"))
    assert rule_findings("features.contradiction", app) == []


# --- foundation, reference values ---------------------------------------------------------------------


def test_groundwater_above_foundation_level_is_a_warning(app):
    FoundationData.objects.filter(application=app).update(groundwater_depth=Decimal("1.2"))
    assert "1,2 m derinlikteki yeraltı suyu" in only("foundation_data.groundwater", app)[0].message


def test_groundwater_below_foundation_or_none_passes(app):
    assert rule_findings("foundation_data.groundwater", app) == []
    FoundationData.objects.filter(application=app).update(no_groundwater=True, groundwater_depth=None)
    assert rule_findings("foundation_data.groundwater", app) == []


def test_retired_reference_value_is_a_warning(app):
    catalog.SlabSystem.objects.filter(code="kirisli-plak").update(is_active=False)
    finding = only("catalog.retired", app)[0]
    assert finding.section == "slabs" and "Kirişli plak döşeme" in finding.message


def test_active_reference_values_pass(app):
    assert rule_findings("catalog.retired", app) == []


def test_levels_and_order_errors_first(app):
    Building.objects.filter(application=app).update(height=Decimal("40"))
    Superstructure.objects.filter(application=app, direction="x").update(r=Decimal("9"))
    findings = run_prechecks(app)
    assert [f.level for f in findings] == [ERROR, WARNING]


def test_prechecks_make_a_constant_number_of_queries(app, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        run_prechecks(app)
    for n in range(10):
        TitleDeed.objects.create(
            application=app,
            district=item(catalog.District, "lefkosa"),
            village=item(catalog.Village, "gonyeli"),
            sheet_map="X",
            parcel=str(n),
            title_deed_no=str(n),
            area=Decimal("1"),
            owner="A",
        )
    with django_assert_max_num_queries(25):
        run_prechecks(app)
