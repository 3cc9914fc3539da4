"""Pre-checks of the application form: every rule in one place.

A rule reads the whole form (a `FormFacts`) and yields a message for each problem it finds. Its
level says what a finding does on "Kaydet" → "Evet": an ERROR blocks saving; a WARNING lets the
engineer save after ticking that they have read it. Rules take their limits from the reference
lists where the chamber keeps them: R and D from `SuperstructureFactor`, coefficient ranges from
`CoefficientKind`, required documents from `DocumentRequirement`, whether a work type concerns an
existing building from `WorkType`. The findings are shown live beside the form while it is filled
in, and checked again on save (`services.application_submit`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Model
from django.utils.translation import gettext as _

from evize.catalog import models as catalog

from .models import Application
from .numbers import format_decimal
from .sections import SECTIONS, SINGLE, section_title

ERROR = "error"
WARNING = "warning"

# Plausible average storey height (m): outside this range the height or storey count is likely wrong.
STOREY_HEIGHT_MIN = Decimal("2.40")
STOREY_HEIGHT_MAX = Decimal("6.00")
# The project subjects' areas should add up to the building's total construction area.
AREA_TOLERANCE_RATIO = Decimal("0.01")
AREA_TOLERANCE_MIN = Decimal("1")
NO_IRREGULARITY = "duzensizlik-yok"  # the SystemFeature that says the building is regular


@dataclass(frozen=True)
class Finding:
    code: str
    level: str  # ERROR or WARNING
    section: str  # a section key (see sections.SECTIONS), "cost", "note" or "documents"
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    @property
    def section_title(self) -> str:
        if self.section == "documents":
            return _("Documents")
        return section_title(self.section)


@dataclass(frozen=True)
class Rule:
    code: str
    level: str
    section: str
    check: Callable[[FormFacts], Iterable[str | tuple[str, str]]]


RULES: list[Rule] = []


def rule(code: str, *, level: str, section: str):
    """Register a rule. It yields messages (or (section, message) to point at another section)."""

    def register(check):
        RULES.append(Rule(code=code, level=level, section=section, check=check))
        return check

    return register


def run_prechecks(application: Application) -> list[Finding]:
    """Every finding for the application as it is saved now, errors first, in form order."""
    from .selectors import application_with_sections

    facts = FormFacts(application_with_sections().get(pk=application.pk))
    return facts.run()


def rule_findings(code: str, application: Application) -> list[Finding]:
    """The findings of one rule (for tests and for explaining a rule)."""
    return [finding for finding in run_prechecks(application) if finding.code == code]


class FormFacts:
    """The form's data, loaded once, as the rules read it (a constant number of queries)."""

    def __init__(self, application: Application):
        self.app = application

    def run(self) -> list[Finding]:
        findings: list[Finding] = []
        for spec in RULES:
            for result in spec.check(self):
                section, message = result if isinstance(result, tuple) else (spec.section, result)
                findings.append(Finding(code=spec.code, level=spec.level, section=section, message=message))
        order = {
            key: index for index, key in enumerate([s.key for s in SECTIONS] + ["cost", "documents", "note"])
        }
        return sorted(findings, key=lambda f: (f.level != ERROR, order.get(f.section, 99)))

    # -- the sections ----------------------------------------------------------------------------

    def rows(self, key: str) -> list:
        return next(s for s in SECTIONS if s.key == key).rows(self.app)

    @cached_property
    def building(self):
        rows = self.rows("building")
        return rows[0] if rows else None

    @cached_property
    def ductility(self):
        rows = self.rows("ductility")
        return rows[0] if rows else None

    @cached_property
    def factors(self) -> dict:
        """R and D of the application's earthquake code by (system, ductility level or None)."""
        if self.app.earthquake_code_id is None:
            return {}
        rows = catalog.SuperstructureFactor.objects.filter(
            earthquake_code_id=self.app.earthquake_code_id, is_active=True
        )
        return {(row.system_id, row.ductility_level_id): row for row in rows}

    def factor(self, system_id, level_id):
        return self.factors.get((system_id, level_id)) or self.factors.get((system_id, None))

    @cached_property
    def code_kinds(self) -> list:
        if self.app.earthquake_code_id is None:
            return []
        return list(
            catalog.CoefficientKind.objects.filter(
                is_active=True, earthquake_codes=self.app.earthquake_code_id
            )
        )

    @cached_property
    def missing_document_types(self) -> list:
        from evize.documents.models import Document

        if self.app.work_type_id is None:
            return []
        present = set(
            Document.objects.filter(application=self.app, state=Document.State.CURRENT).values_list(
                "document_type_id", flat=True
            )
        )
        required = catalog.DocumentType.objects.filter(
            is_active=True, requirements__work_type_id=self.app.work_type_id, requirements__required=True
        ).order_by("sort_order", "name_tr")
        return [document_type for document_type in required if document_type.pk not in present]


