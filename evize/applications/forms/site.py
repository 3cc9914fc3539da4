"""Steps 5-8: the building, its title deeds / parcels, the project records and subjects."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evize.catalog import models as catalog
from evize.catalog.selectors import municipalities_for, options_for, villages_for

from ..models import Building, ProjectRecord, ProjectSubject, TitleDeed
from .base import SectionForm
from .fields import TurkishDecimalField

CHOOSE_DISTRICT_FIRST = _("Choose the district first")


def area_field(label) -> TurkishDecimalField:
    return TurkishDecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        min_exclusive=True,
        max_value=10_000_000,
        unit="m²",
    )


class PlaceMixin:
    """District → village / quarter (and municipality): the lists follow the chosen district."""

    def setup_place(self) -> None:
        district = self.current_item("district", catalog.District)
        village = self.fields["village"]
        if district is None:
            village.queryset = catalog.Village.objects.none()
            village.empty_label = CHOOSE_DISTRICT_FIRST
        else:
            village.queryset = villages_for(district, include=self.instance.village_id)
        if "municipality" in self.fields:
            self.fields["municipality"].queryset = municipalities_for(
                district, include=self.instance.municipality_id
            )


class BuildingForm(PlaceMixin, SectionForm):
    catalog_fields = {"district": catalog.District, "building_class": catalog.BuildingClass}
    refresh_fields = {"district": ("village", "municipality")}

    work_type = forms.ModelChoiceField(label=_("Work type"), queryset=catalog.WorkType.objects.none())
    total_area = area_field(_("Total construction area (m²)"))
    height = TurkishDecimalField(
        label=_("Building height (m)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        min_exclusive=True,
        max_value=1000,
        unit="m",
    )
    basement_storeys = forms.IntegerField(label=_("Basement storeys"), min_value=0, max_value=20, initial=0)
    storeys_above_ground = forms.IntegerField(label=_("Storeys above ground"), min_value=1, max_value=200)
    independent_units = forms.IntegerField(label=_("Independent units"), min_value=0, max_value=10_000)

    class Meta:
        model = Building
        fields = [
            "district",
            "village",
            "municipality",
            "address",
            "owners",
            "building_name",
            "basement_storeys",
            "storeys_above_ground",
            "total_area",
            "height",
            "building_class",
            "independent_units",
        ]

    field_order = ["work_type", *Meta.fields]

    def setup(self) -> None:
        self.fields["work_type"].queryset = options_for(
            catalog.WorkType, include=self.application.work_type_id
        )
        if not self.is_bound and "work_type" not in self.initial:
            self.initial["work_type"] = self.application.work_type_id
        self.setup_place()


class TitleDeedForm(PlaceMixin, SectionForm):
    catalog_fields = {"district": catalog.District}
    refresh_fields = {"district": ("village",)}

    area = area_field(_("Area (m²)"))

    class Meta:
        model = TitleDeed
        fields = ["district", "village", "sheet_map", "block", "parcel", "title_deed_no", "area", "owner"]
        labels = {
            "sheet_map": _("Sheet / map (pafta / harita)"),
            "block": _("Block (ada)"),
            "parcel": _("Parcel (parsel)"),
            "title_deed_no": _("Title deed no (koçan no)"),
        }

    def setup(self) -> None:
        self.setup_place()


class ProjectRecordForm(SectionForm):
    catalog_fields = {"project_type": catalog.ProjectType}
    sheet_count = forms.IntegerField(label=_("Number of sheets"), min_value=1, max_value=9999)

    class Meta:
        model = ProjectRecord
        fields = ["project_type", "description", "sheet_count", "architect"]


class ProjectSubjectForm(SectionForm):
    catalog_fields = {
        "building_characteristic": catalog.BuildingCharacteristic,
        "purpose_of_use": catalog.PurposeOfUse,
    }
    floor_count = forms.IntegerField(label=_("Number of floors"), min_value=1, max_value=200)
    area = area_field(_("Area (m²)"))
    unit_count = forms.IntegerField(label=_("Number of units"), min_value=0, max_value=10_000)

    class Meta:
        model = ProjectSubject
        fields = ["building_characteristic", "purpose_of_use", "floor_count", "area", "unit_count"]
