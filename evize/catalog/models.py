"""Reference lists (katalog) that the application form chooses from.

Every list is data the chamber edits in the admin, not code. Each item has a stable `code`, a
Turkish and an English name, an `is_active` flag and a `sort_order`. Retiring a value means
unticking `is_active`: it disappears from new choices but stays readable on old applications.
Items are never deleted while something refers to them (every foreign key is PROTECT).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

IS_ACTIVE_HELP = _(
    "Untick to retire this value: it is no longer offered on new applications, but stays readable "
    "on the applications that already use it. A value in use cannot be deleted; retire it instead."
)


class CatalogItem(models.Model):
    """What every reference list item has in common."""

    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("A short, stable identifier (lowercase letters, digits and hyphens). Do not change it."),
    )
    name_tr = models.CharField(_("name (Turkish)"), max_length=250)
    name_en = models.CharField(_("name (English)"), max_length=250, blank=True)
    is_active = models.BooleanField(_("active"), default=True, db_index=True, help_text=IS_ACTIVE_HELP)
    sort_order = models.PositiveIntegerField(
        _("sort order"), default=0, help_text=_("Smaller numbers come first in the lists.")
    )

    class Meta:
        abstract = True
        ordering = ["sort_order", "name_tr"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Turkish when there is no English name)."""
        language = (get_language() or "tr").lower()
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name_tr


# --- places ------------------------------------------------------------------------------------