def _n(value) -> str:
    return format_decimal(value)


# --- completeness -------------------------------------------------------------------------------------


@rule("required.missing", level=ERROR, section="building")
def required_sections(facts: FormFacts):
    """Every required section has a record, and the single values are chosen."""
    for section in SECTIONS:
        if section.required and not section.rows(facts.app):
            if section.mode == SINGLE:
                message = _("“%(section)s” is not filled in yet.") % {"section": section.title}
            else:
                message = _("“%(section)s” has no record yet. Add one with “+ Add new record”.") % {
                    "section": section.title
                }
            yield section.key, message
    app = facts.app
    if app.work_type_id is None and facts.building is not None:
        yield "building", _("Choose the work type in “Building Information”.")
    if app.earthquake_code_id is None:
        yield "coefficients", _("Choose the earthquake code used in the project.")
    if app.construction_cost is None:
        yield "cost", _("Enter the total construction cost.")
    if app.fee_type_id is None:
        yield "cost", _("Choose the project fee type.")


# --- engineers ----------------------------------------------------------------------------------------


@rule("engineers.applicant", level=ERROR, section="engineers")
def applicant_present(facts: FormFacts):
    """The applicant (the engineer who started the application) is one of its engineers."""
    engineers = facts.rows("engineers")
    creator_member = facts.app.created_by.member_id
    if not any(e.is_applicant and e.member_id == creator_member for e in engineers):
        yield _("The applicant must be one of the engineers. Add yourself as an engineer.")


@rule("engineers.standing", level=ERROR, section="engineers")
def engineers_in_good_standing(facts: FormFacts):
    """Every engineer is an active member with dues paid, on the day of saving."""
    for engineer in facts.rows("engineers"):
        member = engineer.member
        if member.status != member.Status.ACTIVE:
            yield _("%(name)s (registry no %(sicil)s) is not an active member of the chamber.") % {
                "name": member.full_name,
                "sicil": member.sicil_no,
            }
        elif member.standing_problem() is not None:
            yield _("%(name)s (registry no %(sicil)s) has membership dues that are not paid up to date.") % {
                "name": member.full_name,
                "sicil": member.sicil_no,
            }


@rule("engineers.national_id_registry", level=WARNING, section="engineers")
def national_id_matches_registry(facts: FormFacts):
    """The national ID entered is the one the chamber's registry holds for the engineer."""
    for engineer in facts.rows("engineers"):
        if engineer.member.national_id and engineer.national_id != engineer.member.national_id:
            yield _(
                "The national ID number entered for %(name)s differs from the one in the chamber's registry. "
                "It must be the number inside the e-signature, or signing will fail."
            ) % {"name": engineer.member.full_name}


# --- the building and its areas -----------------------------------------------------------------------


