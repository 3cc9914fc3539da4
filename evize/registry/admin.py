"""The chamber administrator's screens for the member registry.

Only chamber administrators see them. Every save goes through the audited services, and members
are never deleted (they get a status instead).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evize.accounts.permissions import CHAMBER_ADMIN

from .forms import MemberAdminForm, MemberImportForm
from .models import Member
from .selectors import member_search_condition
from .services import (
    EDITABLE_FIELDS,
    MemberFileError,
    member_create,
    member_import,
    member_update,
    read_member_stream,
)


class DuesFilter(admin.SimpleListFilter):
    title = gettext_lazy("dues")
    parameter_name = "dues"

    def lookups(self, request, model_admin):
        return [
            ("paid", gettext_lazy("Paid up")),
            ("overdue", gettext_lazy("Overdue")),
            ("never", gettext_lazy("No payment recorded")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "paid":
            return queryset.filter(dues_paid_until__gte=today)
        if self.value() == "overdue":
            return queryset.filter(dues_paid_until__lt=today)
        if self.value() == "never":
            return queryset.filter(dues_paid_until__isnull=True)
        return queryset


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    form = MemberAdminForm
    change_list_template = "registry/admin/member_change_list.html"
    list_display = (
        "sicil_no",
        "first_name",
        "last_name",
        "email",
        "phone",
        "status",
        "dues_paid_until",
        "dues_paid_up",
        "office_name",
    )
    list_display_links = ("sicil_no", "first_name", "last_name")
    search_fields = ("sicil_no", "first_name", "last_name", "email", "national_id", "office_name")
    list_filter = ("status", DuesFilter)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (
            None,
            {"fields": ("sicil_no", "first_name", "last_name", "national_id", "status", "dues_paid_until")},
        ),
        (gettext_lazy("Contact"), {"fields": ("email", "phone")}),
        (
            gettext_lazy("Engineering office"),
            {"fields": ("office_tax_no", "office_name", "office_registration_no")},
        ),
        (gettext_lazy("Record"), {"fields": ("created_at", "updated_at")}),
    )
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        # Django's search folds letter case only for ASCII on SQLite ("özkan" misses "Özkan") and
        # knows nothing of Turkish i/İ, ı/I; add the registry's own Turkish-aware matching.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        condition = member_search_condition(search_term)
        if condition is not None:
            results = results | queryset.filter(condition)
        return results, may_have_duplicates

    @admin.display(boolean=True, description=gettext_lazy("dues paid up"))
    def dues_paid_up(self, obj: Member) -> bool:
        return obj.dues_paid_until is not None and obj.dues_paid_until >= timezone.localdate()

    # --- who may do what: chamber administrators only; nobody deletes a member.
    @staticmethod
    def _chamber_admin(request) -> bool:
        user = request.user
        return user.is_active and getattr(user, "role", None) == CHAMBER_ADMIN

    def has_module_permission(self, request):
        return self._chamber_admin(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._chamber_admin(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._chamber_admin(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._chamber_admin(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    # --- writes go through the audited services.
    def save_model(self, request, obj, form, change):
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
            member_update(actor=request.user, member=obj, data=data, source="admin")
        else:
            member_create(actor=request.user, member=obj, source="admin")

    def delete_model(self, request, obj):
        raise PermissionDenied(_("Members are never deleted: change their status instead."))

    def delete_queryset(self, request, queryset):
        raise PermissionDenied(_("Members are never deleted: change their status instead."))

    # --- uploading a member list.
    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{opts.app_label}_{opts.model_name}_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        report = None
        dry_run = False
        if request.method == "POST":
            form = MemberImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                dry_run = form.cleaned_data["dry_run"]
                try:
                    rows = read_member_stream(upload, name=upload.name)
                    with transaction.atomic():
                        report = member_import(actor=request.user, rows=rows, source=upload.name)
                        if dry_run:
                            transaction.set_rollback(True)
                except MemberFileError as exc:
                    form.add_error("file", str(exc))
                else:
                    summary = report.summary()
                    if dry_run:
                        summary = f"{summary} {_('Dry run: nothing was saved.')}"
                    level = messages.WARNING if report.rejected else messages.SUCCESS
                    self.message_user(request, summary, level)
        else:
            form = MemberImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import members"),
            "form": form,
            "report": report,
            "dry_run": dry_run,
        }
        return TemplateResponse(request, "registry/admin/member_import.html", context)
