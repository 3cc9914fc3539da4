"""The sections of the application form (guide steps 5-17): one model per section.

Every catalog reference is PROTECT: a reference value used by an application can be retired but
never deleted. Units are in the field names' verbose names (m², m, kN/m², kN/m³, MPa, cm).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .application import Application


class Direction(models.TextChoices):
    X = "x", _("X direction")
    Y = "y", _("Y direction")


class SectionRow(models.Model):
    """A row of a section with several rows, in the order it was added."""

    class Meta:
        abstract = True
        ordering = ["pk"]


def _catalog(model: str, verbose_name, *, null: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        f"catalog.{model}",
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name="+",
        null=null,
        blank=null,
    )


class Building(models.Model):
    """Yapı Bilgileri (step 5): one per application. The work type is on the application."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="building")
    district = _catalog("District", _("district"))
    village = _catalog("Village", _("village / quarter"))
    address = models.CharField(_("address"), max_length=300)
    owners = models.CharField(_("owner(s)"), max_length=300)
    building_name = models.CharField(_("building name"), max_length=200, blank=True)
    basement_storeys = models.PositiveSmallIntegerField(_("basement storeys"), default=0)
    storeys_above_ground = models.PositiveSmallIntegerField(_("storeys above ground"))
    total_area = models.DecimalField(_("total construction area (m²)"), max_digits=12, decimal_places=2)
    height = models.DecimalField(_("building height (m)"), max_digits=6, decimal_places=2)
    building_class = _catalog("BuildingClass", _("building class"))
    independent_units = models.PositiveSmallIntegerField(_("independent units"))
    municipality = _catalog("Municipality", _("municipality"))

    class Meta:
        verbose_name = _("building information")
        verbose_name_plural = _("building information")

    def __str__(self) -> str:
        return self.building_name or self.address

    @property
    def storeys(self) -> int:
        return (self.basement_storeys or 0) + (self.storeys_above_ground or 0)


class TitleDeed(SectionRow):
    """Koçan ve Arazi Bilgileri (step 6): one row per title deed / parcel."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="title_deeds")
    district = _catalog("District", _("district"))
    village = _catalog("Village", _("village / quarter"))
    sheet_map = models.CharField(_("sheet / map"), max_length=50)
    block = models.CharField(_("block"), max_length=20, blank=True)
    parcel = models.CharField(_("parcel"), max_length=20)
    title_deed_no = models.CharField(_("title deed number"), max_length=30)
    area = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)
    owner = models.CharField(_("owner"), max_length=200)

    class Meta(SectionRow.Meta):
        verbose_name = _("title deed")
        verbose_name_plural = _("title deeds")

    def __str__(self) -> str:
        return f"{self.sheet_map} {self.block}/{self.parcel}"


class ProjectRecord(SectionRow):
    """Proje Bilgileri (step 7)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="project_records")
    project_type = _catalog("ProjectType", _("project type"))
    description = models.CharField(_("description"), max_length=300)
    sheet_count = models.PositiveSmallIntegerField(_("number of sheets"))
    architect = models.CharField(_("architect"), max_length=200, blank=True)

    class Meta(SectionRow.Meta):
        verbose_name = _("project record")
        verbose_name_plural = _("project records")

    def __str__(self) -> str:
        return self.description


class ProjectSubject(SectionRow):
    """Proje Konusu (step 8): what is built, by characteristic and purpose of use."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="subjects")
    building_characteristic = _catalog("BuildingCharacteristic", _("building characteristic"))
    purpose_of_use = _catalog("PurposeOfUse", _("purpose of use"))
    floor_count = models.PositiveSmallIntegerField(_("number of floors"))
    area = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)
    unit_count = models.PositiveSmallIntegerField(_("number of units"))

    class Meta(SectionRow.Meta):
        verbose_name = _("project subject")
        verbose_name_plural = _("project subjects")

    def __str__(self) -> str:
        return f"{self.building_characteristic} · {self.purpose_of_use}"


class Material(SectionRow):
    """Malzeme Bilgileri (step 9): the materials of a structural element."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    structural_element = _catalog("StructuralElement", _("structural element"))
    concrete_class = _catalog("ConcreteClass", _("concrete class"), null=True)
    reinforcing_steel = _catalog("ReinforcingSteel", _("reinforcing steel"), null=True)
    structural_steel = _catalog("StructuralSteel", _("structural steel"), null=True)

    class Meta(SectionRow.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return str(self.structural_element)


class ExistingMaterial(SectionRow):
    """Mevcut Malzeme Bilgileri (step 10): the materials found in an existing building."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="existing_materials")
    structural_element = _catalog("StructuralElement", _("structural element"))
    concrete_class = _catalog("ConcreteClass", _("concrete class"), null=True)
    concrete_strength = models.DecimalField(
        _("measured concrete strength (MPa)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    reinforcing_steel = _catalog("ReinforcingSteel", _("reinforcing steel"), null=True)
    structural_steel = _catalog("StructuralSteel", _("structural steel"), null=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta(SectionRow.Meta):
        verbose_name = _("existing material")
        verbose_name_plural = _("existing materials")

    def __str__(self) -> str:
        return str(self.structural_element)


class Coefficient(SectionRow):
    """Projede Kullanılan Katsayılar (step 11): one row per coefficient kind, chosen from the
    options of the application's earthquake code, or a number within the kind's range."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="coefficients")
    kind = _catalog("CoefficientKind", _("coefficient"))
    option = _catalog("CoefficientOption", _("chosen value"), null=True)
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=4, null=True, blank=True)

    class Meta(SectionRow.Meta):
        verbose_name = _("coefficient")
        verbose_name_plural = _("coefficients")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], name="unique_coefficient_kind_per_application"
            )
        ]

    def __str__(self) -> str:
        return str(self.kind)