@rule("building.storey_height", level=WARNING, section="building")
def storey_height_plausible(facts: FormFacts):
    """The building height divided by the storeys above ground is a plausible storey height."""
    building = facts.building
    if building is None or not building.storeys_above_ground or building.height is None:
        return
    average = (building.height / building.storeys_above_ground).quantize(Decimal("0.01"))
    if average < STOREY_HEIGHT_MIN or average > STOREY_HEIGHT_MAX:
        yield _(
            "A height of %(height)s m over %(storeys)s storeys above ground gives %(average)s m per storey; "
            "usual storey heights are %(low)s–%(high)s m. Check the height and the number of storeys."
        ) % {
            "height": _n(building.height),
            "storeys": building.storeys_above_ground,
            "average": _n(average),
            "low": _n(STOREY_HEIGHT_MIN),
            "high": _n(STOREY_HEIGHT_MAX),
        }


@rule("values.positive", level=ERROR, section="title_deeds")
def areas_positive(facts: FormFacts):
    """Parcel, subject and building areas and soil values are greater than zero."""
    for index, deed in enumerate(facts.rows("title_deeds"), start=1):
        if deed.area is None or deed.area <= 0:
            yield _("Title deed %(n)s: the area must be greater than zero.") % {"n": index}
    for index, subject in enumerate(facts.rows("subjects"), start=1):
        if subject.area is None or subject.area <= 0:
            yield "subjects", _("Project subject %(n)s: the area must be greater than zero.") % {"n": index}
    if facts.building is not None and (facts.building.total_area or 0) <= 0:
        yield "building", _("The total construction area must be greater than zero.")
    for index, data in enumerate(facts.rows("foundation_data"), start=1):
        if (data.allowable_soil_stress or 0) <= 0 or (data.subgrade_modulus or 0) <= 0:
            yield (
                "foundation_data",
                _(
                    "Foundation data %(n)s: the allowable soil stress and the subgrade modulus must be "
                    "greater than zero."
                )
                % {"n": index},
            )


@rule("subjects.area_sum", level=WARNING, section="subjects")
def subject_areas_add_up(facts: FormFacts):
    """The project subjects' areas add up to the building's total construction area."""
    subjects = facts.rows("subjects")
    building = facts.building
    if not subjects or building is None or not building.total_area:
        return
    total = sum((s.area or Decimal(0) for s in subjects), Decimal(0))
    tolerance = max(AREA_TOLERANCE_MIN, building.total_area * AREA_TOLERANCE_RATIO)
    if abs(total - building.total_area) > tolerance:
        yield _(
            "The project subjects add up to %(sum)s m², but the total construction area in "
            "“Building Information” is %(total)s m². Check the areas."
        ) % {"sum": _n(total), "total": _n(building.total_area)}


@rule("subjects.floors", level=WARNING, section="subjects")
def subject_floors_within_building(facts: FormFacts):
    """No project subject has more floors than the building has storeys."""
    building = facts.building
    if building is None:
        return
    for index, subject in enumerate(facts.rows("subjects"), start=1):
        if subject.floor_count and subject.floor_count > building.storeys:
            yield _(
                "Project subject %(n)s has %(floors)s floors, but the building has %(storeys)s storeys "
                "in all."
            ) % {"n": index, "floors": subject.floor_count, "storeys": building.storeys}


# --- existing buildings and documents -----------------------------------------------------------------


@rule("existing_materials.required", level=ERROR, section="existing_materials")
def existing_materials_for_existing_buildings(facts: FormFacts):
    """Work on an existing building (addition, retrofit …) describes the existing materials."""
    work_type = facts.app.work_type
    if (
        work_type is not None
        and work_type.involves_existing_building
        and not facts.rows("existing_materials")
    ):
        yield _(
            "The work type “%(work_type)s” concerns an existing building: fill in "
            "“Existing Material Information”."
        ) % {"work_type": work_type.name}


@rule("documents.required", level=ERROR, section="documents")
def required_documents_present(facts: FormFacts):
    """Every document type the work type requires has a file (Documents step)."""
    for document_type in facts.missing_document_types:
        yield _(
            "The document “%(document)s” is required for this work type; upload it in the Documents step."
        ) % {"document": document_type.name}


# --- coefficients -------------------------------------------------------------------------------------


