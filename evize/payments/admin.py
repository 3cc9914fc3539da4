"""The chamber administrator edits the fee tariff here (one version per start date, with its visa
fee rate rows). Every save is audited with the whole tariff as it now is; a tariff used by a fee
cannot be deleted (fees keep the tariff and the breakdown they were computed with)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from evize.accounts.permissions import CHAMBER_ADMIN

from .models import Tariff, TariffRate
from .services import tariff_audit, tariff_delete


def _is_chamber_admin(request) -> bool:
    user = request.user
    return bool(user.is_active and getattr(user, "role", None) == CHAMBER_ADMIN)


class ChamberAdminOnly:
    """Chamber administrators only; amounts are typed and shown as Turkish users write them."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField):
            kwargs["localize"] = True
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return _is_chamber_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_chamber_admin(request)

    def has_add_permission(self, request, *args):
        return _is_chamber_admin(request)

    def has_change_permission(self, request, obj=None):
        return _is_chamber_admin(request)

    def has_delete_permission(self, request, obj=None):
        return _is_chamber_admin(request)


class RateFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("fee_type"), form.cleaned_data.get("building_class"))
            if key in seen:
                raise forms.ValidationError(
                    _("Each combination of fee type and building class may appear only once.")
                )
            seen.add(key)


class TariffRateInline(ChamberAdminOnly, admin.TabularInline):
    model = TariffRate
    formset = RateFormSet
    extra = 0
    fields = ("fee_type", "building_class", "rate_per_mille", "amount_per_m2", "minimum")


@admin.register(Tariff)
class TariffAdmin(ChamberAdminOnly, admin.ModelAdmin):
    list_display = ("name", "valid_from", "registration_fee", "visa_minimum")
    ordering = ("-valid_from",)
    inlines = [TariffRateInline]
    fieldsets = [
        (
            None,
            {
                "fields": ("name", "valid_from", "registration_fee", "visa_minimum", "note"),
                "description": _(
                    "Visa fee = construction cost × rate (‰) + construction area × amount per m², but "
                    "at least the row's smallest fee and the tariff's smallest visa fee. The most "
                    "specific row applies: fee type and building class, then fee type, then building "
                    "class, then the row with neither. Fees already opened keep their amount."
                ),
            },
        )
    ]

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            tariff_audit(actor=request.user, tariff=form.instance, created=not change)

    def delete_model(self, request, obj):
        tariff_delete(actor=request.user, tariff=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for tariff in queryset:
                tariff_delete(actor=request.user, tariff=tariff)
