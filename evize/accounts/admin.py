"""Users in the admin: the chamber administrator creates office staff accounts and sets roles.

The admin flags (is_staff, is_superuser) are not edited by hand: they follow the role
(see services.user_set_role). Role changes and other edits are audited through the services.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from evize.audit.services import audit_record

from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import User
from .services import user_add, user_set_role, user_update


@admin.register(User)
class EvizeUserAdmin(UserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "member",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "is_active", "language")
    search_fields = ("username", "first_name", "last_name", "email", "member__sicil_no")
    ordering = ("username",)
    raw_id_fields = ("member",)
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Role and access"), {"fields": ("role", "member", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Role and access"), {"fields": ("role", "member")}),
    )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            user_add(actor=request.user, user=obj)
            return
        changed = list(form.changed_data)
        new_role = obj.role
        if "role" in changed:
            obj.role = form.initial.get("role", obj.role)  # the role changes only through user_set_role
        user_update(actor=request.user, user=obj, fields=[f for f in changed if f != "role"])
        if "role" in changed:
            user_set_role(actor=request.user, user=obj, role=new_role)

    def user_change_password(self, request, id, form_url=""):
        """The admin's "change password" page; a password set there is audited (never the password)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            audit_record(
                actor=request.user,
                action="evize.account.password_set_by_admin",
                target=user,
                data={"usable": user.has_usable_password()},
            )
        return response