@rule("coefficients.code", level=ERROR, section="coefficients")
def coefficients_belong_to_code(facts: FormFacts):
    """Each coefficient, and its chosen value, belongs to the application's earthquake code."""
    code = facts.app.earthquake_code
    if code is None:
        return
    for row in facts.rows("coefficients"):
        kind_codes = {c.pk for c in row.kind.earthquake_codes.all()}
        if code.pk not in kind_codes or (row.option_id and row.option.earthquake_code_id != code.pk):
            yield _(
                "The coefficient “%(kind)s” does not belong to %(code)s. Delete it or choose it again."
            ) % {"kind": row.kind.name, "code": code.name}


@rule("coefficients.range", level=ERROR, section="coefficients")
def coefficients_within_range(facts: FormFacts):
    """A coefficient entered as a number lies within the range set for it."""
    for row in facts.rows("coefficients"):
        kind = row.kind
        if row.value is None:
            continue
        if (kind.min_value is not None and row.value < kind.min_value) or (
            kind.max_value is not None and row.value > kind.max_value
        ):
            yield _("%(kind)s = %(value)s is outside the accepted range %(min)s–%(max)s.") % {
                "kind": kind.symbol or kind.name,
                "value": _n(row.value),
                "min": _n(kind.min_value) if kind.min_value is not None else "…",
                "max": _n(kind.max_value) if kind.max_value is not None else "…",
            }


@rule("coefficients.missing", level=WARNING, section="coefficients")
def coefficients_complete(facts: FormFacts):
    """Every coefficient the earthquake code asks for is given."""
    given = {row.kind_id for row in facts.rows("coefficients")}
    missing = [kind.name for kind in facts.code_kinds if kind.pk not in given]
    if missing:
        yield _("Not given yet: %(kinds)s.") % {"kinds": ", ".join(missing)}


# --- load-bearing system and ductility ----------------------------------------------------------------


@rule("superstructure.no_factor", level=ERROR, section="superstructure")
def superstructure_allowed(facts: FormFacts):
    """The code gives R and D for the chosen system at the chosen ductility level."""
    code = facts.app.earthquake_code
    if code is None:
        return
    for row in facts.rows("superstructure"):
        if facts.factor(row.system_id, row.ductility_level_id) is None:
            yield _(
                "%(direction)s: %(code)s does not define the system “%(system)s” with “%(level)s”. "
                "Choose another ductility level or system."
            ) % {
                "direction": row.get_direction_display(),
                "code": code.name,
                "system": row.system.name,
                "level": row.ductility_level.name,
            }


@rule("superstructure.r_above_code", level=ERROR, section="superstructure")
def r_not_above_code(facts: FormFacts):
    """The behaviour factor R used is not larger than the code allows for the system."""
    for row in facts.rows("superstructure"):
        factor = facts.factor(row.system_id, row.ductility_level_id)
        if factor is not None and row.r > factor.r:
            yield _(
                "%(direction)s: R = %(r)s is larger than the R = %(code_r)s that the code gives for this "
                "system and ductility level (%(clause)s)."
            ) % {
                "direction": row.get_direction_display(),
                "r": _n(row.r),
                "code_r": _n(factor.r),
                "clause": factor.clause or "—",
            }


@rule("superstructure.factors_differ", level=WARNING, section="superstructure")
def factors_as_in_code(facts: FormFacts):
    """R (when smaller) and D differ from the code's values for the system."""
    for row in facts.rows("superstructure"):
        factor = facts.factor(row.system_id, row.ductility_level_id)
        if factor is None:
            continue
        if row.r < factor.r:
            yield _(
                "%(direction)s: R = %(r)s is smaller than the code's R = %(code_r)s (on the safe side)."
            ) % {"direction": row.get_direction_display(), "r": _n(row.r), "code_r": _n(factor.r)}
        if factor.d is None and row.d is not None:
            yield _("%(direction)s: this code has no overstrength factor D, but D = %(d)s was entered.") % {
                "direction": row.get_direction_display(),
                "d": _n(row.d),
            }
        elif factor.d is not None and row.d != factor.d:
            yield _("%(direction)s: D = %(d)s differs from the code's D = %(code_d)s.") % {
                "direction": row.get_direction_display(),
                "d": _n(row.d) if row.d is not None else "—",
                "code_d": _n(factor.d),
            }


