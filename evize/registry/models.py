"""The chamber's member registry (üye sicili): the source of truth for engineers' identity."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .validators import validate_national_id


class Member(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        RESIGNED = "resigned", _("Resigned")
        DECEASED = "deceased", _("Deceased")

    sicil_no = models.CharField(_("registry number"), max_length=20, unique=True)
    # "name" alone is translated differently by Django's own catalogs, which take precedence.
    first_name = models.CharField(pgettext_lazy("member", "name"), max_length=100)
    last_name = models.CharField(_("surname"), max_length=100)
    national_id = models.CharField(_("national ID number"), max_length=11, validators=[validate_national_id])
    email = models.EmailField(_("e-mail"), unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    dues_paid_until = models.DateField(_("dues paid until"), null=True, blank=True)
    office_tax_no = models.CharField(_("tax registry number"), max_length=30, blank=True)
    office_name = models.CharField(_("office name"), max_length=200, blank=True)
    office_registration_no = models.CharField(_("office registration number"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["sicil_no"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            # Two members may not share an e-mail address, whatever its letter case.
            models.UniqueConstraint(
                Lower("email"),
                name="registry_member_email_ci_unique",
                violation_error_message=_("This e-mail address is already used by another member."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sicil_no} {self.full_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def standing_problem(self, today: datetime.date | None = None) -> str | None:
        """Why this member may not apply, in words; None when in good standing."""
        today = today or timezone.localdate()
        if self.status != self.Status.ACTIVE:
            # One sentence per status: Turkish does not allow pasting a lower-cased label in.
            messages = {
                self.Status.SUSPENDED: _("Your chamber membership is suspended. Please contact the chamber."),
                self.Status.RESIGNED: _(
                    "Your chamber membership has ended (resigned). Please contact the chamber."
                ),
                self.Status.DECEASED: _("This member is recorded as deceased in the chamber registry."),
            }
            return str(
                messages.get(
                    self.status, _("Your chamber membership is not active. Please contact the chamber.")
                )
            )
        if self.dues_paid_until is None or self.dues_paid_until < today:
            return str(_("Your membership dues are not paid up to date. Please contact the chamber."))
        return None

    @property
    def in_good_standing(self) -> bool:
        return self.standing_problem() is None
