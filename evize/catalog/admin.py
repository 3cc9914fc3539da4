"""The chamber administrator's screens for the reference lists.

Only chamber administrators see them. Every add, change (also from the list page's editable
columns and from inline rows) and delete goes through the audited services. An item that is in
use cannot be deleted (every reference is PROTECT): retire it by unticking "active".
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy

from evize.accounts.permissions import CHAMBER_ADMIN

from . import models
from .services import catalog_item_delete, catalog_item_save

RETIRE_HINT = gettext_lazy(
    "Values in use cannot be deleted. To stop offering a value on new applications, untick "
    "“active”: applications that already use it keep showing it."
)

CATALOG_FIELDS = ("code", "name_tr", "name_en", "is_active", "sort_order")


def _is_chamber_admin(request) -> bool:
    user = request.user
    return bool(user.is_active and getattr(user, "role", None) == CHAMBER_ADMIN)


class ChamberAdminOnly:
    """Permissions shared by the catalog's admins and inlines: chamber administrators only."""

    def has_module_permission(self, request):
        return _is_chamber_admin(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _is_chamber_admin(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return _is_chamber_admin(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _is_chamber_admin(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_chamber_admin(request) and super().has_delete_permission(request, obj)


class AuditedCatalogAdmin(ChamberAdminOnly, admin.ModelAdmin):
    """Saves and deletes through the audited services (form page, list page, inlines, bulk delete)."""

    list_display = CATALOG_FIELDS
    list_display_links = ("code", "name_tr")
    list_editable = ("is_active", "sort_order")
    list_filter = ("is_active",)
    search_fields = ("code", "name_tr", "name_en")
    list_per_page = 100
    change_list_template = "catalog/admin/change_list.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return [(None, {**fieldsets[0][1], "description": RETIRE_HINT}), *fieldsets[1:]]

    # --- writes --------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        # Also the path of the list page's editable columns (changelist_view calls save_model).
        m2m = {
            field.name: form.cleaned_data[field.name]
            for field in obj._meta.many_to_many
            if field.name in form.cleaned_data
        }
        catalog_item_save(actor=request.user, item=obj, m2m=m2m)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            catalog_item_delete(actor=request.user, item=deleted)
        for instance in instances:
            catalog_item_save(actor=request.user, item=instance)
        formset.save_m2m()

    def delete_model(self, request, obj):
        catalog_item_delete(actor=request.user, item=obj)

    def delete_queryset(self, request, queryset):
        try:
            with transaction.atomic():
                for obj in queryset:
                    catalog_item_delete(actor=request.user, item=obj)
        except ProtectedError:
            # The confirmation page lists protected items first; this guards a race.
            self.message_user(request, str(RETIRE_HINT), messages.ERROR)


class CatalogInline(ChamberAdminOnly, admin.TabularInline):
    extra = 0
    show_change_link = False


# --- places --------------------------------------------------------------------------------------


class VillageInline(CatalogInline):
    model = models.Village
    fields = CATALOG_FIELDS


@admin.register(models.District)
class DistrictAdmin(AuditedCatalogAdmin):
    inlines = [VillageInline]


@admin.register(models.Village)
class VillageAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "district")
    list_filter = ("is_active", "district")
    list_select_related = ("district",)
    autocomplete_fields = ("district",)


@admin.register(models.Municipality)
class MunicipalityAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "district")
    list_filter = ("is_active", "district")
    list_select_related = ("district",)


# --- building and project ------------------------------------------------------------------------


class RequirementByWorkTypeInline(CatalogInline):
    model = models.DocumentRequirement
    fields = ("document_type", "required")
    autocomplete_fields = ("document_type",)
    verbose_name = gettext_lazy("required or optional document")
    verbose_name_plural = gettext_lazy("documents asked for this work type")


class RequirementByDocumentTypeInline(CatalogInline):
    model = models.DocumentRequirement
    fields = ("work_type", "required")
    verbose_name = gettext_lazy("work type asking for this document")
    verbose_name_plural = gettext_lazy("work types asking for this document")


@admin.register(models.WorkType)
class WorkTypeAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "involves_existing_building")
    list_filter = ("is_active", "involves_existing_building")
    inlines = [RequirementByWorkTypeInline]


for _model in (
    models.ProjectType,
    models.BuildingCharacteristic,
    models.PurposeOfUse,
    models.BuildingClass,
    models.StructuralElement,
    models.SlabSystem,
    models.FoundationSystem,
    models.FeeType,
    models.DuctilityLevel,
):
    admin.site.register(_model, AuditedCatalogAdmin)


# --- materials -----------------------------------------------------------------------------------


@admin.register(models.ConcreteClass)
class ConcreteClassAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "fck", "fck_cube")


@admin.register(models.ReinforcingSteel)
class ReinforcingSteelAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "fyk")


@admin.register(models.StructuralSteel)
class StructuralSteelAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "fy", "fu")


# --- earthquake design ---------------------------------------------------------------------------


@admin.register(models.EarthquakeCode)
class EarthquakeCodeAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "year")


class CoefficientOptionInline(CatalogInline):
    model = models.CoefficientOption
    fields = ("earthquake_code", "code", "name_tr", "name_en", "value", "is_active", "sort_order")


@admin.register(models.CoefficientKind)
class CoefficientKindAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "symbol", "input_type")
    list_filter = ("is_active", "input_type", "earthquake_codes")
    filter_horizontal = ("earthquake_codes",)
    inlines = [CoefficientOptionInline]


@admin.register(models.CoefficientOption)
class CoefficientOptionAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "earthquake_code", "kind", "value")
    list_filter = ("is_active", "earthquake_code", "kind")
    list_select_related = ("earthquake_code", "kind")


@admin.register(models.SystemFeature)
class SystemFeatureAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "group")
    list_filter = ("is_active", "group")


class SuperstructureFactorInline(CatalogInline):
    model = models.SuperstructureFactor
    fields = (
        "earthquake_code",
        "ductility_level",
        "r",
        "d",
        "clause",
        "height_class_limit",
        "note",
        "is_active",
    )


@admin.register(models.SuperstructureSystem)
class SuperstructureSystemAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "material")
    list_filter = ("is_active", "material")
    inlines = [SuperstructureFactorInline]


@admin.register(models.DocumentType)
class DocumentTypeAdmin(AuditedCatalogAdmin):
    list_display = (*CATALOG_FIELDS, "allows_multiple", "max_pages")
    list_filter = ("is_active", "allows_multiple")
    inlines = [RequirementByDocumentTypeInline]
