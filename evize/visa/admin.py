from django.contrib import admin

from .models import OfficerProfile, Visa, VisaFile


@admin.register(OfficerProfile)
class OfficerProfileAdmin(admin.ModelAdmin):
    """Visa officers' registered national IDs (matched against their signature certificates)."""

    list_display = ("user", "national_id")
    search_fields = ("user__username", "user__first_name", "user__last_name", "national_id")


class VisaFileInline(admin.TabularInline):
    model = VisaFile
    fields = ("position", "file_name", "sha256", "size", "pages")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Visa)
class VisaAdmin(admin.ModelAdmin):
    """Read-only: visas change only through the services (issue, revoke), which audit."""

    list_display = ("number", "application", "state", "issued_at", "officer_name")
    list_filter = ("state", "year")
    search_fields = ("number", "application__registration_number")
    inlines = [VisaFileInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