class District(CatalogItem):
    """İlçe: one of the districts of Northern Cyprus."""

    class Meta(CatalogItem.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Village(CatalogItem):
    """Köy / mahalle: a village or a town quarter, within a district."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="villages"
    )

    class Meta(CatalogItem.Meta):
        verbose_name = _("village / quarter")
        verbose_name_plural = _("villages / quarters")


class Municipality(CatalogItem):
    """Belediye: the municipality that issues the building permit."""

    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="municipalities",
        null=True,
        blank=True,
        help_text=_("Leave empty for a municipality that spans more than one district."),
    )

    class Meta(CatalogItem.Meta):
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")


# --- the building and the project ----------------------------------------------------------------


class WorkType(CatalogItem):
    """İşin türü: new building, addition, alteration, retrofit …"""

    involves_existing_building = models.BooleanField(
        _("involves an existing building"),
        default=False,
        help_text=_("Ticked: the form asks for the existing materials and the existing-material report."),
    )

    class Meta(CatalogItem.Meta):
        verbose_name = _("work type")
        verbose_name_plural = _("work types")


class ProjectType(CatalogItem):
    """Proje türü."""

    class Meta(CatalogItem.Meta):
        verbose_name = _("project type")
        verbose_name_plural = _("project types")


class BuildingCharacteristic(CatalogItem):
    """Yapı özelliği (proje konusu)."""

    class Meta(CatalogItem.Meta):
        verbose_name = _("building characteristic")
        verbose_name_plural = _("building characteristics")


class PurposeOfUse(CatalogItem):
    """Kullanım amacı."""

    class Meta(CatalogItem.Meta):
        verbose_name = _("purpose of use")
        verbose_name_plural = _("purposes of use")


class BuildingClass(CatalogItem):
    """Yapı sınıfı (I.A … V.D)."""

    class Meta(CatalogItem.Meta):
        verbose_name = _("building class")
        verbose_name_plural = _("building classes")


# --- materials ---------------------------------------------------------------------------------


class StructuralElement(CatalogItem):
    """Taşıyıcı eleman: the element a material row is about (foundation, column, slab …)."""

    class Meta(CatalogItem.Meta):
        verbose_name = _("structural element")
        verbose_name_plural = _("structural elements")


class ConcreteClass(CatalogItem):
    """Beton sınıfı (TS EN 206 / TS 500)."""

    fck = models.DecimalField(
        _("characteristic cylinder strength fck (MPa)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    fck_cube = models.DecimalField(
        _("characteristic cube strength (MPa)"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    class Meta(CatalogItem.Meta):
        verbose_name = _("concrete class")
        verbose_name_plural = _("concrete classes")


class ReinforcingSteel(CatalogItem):
    """Donatı çeliği (TS 708)."""

    fyk = models.DecimalField(
        _("characteristic yield strength fyk (MPa)"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    class Meta(CatalogItem.Meta):
        verbose_name = _("reinforcing steel")
        verbose_name_plural = _("reinforcing steels")


class StructuralSteel(CatalogItem):
    """Yapı çeliği (TS EN 10025; the older St 37 / St 44 / St 52 grades of TS 648)."""

    fy = models.DecimalField(
        _("yield strength fy (MPa)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    fu = models.DecimalField(
        _("tensile strength fu (MPa)"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    class Meta(CatalogItem.Meta):
        verbose_name = _("structural steel")
        verbose_name_plural = _("structural steels")


# --- earthquake design -------------------------------------------------------------------------


class EarthquakeCode(CatalogItem):
    """Deprem yönetmeliği (TBDY 2018, DBYBHY 2007 …)."""

    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta(CatalogItem.Meta):
        verbose_name = _("earthquake code")
        verbose_name_plural = _("earthquake codes")


class CoefficientKind(CatalogItem):
    """A design coefficient the form asks for (importance factor I, local soil class, S_DS …).

    `input_type` says whether the engineer chooses one of the options or types a number; the
    kind is asked only for the earthquake codes it is linked to.
    """

    class InputType(models.TextChoices):
        CHOICE = "choice", _("Chosen from the options")
        NUMBER = "number", _("Entered as a number")

    symbol = models.CharField(_("symbol"), max_length=30, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    input_type = models.CharField(
        _("input"), max_length=10, choices=InputType.choices, default=InputType.CHOICE
    )
    min_value = models.DecimalField(
        _("smallest value"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("For numbers only: the smallest value accepted."),
    )
    max_value = models.DecimalField(
        _("largest value"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("For numbers only: the largest value accepted."),
    )
    earthquake_codes = models.ManyToManyField(
        EarthquakeCode,
        verbose_name=_("earthquake codes"),
        related_name="coefficient_kinds",
        blank=True,
        help_text=_("The earthquake codes for which the form asks this coefficient."),
    )

    class Meta(CatalogItem.Meta):
        verbose_name = _("coefficient kind")
        verbose_name_plural = _("coefficient kinds")

    def clean(self) -> None:
        super().clean()
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValidationError(
                {"max_value": _("The largest value must not be smaller than the smallest.")}
            )


class CoefficientOption(CatalogItem):
    """One choice for a coefficient under one earthquake code (e.g. TBDY 2018, I = 1.5 for BKS 1)."""

    earthquake_code = models.ForeignKey(
        EarthquakeCode,
        verbose_name=_("earthquake code"),
        on_delete=models.PROTECT,
        related_name="coefficient_options",
    )
    kind = models.ForeignKey(
        CoefficientKind, verbose_name=_("coefficient"), on_delete=models.PROTECT, related_name="options"
    )
    value = models.DecimalField(
        _("value"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("The numeric value, when the option has one (e.g. 1.5 for I = 1.5)."),
    )

    class Meta(CatalogItem.Meta):
        verbose_name = _("coefficient option")
        verbose_name_plural = _("coefficient options")
        ordering = ["kind__sort_order", "kind__name_tr", "sort_order", "name_tr"]


class SystemFeature(CatalogItem):
    """Sistem özelliği: a structural irregularity (A1 … B3) or another feature the engineer ticks."""

    class Group(models.TextChoices):
        PLAN = "plan", _("Irregularity in plan (A)")
        VERTICAL = "vertical", _("Irregularity in elevation (B)")
        OTHER = "other", _("Other feature")

    group = models.CharField(_("group"), max_length=10, choices=Group.choices, default=Group.OTHER)

    class Meta(CatalogItem.Meta):
        verbose_name = _("system feature")
        verbose_name_plural = _("system features")


class DuctilityLevel(CatalogItem):
    """Süneklik düzeyi: high, limited (2007: nominal), mixed."""

    class Meta(CatalogItem.Meta):
        verbose_name = _("ductility level")
        verbose_name_plural = _("ductility levels")


class SuperstructureSystem(CatalogItem):
    """Üst yapı taşıyıcı sistemi; its R and D factors per earthquake code are `SuperstructureFactor` rows."""

    class Material(models.TextChoices):
        CAST_IN_PLACE_CONCRETE = "rc", _("Cast-in-place reinforced concrete")
        PRECAST_CONCRETE = "precast", _("Precast reinforced concrete")
        STEEL = "steel", _("Steel")
        LIGHT_STEEL = "light_steel", _("Light-gauge steel")
        MASONRY = "masonry", _("Masonry")
        TIMBER = "timber", _("Timber")
        OTHER = "other", _("Other")

    material = models.CharField(
        _("material"), max_length=20, choices=Material.choices, default=Material.OTHER
    )

    class Meta(CatalogItem.Meta):
        verbose_name = _("superstructure system")
        verbose_name_plural = _("superstructure systems")


class SuperstructureFactor(models.Model):
    """The behaviour factor R and overstrength factor D of a system under one earthquake code.

    The ductility level may be empty where the code gives one value whatever the ductility
    (e.g. unreinforced masonry under the 2007 code). D is empty for codes that have no D.
    """

    earthquake_code = models.ForeignKey(
        EarthquakeCode,
        verbose_name=_("earthquake code"),
        on_delete=models.PROTECT,
        related_name="superstructure_factors",
    )
    system = models.ForeignKey(
        SuperstructureSystem,
        verbose_name=_("superstructure system"),
        on_delete=models.PROTECT,
        related_name="factors",
    )
    ductility_level = models.ForeignKey(
        DuctilityLevel,
        verbose_name=_("ductility level"),
        on_delete=models.PROTECT,
        related_name="superstructure_factors",
        null=True,
        blank=True,
    )
    r = models.DecimalField(_("behaviour factor R"), max_digits=4, decimal_places=2)
    d = models.DecimalField(_("overstrength factor D"), max_digits=4, decimal_places=2, null=True, blank=True)
    clause = models.CharField(
        _("clause"), max_length=40, blank=True, help_text=_("Where the code gives it, e.g. “Tablo 4.1 A11”.")
    )
    height_class_limit = models.CharField(
        _("permitted height classes"), max_length=40, blank=True, help_text=_("E.g. “BYS ≥ 3” (TBDY 2018).")
    )
    note = models.CharField(_("note"), max_length=250, blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=IS_ACTIVE_HELP)

    class Meta:
        verbose_name = _("R and D factors")
        verbose_name_plural = _("R and D factors")
        ordering = ["earthquake_code__sort_order", "system__sort_order", "ductility_level__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["earthquake_code", "system", "ductility_level"], name="catalog_factor_unique"
            ),
            models.UniqueConstraint(
                fields=["earthquake_code", "system"],
                condition=Q(ductility_level__isnull=True),
                name="catalog_factor_unique_without_ductility",
            ),
        ]

    def __str__(self) -> str:
        parts = [str(self.earthquake_code), str(self.system)]
        if self.ductility_level_id:
            parts.append(str(self.ductility_level))
        text = f"R = {self.r.normalize():f}"
        if self.d is not None:
            text += f", D = {self.d.normalize():f}"
        return f"{' · '.join(parts)}: {text}"


class SlabSystem(CatalogItem):
    """Döşeme sistemi."""

    class Meta(CatalogItem.Meta):
        verbose_name = _("slab system")
        verbose_name_plural = _("slab systems")


class FoundationSystem(CatalogItem):
    """Temel sistemi."""

    class Meta(CatalogItem.Meta):
        verbose_name = _("foundation system")
        verbose_name_plural = _("foundation systems")


# --- fees and documents ------------------------------------------------------------------------


class FeeType(CatalogItem):
    """Proje ücreti türü: how the project fee declared on the form is determined."""

    class Meta(CatalogItem.Meta):
        verbose_name = _("fee type")
        verbose_name_plural = _("fee types")


class DocumentType(CatalogItem):
    """Belge türü: one upload slot on the form (project drawings, title deed, static report …)."""

    allows_multiple = models.BooleanField(
        _("several files allowed"), default=False, help_text=_("Ticked: more than one PDF may be uploaded.")
    )
    max_pages = models.PositiveIntegerField(
        _("most pages per file"), null=True, blank=True, help_text=_("Empty: no limit.")
    )

    class Meta(CatalogItem.Meta):
        verbose_name = _("document type")
        verbose_name_plural = _("document types")


class DocumentRequirement(models.Model):
    """Which document types a work type asks for, and which of them are required.

    A document type with no row for a work type is not offered for it.
    """

    work_type = models.ForeignKey(
        WorkType, verbose_name=_("work type"), on_delete=models.PROTECT, related_name="document_requirements"
    )
    document_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="requirements"
    )
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Unticked: offered, but optional.")
    )

    class Meta:
        verbose_name = _("document requirement")
        verbose_name_plural = _("document requirements")
        ordering = ["work_type__sort_order", "document_type__sort_order", "document_type__name_tr"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_type", "document_type"], name="catalog_document_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        state = _("required") if self.required else _("optional")
        return f"{self.work_type} · {self.document_type} ({state})"
