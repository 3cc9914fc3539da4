"""Steps 9-16: materials, coefficients, system features, load-bearing system, ductility, slabs,
foundations and foundation data."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evize.catalog import models as catalog
from evize.catalog.selectors import (
    coefficient_kinds_for,
    coefficient_options,
    ductility_levels_for,
    options_for,
    superstructure_factors,
)

from ..models import (
    Coefficient,
    Direction,
    Ductility,
    ExistingMaterial,
    Foundation,
    FoundationData,
    Material,
    Slab,
    Superstructure,
)
from ..numbers import format_decimal
from .base import SectionForm
from .fields import TurkishDecimalField

MATERIAL_CATALOG = {
    "structural_element": catalog.StructuralElement,
    "concrete_class": catalog.ConcreteClass,
    "reinforcing_steel": catalog.ReinforcingSteel,
    "structural_steel": catalog.StructuralSteel,
}


class MaterialForm(SectionForm):
    catalog_fields = MATERIAL_CATALOG

    class Meta:
        model = Material
        fields = ["structural_element", "concrete_class", "reinforcing_steel", "structural_steel"]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(n) for n in ("concrete_class", "reinforcing_steel", "structural_steel")):
            raise ValidationError(
                _("Choose at least one material: concrete, reinforcing steel or structural steel.")
            )
        return cleaned


class ExistingMaterialForm(SectionForm):
    catalog_fields = MATERIAL_CATALOG
    concrete_strength = TurkishDecimalField(
        label=_("Measured concrete strength (MPa)"),
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=0,
        min_exclusive=True,
        max_value=150,
        unit="MPa",
        help_text=_("From the core tests of the existing-material report, if known."),
    )

    class Meta:
        model = ExistingMaterial
        fields = [
            "structural_element",
            "concrete_class",
            "concrete_strength",
            "reinforcing_steel",
            "structural_steel",
            "note",
        ]

    def clean(self):
        cleaned = super().clean()
        keys = ("concrete_class", "concrete_strength", "reinforcing_steel", "structural_steel")
        if not any(cleaned.get(n) is not None for n in keys):
            raise ValidationError(
                _(
                    "Enter at least one finding: concrete class or strength, reinforcing steel or "
                    "structural steel."
                )
            )
        return cleaned


class CoefficientForm(SectionForm):
    """A coefficient of the application's earthquake code: chosen from its options, or a number
    within the range the chamber set for it."""

    refresh_fields = {"kind": ("option", "value")}
    value = TurkishDecimalField(label=_("Value"), max_digits=10, decimal_places=4, required=False)

    class Meta:
        model = Coefficient
        fields = ["kind", "option", "value"]
        labels = {"kind": _("Coefficient"), "option": _("Chosen value")}

    def setup(self) -> None:
        code = self.application.earthquake_code
        self.earthquake_code = code
        taken = Coefficient.objects.filter(application=self.application).exclude(pk=self.instance.pk)
        allowed = set(coefficient_kinds_for(code).values_list("pk", flat=True)) if code else set()
        if self.instance.kind_id:
            allowed.add(self.instance.kind_id)
        self.fields["kind"].queryset = catalog.CoefficientKind.objects.filter(pk__in=allowed).exclude(
            pk__in=taken.values("kind_id")
        )
        self.kind = self.current_item("kind", catalog.CoefficientKind)
        if self.kind is None or code is None:
            del self.fields["option"]
            del self.fields["value"]
            return
        if self.kind.input_type == catalog.CoefficientKind.InputType.CHOICE:
            del self.fields["value"]
            self.fields["option"].queryset = coefficient_options(
                code, self.kind, include=self.instance.option_id
            )
            self.fields["option"].required = True
        else:
            del self.fields["option"]
            value = self.fields["value"]
            value.required = True
            value.min_value, value.max_value = self.kind.min_value, self.kind.max_value
            value.unit = self.kind.unit
            value.label = f"{self.kind.symbol or self.kind.name}" + (
                f" ({self.kind.unit})" if self.kind.unit else ""
            )
            if self.kind.min_value is not None and self.kind.max_value is not None:
                value.help_text = _("Between %(min)s and %(max)s.") % {
                    "min": format_decimal(self.kind.min_value),
                    "max": format_decimal(self.kind.max_value),
                }

    def clean(self):
        cleaned = super().clean()
        if self.earthquake_code is None:
            raise ValidationError(_("Choose the earthquake code of the project first (above the table)."))
        return cleaned

    def save(self, commit=True):
        row = super().save(commit=False)
        if "option" not in self.fields:
            row.option = None
        if "value" not in self.fields:
            row.value = None
        if commit:
            row.save()
        return row


class SystemFeaturesForm(forms.Form):
    """Sistem Özellikleri: tick the boxes that apply."""

    features = forms.ModelMultipleChoiceField(
        label=_("System features"),
        queryset=catalog.SystemFeature.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one box (or “no irregularity”).")},
    )

    def __init__(self, *args, application, refresh_url=None, instance=None, **kwargs):
        self.application = application
        chosen = list(application.feature_choices.values_list("feature_id", flat=True))
        kwargs.setdefault("initial", {}).setdefault("features", chosen)
        super().__init__(*args, **kwargs)
        self.fields["features"].queryset = options_for(catalog.SystemFeature, include=chosen)
        self.fields["features"].label_from_instance = lambda obj: obj.name


class SuperstructureForm(SectionForm):
    catalog_fields = {"system": catalog.SuperstructureSystem, "ductility_level": catalog.DuctilityLevel}
    refresh_fields = {"system": ("ductility_level", "r", "d"), "ductility_level": ("r", "d")}

    r = TurkishDecimalField(
        label=_("Behaviour factor R"), max_digits=4, decimal_places=2, min_value=Decimal("0.5"), max_value=10
    )
    d = TurkishDecimalField(
        label=_("Overstrength factor D"),
        max_digits=4,
        decimal_places=2,
        min_value=1,
        max_value=5,
        required=False,
    )

    class Meta:
        model = Superstructure
        fields = ["direction", "system", "ductility_level", "r", "d"]

    def setup(self) -> None:
        taken = set(
            Superstructure.objects.filter(application=self.application)
            .exclude(pk=self.instance.pk)
            .values_list("direction", flat=True)
        )
        self.fields["direction"].choices = [("", _("Choose…"))] + [
            (value, label) for value, label in Direction.choices if value not in taken
        ]
        code = self.application.earthquake_code
        system = self.current_item("system", catalog.SuperstructureSystem)
        if code is not None and system is not None:
            allowed = set(ductility_levels_for(code, system).values_list("pk", flat=True))
            if allowed:
                if self.instance.ductility_level_id:
                    allowed.add(self.instance.ductility_level_id)
                self.fields["ductility_level"].queryset = catalog.DuctilityLevel.objects.filter(
                    pk__in=allowed
                )
        level = self.current_item("ductility_level", catalog.DuctilityLevel)
        self.factor = superstructure_factors(code, system, level) if code and system else None
        if self.factor is not None:
            text = f"R = {format_decimal(self.factor.r)}"
            if self.factor.d is not None:
                text += f", D = {format_decimal(self.factor.d)}"
            self.fields["r"].help_text = _("%(code)s gives %(values)s for this system (%(clause)s).") % {
                "code": code.name,
                "values": text,
                "clause": self.factor.clause or "—",
            }

    def prefill_factors(self) -> None:
        """On a refresh after choosing the system or the ductility level: take R and D from the code."""
        if self.factor is not None:
            self.initial["r"] = self.factor.r
            self.initial["d"] = self.factor.d


class DuctilityForm(SectionForm):
    catalog_fields = {"ductility_level": catalog.DuctilityLevel}

    class Meta:
        model = Ductility
        fields = ["ductility_level", "note"]


class SlabForm(SectionForm):
    catalog_fields = {"slab_system": catalog.SlabSystem}
    thickness = TurkishDecimalField(
        label=_("Slab thickness (cm)"),
        max_digits=5,
        decimal_places=1,
        required=False,
        min_value=5,
        max_value=200,
        unit="cm",
    )

    class Meta:
        model = Slab
        fields = ["slab_system", "thickness", "floors"]


class FoundationForm(SectionForm):
    catalog_fields = {"foundation_system": catalog.FoundationSystem}

    class Meta:
        model = Foundation
        fields = ["foundation_system", "note"]


class FoundationDataForm(SectionForm):
    refresh_fields = {"no_groundwater": ("groundwater_depth",)}

    allowable_soil_stress = TurkishDecimalField(
        label=_("Allowable soil stress (kN/m²)"),
        max_digits=8,
        decimal_places=2,
        min_value=0,
        min_exclusive=True,
        max_value=100_000,
        unit="kN/m²",
    )
    subgrade_modulus = TurkishDecimalField(
        label=_("Modulus of subgrade reaction (kN/m³)"),
        max_digits=10,
        decimal_places=1,
        min_value=0,
        min_exclusive=True,
        max_value=10_000_000,
        unit="kN/m³",
    )
    foundation_depth = TurkishDecimalField(
        label=_("Foundation depth (m)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        unit="m",
        help_text=_("Below the natural ground level."),
    )
    groundwater_depth = TurkishDecimalField(
        label=_("Groundwater depth (m)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=500,
        unit="m",
        required=False,
        help_text=_("Below the natural ground level."),
    )

    class Meta:
        model = FoundationData
        fields = [
            "part",
            "allowable_soil_stress",
            "subgrade_modulus",
            "foundation_depth",
            "no_groundwater",
            "groundwater_depth",
            "soil_report",
        ]
        labels = {
            "no_groundwater": _("No groundwater was found"),
            "soil_report": _("Soil investigation report (title, date, author)"),
            "part": _("Building part (if the values differ by part)"),
        }

    def setup(self) -> None:
        no_water = self.current("no_groundwater")
        if no_water not in (None, False, "", "0", "false", "False"):
            self.fields["groundwater_depth"].disabled = True
            self.fields["groundwater_depth"].help_text = _("Not needed: no groundwater was found.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("no_groundwater"):
            if cleaned.get("groundwater_depth") is None and "groundwater_depth" not in self.errors:
                self.add_error(
                    "groundwater_depth", _("Enter the groundwater depth, or tick “No groundwater was found”.")
                )
        return cleaned

    def save(self, commit=True):
        row = super().save(commit=False)
        if row.no_groundwater:
            row.groundwater_depth = None
        if commit:
            row.save()
        return row
