from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        ENGINEER = "engineer", _("Engineer")
        CLERK = "clerk", _("Visa office clerk")
        CONTROL_ENGINEER = "control_engineer", _("Control engineer")
        VISA_OFFICER = "visa_officer", _("Visa authority")
        CHAMBER_ADMIN = "chamber_admin", _("Chamber administrator")

    STAFF_ROLES = frozenset({Role.CLERK, Role.CONTROL_ENGINEER, Role.VISA_OFFICER, Role.CHAMBER_ADMIN})

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ENGINEER)
    member = models.OneToOneField(
        "registry.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="tr")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_engineer(self) -> bool:
        return self.role == self.Role.ENGINEER

    @property
    def is_office_staff(self) -> bool:
        return self.role in self.STAFF_ROLES