class SystemFeatureChoice(models.Model):
    """Sistem Özellikleri (step 12): a ticked system feature."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="feature_choices")
    feature = _catalog("SystemFeature", _("system feature"))

    class Meta:
        ordering = ["feature__sort_order", "feature__name_tr"]
        verbose_name = _("system feature")
        verbose_name_plural = _("system features")
        constraints = [
            models.UniqueConstraint(fields=["application", "feature"], name="unique_feature_per_application")
        ]

    def __str__(self) -> str:
        return str(self.feature)


class Superstructure(SectionRow):
    """Üst Yapı Taşıyıcı Sistemi (step 13): the load-bearing system in one direction, with the
    ductility level and the behaviour (R) and overstrength (D) factors used in the design."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="superstructures")
    direction = models.CharField(_("direction"), max_length=1, choices=Direction.choices)
    system = _catalog("SuperstructureSystem", _("superstructure system"))
    ductility_level = _catalog("DuctilityLevel", _("ductility level"))
    r = models.DecimalField(_("behaviour factor R"), max_digits=4, decimal_places=2)
    d = models.DecimalField(_("overstrength factor D"), max_digits=4, decimal_places=2, null=True, blank=True)

    class Meta(SectionRow.Meta):
        ordering = ["direction"]
        verbose_name = _("superstructure system")
        verbose_name_plural = _("superstructure systems")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "direction"], name="unique_direction_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.system}"


class Ductility(models.Model):
    """Süneklik Düzeyi (step 14): the ductility level of the building (one per application)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="ductility")
    ductility_level = _catalog("DuctilityLevel", _("ductility level"))
    note = models.CharField(_("explanation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ductility level")
        verbose_name_plural = _("ductility levels")

    def __str__(self) -> str:
        return str(self.ductility_level)


class Slab(SectionRow):
    """Döşeme Sistemi (step 15)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="slabs")
    slab_system = _catalog("SlabSystem", _("slab system"))
    thickness = models.DecimalField(
        _("slab thickness (cm)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    floors = models.CharField(_("floors where used"), max_length=200, blank=True)

    class Meta(SectionRow.Meta):
        verbose_name = _("slab system")
        verbose_name_plural = _("slab systems")

    def __str__(self) -> str:
        return str(self.slab_system)


class Foundation(SectionRow):
    """Temel Sistemi (step 15)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="foundations")
    foundation_system = _catalog("FoundationSystem", _("foundation system"))
    note = models.CharField(_("explanation"), max_length=300, blank=True)

    class Meta(SectionRow.Meta):
        verbose_name = _("foundation system")
        verbose_name_plural = _("foundation systems")

    def __str__(self) -> str:
        return str(self.foundation_system)


class FoundationData(SectionRow):
    """Temel Sistemi Verileri (step 16): soil values used in the foundation design."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="foundation_data")
    part = models.CharField(_("building part"), max_length=100, blank=True)
    allowable_soil_stress = models.DecimalField(
        _("allowable soil stress (kN/m²)"), max_digits=8, decimal_places=2
    )
    subgrade_modulus = models.DecimalField(
        _("modulus of subgrade reaction (kN/m³)"), max_digits=10, decimal_places=1
    )
    foundation_depth = models.DecimalField(_("foundation depth (m)"), max_digits=5, decimal_places=2)
    no_groundwater = models.BooleanField(_("no groundwater"), default=False)
    groundwater_depth = models.DecimalField(
        _("groundwater depth (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    soil_report = models.CharField(_("soil investigation report"), max_length=200)

    class Meta(SectionRow.Meta):
        verbose_name = _("foundation data")
        verbose_name_plural = _("foundation data")

    def __str__(self) -> str:
        return self.part or str(self.allowable_soil_stress)
