"""The fee calculation: which tariff applies, and what the registration and visa fees come to.

The tariff is data (`Tariff`, `TariffRate`, edited in the admin); this module only reads it. A
calculation returns the amount and a breakdown (plain JSON, stored with the fee and shown to the
engineer before paying). Labels in the breakdown are codes; templates put them in words.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from .models import ZERO, Tariff, TariffRate

CENT = Decimal("0.01")
PER_MILLE = Decimal("1000")


class TariffMissing(LookupError):
    """No tariff is in force on the given date (the chamber has to add one in the admin)."""


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(value: Decimal | None) -> str:
    """Amounts as the bank and the JSON breakdown want them: "1250.00"."""
    return "" if value is None else f"{money(value):.2f}"


@dataclass(frozen=True)
class FeeInputs:
    """What the visa fee depends on, read from the application form (step 5 and step 17)."""

    total_cost: Decimal | None
    total_area_m2: Decimal | None
    building_class_code: str | None
    fee_type_code: str | None
    work_type_code: str | None
    building_class_name: str = ""
    fee_type_name: str = ""
    work_type_name: str = ""


def fee_inputs(application: Any) -> FeeInputs:
    """Adapter over the application form: total construction cost and project fee type (step 17,
    on `Application`), work type (on `Application`), total construction area and building class
    (step 5, `Building`). Missing values are None: the minimums then decide the fee."""
    building = None
    try:
        building = application.building
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: step 5 not filled in
        building = None
    fee_type = getattr(application, "fee_type", None)
    work_type = getattr(application, "work_type", None)
    building_class = getattr(building, "building_class", None) if building is not None else None
    return FeeInputs(
        total_cost=getattr(application, "construction_cost", None),
        total_area_m2=getattr(building, "total_area", None) if building is not None else None,
        building_class_code=getattr(building_class, "code", None),
        fee_type_code=getattr(fee_type, "code", None),
        work_type_code=getattr(work_type, "code", None),
        building_class_name=getattr(building_class, "name_tr", "") or "",
        fee_type_name=getattr(fee_type, "name_tr", "") or "",
        work_type_name=getattr(work_type, "name_tr", "") or "",
    )


def tariff_in_force(on: datetime.date | None = None) -> Tariff:
    on = on or timezone.localdate()
    tariff = Tariff.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    if tariff is None:
        raise TariffMissing(on)
    return tariff


@dataclass(frozen=True)
class Calculation:
    amount: Decimal
    breakdown: dict[str, Any]
    tariff: Tariff


def _tariff_summary(tariff: Tariff) -> dict[str, Any]:
    return {"id": tariff.pk, "name": tariff.name, "valid_from": tariff.valid_from.isoformat()}


def calculate_registration_fee(tariff: Tariff) -> Calculation:
    amount = money(tariff.registration_fee)
    return Calculation(
        amount=amount,
        tariff=tariff,
        breakdown={
            "kind": "registration",
            "tariff": _tariff_summary(tariff),
            "lines": [{"code": "registration_fee", "amount": money_text(amount)}],
            "total": money_text(amount),
        },
    )


def matching_rate(tariff: Tariff, inputs: FeeInputs) -> TariffRate | None:
    """The most specific rate row for the fee type and building class: both match, then the fee
    type alone, then the building class alone, then the row for any."""
    best: tuple[int, int] | None = None
    chosen: TariffRate | None = None
    for rate in tariff.rates.select_related("fee_type", "building_class").order_by("pk"):
        fee_type = rate.fee_type.code if rate.fee_type_id else None
        building_class = rate.building_class.code if rate.building_class_id else None
        if fee_type is not None and fee_type != inputs.fee_type_code:
            continue
        if building_class is not None and building_class != inputs.building_class_code:
            continue
        score = (2 if fee_type is not None else 0) + (1 if building_class is not None else 0)
        if best is None or score > best[0]:
            best, chosen = (score, rate.pk), rate
    return chosen


def calculate_visa_fee(tariff: Tariff, inputs: FeeInputs) -> Calculation:
    rate = matching_rate(tariff, inputs)
    cost = inputs.total_cost if inputs.total_cost is not None else ZERO
    area = inputs.total_area_m2 if inputs.total_area_m2 is not None else ZERO
    lines: list[dict[str, Any]] = []
    subtotal = ZERO
    row_minimum = ZERO
    if rate is not None:
        row_minimum = rate.minimum
        if rate.rate_per_mille:
            amount = money(cost * rate.rate_per_mille / PER_MILLE)
            subtotal += amount
            lines.append(
                {
                    "code": "cost_rate",
                    "base": money_text(cost),
                    "rate": format(rate.rate_per_mille.normalize(), "f"),
                    "amount": money_text(amount),
                    "missing": inputs.total_cost is None,
                }
            )
        if rate.amount_per_m2:
            amount = money(area * rate.amount_per_m2)
            subtotal += amount
            lines.append(
                {
                    "code": "area_rate",
                    "base": format(Decimal(area).normalize(), "f"),
                    "rate": money_text(rate.amount_per_m2),
                    "amount": money_text(amount),
                    "missing": inputs.total_area_m2 is None,
                }
            )
    minimum = max(row_minimum, tariff.visa_minimum)
    total = money(max(subtotal, minimum))
    return Calculation(
        amount=total,
        tariff=tariff,
        breakdown={
            "kind": "visa",
            "tariff": _tariff_summary(tariff),
            "inputs": {
                "total_cost": money_text(inputs.total_cost) if inputs.total_cost is not None else None,
                "total_area_m2": (
                    format(Decimal(inputs.total_area_m2).normalize(), "f")
                    if inputs.total_area_m2 is not None
                    else None
                ),
                "building_class": inputs.building_class_code,
                "building_class_name": inputs.building_class_name,
                "fee_type": inputs.fee_type_code,
                "fee_type_name": inputs.fee_type_name,
                "work_type": inputs.work_type_code,
                "work_type_name": inputs.work_type_name,
            },
            "rate_id": rate.pk if rate is not None else None,
            "lines": lines,
            "subtotal": money_text(subtotal),
            "minimum": money_text(minimum),
            "minimum_applied": subtotal < minimum,
            "total": money_text(total),
        },
    )
