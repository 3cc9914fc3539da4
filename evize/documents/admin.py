from django.contrib import admin

from .models import Blob, Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: documents change only through the application's documents page."""

    list_display = ("file_name", "application", "document_type", "state", "uploaded_by", "uploaded_at")
    list_filter = ("state", "document_type")
    search_fields = ("file_name", "blob__sha256", "application__registration_number")
    raw_id_fields = ("application", "blob", "previous", "uploaded_by", "removed_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Blob)
class BlobAdmin(admin.ModelAdmin):
    list_display = ("sha256", "size", "page_count", "created_at")
    search_fields = ("sha256",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
