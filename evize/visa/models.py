"""Visas (guide steps 26, 27): the office's visa of an approved, paid application.

- `OfficerProfile`: a visa officer's registered national ID (matched against their certificate).
- `VisaCounter`: the last visa number of a year (gapless, like registration numbers).
- `Visa`: one visa of an application: its number is reserved when the visa fee is paid (state
  pending), the officer's signature makes it valid; later it may be revoked or superseded.
- `VisaSigning` / `VisaPrepared`: the officer's signing of one or more pending visas (pyHanko's
  interrupted signing state per file, as for the engineers' signatures).
- `VisaFile`: one visa'd file (engineer-signed file + stamps + the officer's signature), a blob.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="officer_profile",
    )
    national_id = models.CharField(_("national ID number"), max_length=30)

    class Meta:
        verbose_name = _("visa officer profile")
        verbose_name_plural = _("visa officer profiles")

    def __str__(self) -> str:
        return f"{self.user} · {self.national_id}"


class VisaCounter(models.Model):
    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Visa(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting the visa officer's signature")
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded by a later visa")

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="visas",
    )
    number = models.CharField(_("visa number"), max_length=30, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    year = models.PositiveIntegerField(editable=False)
    seq = models.PositiveIntegerField(editable=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    officer_name = models.CharField(_("visa officer"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ["-year", "-seq"]
        verbose_name = _("visa")
        verbose_name_plural = _("visas")
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="visa_seq_per_year")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.state == self.State.VALID


class VisaFile(models.Model):
    visa = models.ForeignKey(Visa, on_delete=models.CASCADE, related_name="files")
    round_file = models.ForeignKey(
        "signatures.RoundFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(_("file name"), max_length=220)
    blob = models.ForeignKey(
        "documents.Blob", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.BigIntegerField(_("size (bytes)"))
    pages = models.PositiveIntegerField(_("pages"), default=0)
    report = models.JSONField(default=list)

    class Meta:
        ordering = ["visa", "position", "pk"]
        verbose_name = _("visa'd file")
        verbose_name_plural = _("visa'd files")

    def __str__(self) -> str:
        return self.file_name


class VisaSigning(models.Model):
    class State(models.TextChoices):
        STARTED = "started", _("Waiting for the signer agent")
        PREPARED = "prepared", _("Waiting for the signatures")
        COMPLETED = "completed", _("Signed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visas = models.ManyToManyField(Visa, related_name="signings")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.STARTED)
    # The signer agent's one-time token (SHA-256 of it), as for the engineers' signing sessions.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    certificate_der = models.BinaryField(null=True, blank=True)
    chain_der = models.JSONField(default=list, blank=True)
    certificate = models.JSONField(default=dict, blank=True)
    problem = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.officer} · {self.get_state_display()}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.COMPLETED, self.State.FAILED, self.State.CANCELLED)


class VisaPrepared(models.Model):
    signing = models.ForeignKey(VisaSigning, on_delete=models.CASCADE, related_name="prepared")
    visa = models.ForeignKey(Visa, on_delete=models.CASCADE, related_name="+")
    round_file = models.ForeignKey("signatures.RoundFile", on_delete=models.CASCADE, related_name="+")
    field_name = models.CharField(max_length=120)
    increment = models.BinaryField()
    prefix_size = models.BigIntegerField()
    reserved_start = models.BigIntegerField()
    reserved_end = models.BigIntegerField()
    document_digest = models.BinaryField()
    to_be_signed = models.BinaryField()
    pages = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["signing", "visa", "round_file__position", "pk"]

    def __str__(self) -> str:
        return f"{self.visa} · {self.round_file}"
