from django.contrib import admin

from .models import AnnotatedUpload, Assignment, ChecklistItem, Notation, Note, StandardComment


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["text", "work_type", "sort_order", "is_active"]
    list_filter = ["work_type", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(StandardComment)
class StandardCommentAdmin(admin.ModelAdmin):
    list_display = ["text", "category", "sort_order", "is_active"]
    list_filter = ["category", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["application", "reviewer", "assigned_by", "assigned_at", "active"]
    readonly_fields = [f.name for f in Assignment._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notation)
class NotationAdmin(admin.ModelAdmin):
    list_display = ["application", "number", "sent_at", "sent_by", "cancelled"]
    readonly_fields = [f.name for f in Notation._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["application", "category", "status", "created_by", "created_at"]
    list_filter = ["category", "status"]
    readonly_fields = [f.name for f in Note._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AnnotatedUpload)
class AnnotatedUploadAdmin(admin.ModelAdmin):
    list_display = ["application", "file_name", "annotation_count", "uploaded_by", "uploaded_at", "notation"]
    readonly_fields = [f.name for f in AnnotatedUpload._meta.fields]

    def has_add_permission(self, request):
        return False
