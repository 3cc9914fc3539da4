"""The sections of the application form, in the guide's order (steps 4-16); step 17 (cost and fee
type) and step 19 (note) are single fields on the application, see forms/single.py."""

from __future__ import annotations

from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import forms as f
from ..models import (
    ApplicationEngineer,
    Building,
    Coefficient,
    Ductility,
    ExistingMaterial,
    Foundation,
    FoundationData,
    Material,
    ProjectRecord,
    ProjectSubject,
    Slab,
    Superstructure,
    SystemFeatureChoice,
    TitleDeed,
)
from ..numbers import format_decimal
from .base import ROWS, SET, SINGLE, Column, Section, item, number, text

MAX_ENGINEERS = 2


def _write_engineer(application, form) -> ApplicationEngineer:
    row = form.save(commit=False)
    row.application = application
    row.member = form.member
    if row.pk is None:
        last = application.engineers.aggregate(last=Max("position"))["last"] or 0
        row.position = last + 1
    row.save()
    return row


def _write_building(application, form) -> Building:
    row = form.save(commit=False)
    row.application = application
    row.save()
    application.work_type = form.cleaned_data["work_type"]
    application.save(update_fields=["work_type", "updated_at"])
    return row


def _write_features(application, form) -> list:
    chosen = {feature.pk for feature in form.cleaned_data["features"]}
    SystemFeatureChoice.objects.filter(application=application).exclude(feature_id__in=chosen).delete()
    existing = set(
        SystemFeatureChoice.objects.filter(application=application).values_list("feature_id", flat=True)
    )
    SystemFeatureChoice.objects.bulk_create(
        SystemFeatureChoice(application=application, feature_id=pk) for pk in sorted(chosen - existing)
    )
    return sorted(chosen)


def _engineer_role(row) -> str:
    return str(_("Applicant")) if row.is_applicant else str(_("Second engineer"))


def _office(row) -> str:
    if not row.works_as_office:
        return ""
    return " · ".join(v for v in (row.office_name, row.office_tax_no, row.office_registration_no) if v)


def _coefficient_value(row) -> str:
    if row.option_id:
        return row.option.name
    if row.value is not None:
        unit = f"\u00a0{row.kind.unit}" if row.kind.unit else ""
        return f"{format_decimal(row.value)}{unit}"
    return ""


def _groundwater(row) -> str:
    if row.no_groundwater:
        return str(_("none"))
    return number("groundwater_depth", "m")(row)


