"""The application aggregate: an e-Vize application, its engineers, its status and its rounds.

Form sections (`sections.py`), documents, signatures, payments and notes hang off `Application` in
their own models. Only `evize.applications.workflow.transition()` changes `Application.status`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting signature")
    AWAITING_REGISTRATION_FEE = "awaiting_registration_fee", _("Awaiting registration fee")
    REGISTERED = "registered", _("Registered at the visa office")
    IN_REVIEW = "in_review", _("In review")
    NOTES_SENT = "notes_sent", _("Notes sent")
    AWAITING_RESIGNATURE = "awaiting_resignature", _("Awaiting signature again")
    APPROVED = "approved", _("Approved")
    AWAITING_VISA_FEE = "awaiting_visa_fee", _("Awaiting visa fee")
    VISA_ISSUING = "visa_issuing", _("Visa being issued")
    VISAED = "visaed", _("Visa'd")
    CANCELLED = "cancelled", _("Cancelled")


FINAL_STATUSES = frozenset({Status.VISAED, Status.CANCELLED})


class Application(models.Model):
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Given on the first "Kaydet" → "Evet": YYYY/NNNNN, gapless per year.
    registration_number = models.CharField(
        _("registration number"), max_length=20, unique=True, null=True, blank=True
    )
    registration_year = models.PositiveIntegerField(null=True, blank=True, editable=False)
    registration_seq = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="applications_created",
    )
    note_to_office = models.TextField(_("note to the visa office"), blank=True, max_length=4000)
    notation_count = models.PositiveSmallIntegerField(_("notations sent"), default=0)
    cancel_reason = models.CharField(_("reason for cancellation"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    # Single values of the form (the sections with rows are their own models, see sections.py).
    work_type = models.ForeignKey(
        "catalog.WorkType",
        verbose_name=_("work type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    earthquake_code = models.ForeignKey(
        "catalog.EarthquakeCode",
        verbose_name=_("earthquake code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    construction_cost = models.DecimalField(
        _("total construction cost (TL)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    fee_type = models.ForeignKey(
        "catalog.FeeType",
        verbose_name=_("project fee type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    system_features = models.ManyToManyField(
        "catalog.SystemFeature",
        verbose_name=_("system features"),
        through="SystemFeatureChoice",
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["registration_year", "registration_seq"], name="unique_registration_seq_per_year"
            ),
        ]

    def __str__(self) -> str:
        return self.registration_number or str(_("Draft #%(id)s") % {"id": self.pk})

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class RegistrationCounter(models.Model):
    """Last registration number given in a year; locked while a number is taken (gapless)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ApplicationEngineer(models.Model):
    """An engineer on the application (step 4): the applicant and optionally a second engineer.
    Name and registry data come from the member registry; the rest is entered on the form."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="engineers")
    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="application_roles",
    )
    is_applicant = models.BooleanField(_("applicant"), default=False)
    position = models.PositiveSmallIntegerField(default=1)
    email = models.EmailField(_("e-mail"))
    national_id = models.CharField(_("national ID number"), max_length=11)
    phone = models.CharField(_("phone"), max_length=30)
    works_as_office = models.BooleanField(_("works as an office (büro)"), default=False)
    office_tax_no = models.CharField(_("tax registry number"), max_length=30, blank=True)
    office_name = models.CharField(_("office name"), max_length=200, blank=True)
    office_registration_no = models.CharField(_("office registration number"), max_length=30, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("engineer")
        verbose_name_plural = _("engineers")
        constraints = [
            models.UniqueConstraint(fields=["application", "member"], name="unique_engineer_per_application"),
        ]

    def __str__(self) -> str:
        return self.member.full_name


class Round(models.Model):
    """One submission of the form ("Kaydet" → "Evet"): a frozen snapshot of everything entered
    (catalog items by code and name) and of the attached files, as it was sent to be signed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    snapshot = models.JSONField(_("form data"), default=dict)

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="unique_round_number_per_application"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.number}"
