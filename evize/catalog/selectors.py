"""Reading reference lists for forms and checks.

New choices show active items only; a form editing an old application passes the value it already
holds as `include`, so a retired value stays selectable (and readable) there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from .models import (
    CoefficientKind,
    CoefficientOption,
    DocumentRequirement,
    DocumentType,
    DuctilityLevel,
    EarthquakeCode,
    Municipality,
    SuperstructureFactor,
    SuperstructureSystem,
    Village,
    WorkType,
)

M = TypeVar("M", bound=models.Model)


def _pks(include: Any) -> list[Any]:
    """Primary keys from None, an item, a primary key, or an iterable of those."""
    if include is None:
        return []
    if isinstance(include, models.Model):
        return [include.pk] if include.pk is not None else []
    if isinstance(include, str | int):
        return [include]
    if isinstance(include, Iterable):
        return [pk for value in include for pk in _pks(value)]
    return [include]


def _resolve(model: type[M], value: M | str | None) -> M | None:
    """An item given as itself or by its code."""
    if value is None or isinstance(value, model):
        return value
    return model._default_manager.filter(code=value).first()


def active(model: type[M]) -> QuerySet[M]:
    """The active items of a list, in list order."""
    return model._default_manager.filter(is_active=True)


def options_for(model: type[M], include: Any = None) -> QuerySet[M]:
    """The choices for a form field: the active items, plus `include` even if it was retired.

    `include` is the value already chosen on the application being edited (an item, its primary
    key, or several of them); None for a new application.
    """
    pks = _pks(include)
    if not pks:
        return active(model)
    return model._default_manager.filter(Q(is_active=True) | Q(pk__in=pks))


def villages_for(district: Any, include: Any = None) -> QuerySet[Village]:
    """The villages / quarters of a district (an item or its primary key) for a form field."""
    return (
        options_for(Village, include)
        .filter(Q(district=district) | Q(pk__in=_pks(include)))
        .select_related("district")
    )


def municipalities_for(district: Any = None, include: Any = None) -> QuerySet[Municipality]:
    """The municipalities to offer for a district: its own and those not tied to one district."""
    queryset = options_for(Municipality, include)
    if district is not None:
        queryset = queryset.filter(Q(district=district) | Q(district__isnull=True) | Q(pk__in=_pks(include)))
    return queryset


def document_requirements(work_type: WorkType | str) -> QuerySet[DocumentRequirement]:
    """The document types offered for a work type (active ones), with whether each is required."""
    return (
        DocumentRequirement.objects.filter(
            work_type=_resolve(WorkType, work_type), document_type__is_active=True
        )
        .select_related("document_type")
        .order_by("document_type__sort_order", "document_type__name_tr")
    )


def required_document_types(work_type: WorkType | str) -> QuerySet[DocumentType]:
    """The active document types that an application of this work type must include."""
    return active(DocumentType).filter(
        requirements__work_type=_resolve(WorkType, work_type), requirements__required=True
    )


def coefficient_kinds_for(earthquake_code: EarthquakeCode | str) -> QuerySet[CoefficientKind]:
    """The active coefficients the form asks for under an earthquake code."""
    return active(CoefficientKind).filter(earthquake_codes=_resolve(EarthquakeCode, earthquake_code))


def coefficient_options(
    earthquake_code: EarthquakeCode | str, kind: CoefficientKind | str, include: Any = None
) -> QuerySet[CoefficientOption]:
    """The options of one coefficient under one earthquake code (plus `include`, see options_for)."""
    return options_for(CoefficientOption, include).filter(
        earthquake_code=_resolve(EarthquakeCode, earthquake_code), kind=_resolve(CoefficientKind, kind)
    )


def superstructure_factors(
    earthquake_code: EarthquakeCode | str,
    system: SuperstructureSystem | str,
    ductility: DuctilityLevel | str | None = None,
) -> SuperstructureFactor | None:
    """The R and D factors of a superstructure system under an earthquake code and ductility level.

    Items may be given as themselves or by code. When the code gives no row for that ductility
    level, a row without a ductility level (one value for every level) is used; None when the
    code has neither.
    """
    rows = SuperstructureFactor.objects.filter(
        earthquake_code=_resolve(EarthquakeCode, earthquake_code),
        system=_resolve(SuperstructureSystem, system),
        is_active=True,
    ).select_related("earthquake_code", "system", "ductility_level")
    level = _resolve(DuctilityLevel, ductility)
    if level is not None:
        exact = rows.filter(ductility_level=level).first()
        if exact is not None:
            return exact
    return rows.filter(ductility_level__isnull=True).first()


def ductility_levels_for(
    earthquake_code: EarthquakeCode | str, system: SuperstructureSystem | str
) -> QuerySet[DuctilityLevel]:
    """The ductility levels for which a code gives factors for a system."""
    return (
        active(DuctilityLevel)
        .filter(
            superstructure_factors__earthquake_code=_resolve(EarthquakeCode, earthquake_code),
            superstructure_factors__system=_resolve(SuperstructureSystem, system),
            superstructure_factors__is_active=True,
        )
        .distinct()
    )
