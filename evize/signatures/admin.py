"""Read-only views of signing rounds and sessions for the chamber administrator: signatures are
changed only through the signing flow, never by hand."""

from django.contrib import admin

from .models import FileSignature, RoundFile, SignatureRequest, SigningRound, SigningSession


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoundFileInline(ReadOnlyMixin, admin.TabularInline):
    model = RoundFile
    fields = ("position", "kind", "file_name", "base_blob", "size", "revision")
    readonly_fields = fields
    extra = 0


class SignatureRequestInline(ReadOnlyMixin, admin.TabularInline):
    model = SignatureRequest
    fields = ("member", "national_id", "state", "signed_at", "method")
    readonly_fields = fields
    extra = 0


@admin.register(SigningRound)
class SigningRoundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("application", "round", "state", "opened_at", "locked_at")
    list_filter = ("state",)
    search_fields = ("application__registration_number",)
    inlines = [RoundFileInline, SignatureRequestInline]


@admin.register(SigningSession)
class SigningSessionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "request",
        "state",
        "created_at",
        "expires_at",
        "finished_at",
        "bytes_to_agent",
        "bytes_from_agent",
    )
    list_filter = ("state",)
    exclude = ("token_hash", "certificate_der")


@admin.register(FileSignature)
class FileSignatureAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("round_file", "signer_name", "national_id", "signing_time", "level", "method")
    list_filter = ("method", "level")
