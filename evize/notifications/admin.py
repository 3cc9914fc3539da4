from django.contrib import admin

from .models import OutboxAttachment, OutboxMessage


class OutboxAttachmentInline(admin.TabularInline):
    model = OutboxAttachment
    fields = ("filename", "content_type", "size", "sha256", "as_link")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: outbox rows change only through the services (the resend page is audited)."""

    list_display = ("created_at", "kind", "to_email", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "language")
    search_fields = ("to_email", "subject", "message_id")
    date_hierarchy = "created_at"
    # Bodies may hold one-time account links: the mailbox page knows when not to show them.
    exclude = ("body_html", "body_text")
    inlines = [OutboxAttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