SECTIONS: tuple[Section, ...] = (
    Section(
        key="engineers",
        title=_("Engineers"),
        step="4",
        form_class=f.EngineerForm,
        model=ApplicationEngineer,
        related_name="engineers",
        max_rows=MAX_ENGINEERS,
        writer=_write_engineer,
        can_delete=lambda row: not row.is_applicant,
        dialog_template="applications/dialogs/_engineer_form.html",
        intro=_(
            "Add the engineer by registry number; the name fills in automatically. "
            "With “New” in the window you can add a second engineer."
        ),
        columns=(
            Column(_("Registry no"), lambda r: r.member.sicil_no),
            Column(_("Name"), lambda r: r.member.full_name),
            Column(_("Role"), _engineer_role),
            Column(_("E-mail"), text("email")),
            Column(_("Phone"), text("phone")),
            Column(pgettext_lazy("engineer", "Office"), _office),
        ),
    ),
    Section(
        key="building",
        title=_("Building Information"),
        step="5",
        form_class=f.BuildingForm,
        model=Building,
        related_name="building",
        mode=SINGLE,
        writer=_write_building,
        columns=(
            Column(_("Work type"), lambda r: r.application.work_type.name if r.application.work_type else ""),
            Column(_("District"), item("district")),
            Column(_("Village / quarter"), item("village")),
            Column(_("Municipality"), item("municipality")),
            Column(_("Address"), text("address")),
            Column(_("Owner(s)"), text("owners")),
            Column(_("Building name"), text("building_name")),
            Column(
                _("Storeys (basement + above ground)"),
                lambda r: f"{r.basement_storeys} + {r.storeys_above_ground}",
            ),
            Column(_("Total construction area"), number("total_area", "m²", 2), numeric=True),
            Column(_("Height"), number("height", "m"), numeric=True),
            Column(_("Building class"), item("building_class")),
            Column(_("Independent units"), text("independent_units"), numeric=True),
        ),
    ),
    Section(
        key="title_deeds",
        title=_("Title Deed and Land Information"),
        step="6",
        form_class=f.TitleDeedForm,
        model=TitleDeed,
        related_name="title_deeds",
        max_rows=100,
        intro=_("If there is more than one title deed or parcel, add each with “+ Add new record”."),
        columns=(
            Column(_("District"), item("district")),
            Column(_("Village / quarter"), item("village")),
            Column(_("Sheet / map"), text("sheet_map")),
            Column(_("Block"), text("block")),
            Column(_("Parcel"), text("parcel")),
            Column(_("Title deed no"), text("title_deed_no")),
            Column(_("Area"), number("area", "m²", 2), numeric=True),
            Column(_("Owner"), text("owner")),
        ),
    ),
    Section(
        key="project_records",
        title=_("Project Information"),
        step="7",
        form_class=f.ProjectRecordForm,
        model=ProjectRecord,
        related_name="project_records",
        max_rows=50,
        columns=(
            Column(_("Project type"), item("project_type")),
            Column(_("Description"), text("description")),
            Column(_("Sheets"), text("sheet_count"), numeric=True),
            Column(_("Architect"), text("architect")),
        ),
    ),
    Section(
        key="subjects",
        title=_("Project Subject"),
        step="8",
        form_class=f.ProjectSubjectForm,
        model=ProjectSubject,
        related_name="subjects",
        max_rows=100,
        intro=_("Choose the building characteristic and the purpose of use from the lists."),
        columns=(
            Column(_("Building characteristic"), item("building_characteristic")),
            Column(_("Purpose of use"), item("purpose_of_use")),
            Column(_("Floors"), text("floor_count"), numeric=True),
            Column(_("Area"), number("area", "m²", 2), numeric=True),
            Column(_("Units"), text("unit_count"), numeric=True),
        ),
    ),
    Section(
        key="materials",
        title=_("Material Information"),
        step="9",
        form_class=f.MaterialForm,
        model=Material,
        related_name="materials",
        max_rows=50,
        columns=(
            Column(_("Structural element"), item("structural_element")),
            Column(_("Concrete class"), item("concrete_class")),
            Column(_("Reinforcing steel"), item("reinforcing_steel")),
            Column(_("Structural steel"), item("structural_steel")),
        ),
    ),
    Section(
        key="existing_materials",
        title=_("Existing Material Information"),
        step="10",
        form_class=f.ExistingMaterialForm,
        model=ExistingMaterial,
        related_name="existing_materials",
        max_rows=50,
        required=False,
        intro=_(
            "For additions, alterations, retrofits and other work on an existing building. "
            "Upload the existing-material report in the Documents step."
        ),
        columns=(
            Column(_("Structural element"), item("structural_element")),
            Column(_("Concrete class"), item("concrete_class")),
            Column(_("Measured strength"), number("concrete_strength", "MPa"), numeric=True),
            Column(_("Reinforcing steel"), item("reinforcing_steel")),
            Column(_("Structural steel"), item("structural_steel")),
            Column(_("Note"), text("note")),
        ),
    ),
    Section(
        key="coefficients",
        title=_("Coefficients Used in the Project"),
        step="11",
        form_class=f.CoefficientForm,
        model=Coefficient,
        related_name="coefficients",
        max_rows=50,
        intro=_("Choose the earthquake code, then add each coefficient and pick its value from the list."),
        columns=(
            Column(
                _("Coefficient"),
                lambda r: f"{r.kind.name} ({r.kind.symbol})" if r.kind.symbol else r.kind.name,
            ),
            Column(_("Value"), _coefficient_value),
        ),
    ),
    Section(
        key="system_features",
        title=_("System Features"),
        step="12",
        form_class=f.SystemFeaturesForm,
        model=SystemFeatureChoice,
        related_name="feature_choices",
        mode=SET,
        writer=_write_features,
        intro=_("Tick the box or boxes that apply to the load-bearing system."),
        columns=(Column(_("System feature"), lambda r: r.feature.name),),
    ),
    Section(
        key="superstructure",
        title=_("Superstructure Load-Bearing System"),
        step="13",
        form_class=f.SuperstructureForm,
        model=Superstructure,
        related_name="superstructures",
        max_rows=2,
        intro=_("One row per direction. R and D are filled in from the earthquake code's table."),
        columns=(
            Column(_("Direction"), lambda r: r.get_direction_display()),
            Column(_("Load-bearing system"), item("system")),
            Column(_("Ductility level"), item("ductility_level")),
            Column(pgettext_lazy("factor", "R"), number("r"), numeric=True),
            Column(pgettext_lazy("factor", "D"), number("d"), numeric=True),
        ),
    ),
    Section(
        key="ductility",
        title=_("Ductility Level"),
        step="14",
        form_class=f.DuctilityForm,
        model=Ductility,
        related_name="ductility",
        mode=SINGLE,
        columns=(
            Column(_("Ductility level"), item("ductility_level")),
            Column(_("Explanation"), text("note")),
        ),
    ),
    Section(
        key="slabs",
        title=_("Slab System"),
        step="15",
        form_class=f.SlabForm,
        model=Slab,
        related_name="slabs",
        max_rows=30,
        columns=(
            Column(_("Slab system"), item("slab_system")),
            Column(_("Thickness"), number("thickness", "cm"), numeric=True),
            Column(_("Floors where used"), text("floors")),
        ),
    ),
    Section(
        key="foundations",
        title=_("Foundation System"),
        step="15",
        form_class=f.FoundationForm,
        model=Foundation,
        related_name="foundations",
        max_rows=30,
        columns=(
            Column(_("Foundation system"), item("foundation_system")),
            Column(_("Explanation"), text("note")),
        ),
    ),
    Section(
        key="foundation_data",
        title=_("Foundation System Data"),
        step="16",
        form_class=f.FoundationDataForm,
        model=FoundationData,
        related_name="foundation_data",
        max_rows=30,
        columns=(
            Column(_("Building part"), text("part")),
            Column(_("Allowable soil stress"), number("allowable_soil_stress", "kN/m²"), numeric=True),
            Column(_("Subgrade modulus"), number("subgrade_modulus", "kN/m³"), numeric=True),
            Column(_("Foundation depth"), number("foundation_depth", "m"), numeric=True),
            Column(_("Groundwater depth"), _groundwater, numeric=True),
            Column(_("Soil report"), text("soil_report")),
        ),
    ),
)

BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}

COST_SECTION_KEY = "cost"
COST_SECTION_TITLE = _("Total Construction Cost and Project Fee")
NOTE_SECTION_KEY = "note"


def get_section(key: str) -> Section:
    try:
        return BY_KEY[key]
    except KeyError:
        raise Http404 from None


def section_title(key: str) -> str:
    """The title of a section key, including the two single-field sections."""
    if key in BY_KEY:
        return str(BY_KEY[key].title)
    return str({COST_SECTION_KEY: COST_SECTION_TITLE, NOTE_SECTION_KEY: _("Notes")}.get(key, key))


__all__ = ["ROWS", "SECTIONS", "SET", "SINGLE", "Column", "Section", "get_section", "section_title"]
