import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from evize.applications.models import Building
from evize.catalog.models import BuildingClass, District, FeeType, Municipality, Village, WorkType
from evize.payments.models import Tariff
from evize.payments.tariff import (
    FeeInputs,
    TariffMissing,
    calculate_registration_fee,
    calculate_visa_fee,
    fee_inputs,
    tariff_in_force,
)

from .factories import application_in, make_tariff

pytestmark = pytest.mark.django_db


def inputs(cost=None, area=None, building_class=None, fee_type=None):
    return FeeInputs(
        total_cost=Decimal(cost) if cost is not None else None,
        total_area_m2=Decimal(area) if area is not None else None,
        building_class_code=building_class,
        fee_type_code=fee_type,
        work_type_code=None,
    )


def test_the_data_migration_installs_a_starting_tariff():
    tariff = Tariff.objects.get(valid_from=datetime.date(2026, 1, 1))
    assert tariff.registration_fee == Decimal("1250.00")
    assert tariff.rates.filter(fee_type__isnull=True, building_class__isnull=True).exists()


def test_the_newest_tariff_already_in_force_applies():
    make_tariff(valid_from=datetime.date(2020, 1, 1), registration_fee=Decimal("100"))
    current = make_tariff(valid_from=timezone.localdate(), registration_fee=Decimal("200"), replace=False)
    make_tariff(
        valid_from=timezone.localdate() + datetime.timedelta(days=30),
        registration_fee=Decimal("300"),
        replace=False,
    )
    assert tariff_in_force() == current
    assert calculate_registration_fee(current).amount == Decimal("200.00")


def test_no_tariff_in_force_is_reported():
    make_tariff(valid_from=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(TariffMissing):
        tariff_in_force()


def test_visa_fee_from_construction_cost_per_mille():
    tariff = make_tariff(visa_minimum=Decimal("0"), rates=[{"rate_per_mille": Decimal("3")}])
    result = calculate_visa_fee(tariff, inputs(cost="2450000.00"))
    assert result.amount == Decimal("7350.00")
    assert result.breakdown["lines"] == [
        {"code": "cost_rate", "base": "2450000.00", "rate": "3", "amount": "7350.00", "missing": False}
    ]
    assert result.breakdown["minimum_applied"] is False
    assert result.breakdown["total"] == "7350.00"


def test_visa_fee_adds_an_amount_per_square_metre_and_rounds_to_kurus():
    tariff = make_tariff(
        visa_minimum=Decimal("0"),
        rates=[{"rate_per_mille": Decimal("1.25"), "amount_per_m2": Decimal("2.50")}],
    )
    result = calculate_visa_fee(tariff, inputs(cost="1000001", area="412.5"))
    # 1 000 001 × 1.25 ‰ = 1250.00125 → 1250.00; 412.5 m² × 2.50 = 1031.25
    assert result.amount == Decimal("2281.25")
    assert [line["amount"] for line in result.breakdown["lines"]] == ["1250.00", "1031.25"]


def test_the_larger_minimum_applies_row_or_tariff():
    tariff = make_tariff(
        visa_minimum=Decimal("1500"), rates=[{"rate_per_mille": Decimal("3"), "minimum": Decimal("2000")}]
    )
    result = calculate_visa_fee(tariff, inputs(cost="100000"))  # 300 TL by rate
    assert result.amount == Decimal("2000.00")
    assert result.breakdown["minimum_applied"] is True
    assert result.breakdown["minimum"] == "2000.00"
    tariff.visa_minimum = Decimal("2600")
    tariff.save()
    assert calculate_visa_fee(tariff, inputs(cost="100000")).amount == Decimal("2600.00")


def test_missing_inputs_leave_the_minimum():
    tariff = make_tariff(visa_minimum=Decimal("1500"))
    result = calculate_visa_fee(tariff, inputs())
    assert result.amount == Decimal("1500.00")
    assert result.breakdown["lines"][0]["missing"] is True


def test_the_most_specific_rate_row_applies():
    public = FeeType.objects.get(code="kamu")
    standard = FeeType.objects.get(code="tip-proje")
    class_3a = BuildingClass.objects.get(code="iii-a")
    tariff = make_tariff(
        visa_minimum=Decimal("0"),
        rates=[
            {"rate_per_mille": Decimal("3")},
            {"fee_type": public, "rate_per_mille": Decimal("2")},
            {"building_class": class_3a, "rate_per_mille": Decimal("4")},
            {"fee_type": public, "building_class": class_3a, "rate_per_mille": Decimal("1")},
        ],
    )

    def fee(**kwargs):
        return calculate_visa_fee(tariff, inputs(cost="1000000", **kwargs)).amount

    assert fee() == Decimal("3000.00")
    assert fee(fee_type="kamu") == Decimal("2000.00")
    assert fee(building_class="iii-a") == Decimal("4000.00")
    assert fee(fee_type="kamu", building_class="iii-a") == Decimal("1000.00")
    assert fee(fee_type=standard.code, building_class="iii-a") == Decimal("4000.00")


def test_fee_inputs_reads_the_application_form():
    application = application_in("approved")
    district = District.objects.first()
    Building.objects.create(
        application=application,
        district=district,
        village=Village.objects.filter(district=district).first(),
        address="Atatürk Cad. 12",
        owners="Ali Veli",
        storeys_above_ground=4,
        total_area=Decimal("640.50"),
        height=Decimal("13.20"),
        building_class=BuildingClass.objects.get(code="iii-b"),
        independent_units=8,
        municipality=Municipality.objects.first(),
    )
    application.construction_cost = Decimal("3200000.00")
    application.fee_type = FeeType.objects.get(code="asgari-tarife")
    application.work_type = WorkType.objects.get(code="yeni-yapi")
    application.save()
    application.refresh_from_db()
    result = fee_inputs(application)
    assert result.total_cost == Decimal("3200000.00")
    assert result.total_area_m2 == Decimal("640.50")
    assert result.building_class_code == "iii-b"
    assert result.fee_type_code == "asgari-tarife"
    assert result.work_type_code == "yeni-yapi"
    assert result.building_class_name == "III. sınıf B grubu"


def test_fee_inputs_of_an_empty_form_are_empty():
    result = fee_inputs(application_in("approved"))
    assert result == FeeInputs(None, None, None, None, None)