@rule("superstructure.ductility", level=ERROR, section="superstructure")
def ductility_consistent(facts: FormFacts):
    """Each direction's ductility level agrees with “Ductility Level” (any, when that is mixed)."""
    ductility = facts.ductility
    if ductility is None or ductility.ductility_level.code == "mixed":
        return
    for row in facts.rows("superstructure"):
        if row.ductility_level_id != ductility.ductility_level_id:
            yield _(
                "%(direction)s uses “%(row_level)s”, but “Ductility Level” says “%(level)s”. "
                "Make them agree (or choose the mixed ductility level)."
            ) % {
                "direction": row.get_direction_display(),
                "row_level": row.ductility_level.name,
                "level": ductility.ductility_level.name,
            }


@rule("superstructure.directions", level=WARNING, section="superstructure")
def both_directions(facts: FormFacts):
    """The load-bearing system is given for both directions (X and Y)."""
    rows = facts.rows("superstructure")
    if len(rows) == 1:
        yield _("Only the %(direction)s is given. Add the load-bearing system of the other direction.") % {
            "direction": rows[0].get_direction_display()
        }


@rule("features.contradiction", level=ERROR, section="system_features")
def features_consistent(facts: FormFacts):
    """“No irregularity” is not ticked together with an irregularity."""
    features = [row.feature for row in facts.rows("system_features")]
    regular = [f for f in features if f.code == NO_IRREGULARITY]
    irregular = [
        f
        for f in features
        if f.group in (catalog.SystemFeature.Group.PLAN, catalog.SystemFeature.Group.VERTICAL)
    ]
    if regular and irregular:
        yield _(
            "“%(regular)s” is ticked together with irregularities (%(list)s). Untick one or the other."
        ) % {"regular": regular[0].name, "list": ", ".join(f.name for f in irregular)}


# --- foundation -----------------------------------------------------------------------------------------


@rule("foundation_data.groundwater", level=WARNING, section="foundation_data")
def groundwater_below_foundation(facts: FormFacts):
    """Groundwater above the foundation level is pointed out (buoyancy, waterproofing)."""
    for index, data in enumerate(facts.rows("foundation_data"), start=1):
        if data.no_groundwater or data.groundwater_depth is None:
            continue
        if data.groundwater_depth < data.foundation_depth:
            yield _(
                "Foundation data %(n)s: groundwater at %(water)s m is above the foundation depth of "
                "%(depth)s m. Make sure uplift and waterproofing are considered."
            ) % {"n": index, "water": _n(data.groundwater_depth), "depth": _n(data.foundation_depth)}


# --- reference values -----------------------------------------------------------------------------------


def _catalog_values(row: Model) -> Iterable[Model]:
    for field in row._meta.concrete_fields:
        if field.is_relation and field.related_model._meta.app_label == "catalog":
            value = getattr(row, field.name)
            if value is not None:
                yield value


@rule("catalog.retired", level=WARNING, section="building")
def no_retired_values(facts: FormFacts):
    """No value the chamber has retired from its lists is used (e.g. in a copy of an old application)."""
    app = facts.app
    for section in SECTIONS:
        if section.key == "engineers":
            continue
        for row in section.rows(app):
            for value in _catalog_values(row):
                if getattr(value, "is_active", True) is False:
                    yield (
                        section.key,
                        _("“%(value)s” is no longer offered in the lists. Choose another value.")
                        % {"value": value.name},
                    )
    for value, key in (
        (app.work_type, "building"),
        (app.earthquake_code, "coefficients"),
        (app.fee_type, "cost"),
    ):
        if value is not None and not value.is_active:
            yield (
                key,
                _("“%(value)s” is no longer offered in the lists. Choose another value.")
                % {"value": value.name},
            )
