"""Signatures of a submission round (guide steps 20, 21, 25).

- `SigningRound`: the signing of one `applications.Round` — its files are frozen when it opens.
- `RoundFile`: one PDF of the round (an attached document or the Başvuru Formu), kept as its
  original blob plus the increments appended by each signature (see `splice.py`): the signed file
  is `base + increment 1 + increment 2 …`, never rewritten.
- `SignatureRequest`: one engineer's signature of the round (every engineer signs every file).
- `SigningSession`: one "İmzala" attempt: a one-time token for the signer agent, short-lived.
- `PreparedSignature`: what the server prepared for one file in a session (pyHanko's interrupted
  signing state: the increment with the placeholder, byte range digest, signed attributes).
- `FileSignature`: a signature embedded in a round file, with its validation report.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningRound(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Awaiting signatures")
        LOCKED = "locked", _("Signed and locked")
        SUPERSEDED = "superseded", _("Replaced by a later round")

    round = models.OneToOneField(
        "applications.Round", verbose_name=_("round"), on_delete=models.CASCADE, related_name="signing"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="signing_rounds",
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)

    class Meta:
        ordering = ["application", "round__number"]
        verbose_name = _("signing round")
        verbose_name_plural = _("signing rounds")

    def __str__(self) -> str:
        return f"{self.application} · {self.round.number}"

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.LOCKED


class RoundFile(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Attached document")
        FORM = "form", _("Application form")

    signing_round = models.ForeignKey(SigningRound, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(_("file name"), max_length=200)
    base_blob = models.ForeignKey(
        "documents.Blob", verbose_name=_("original file"), on_delete=models.PROTECT, related_name="+"
    )
    # How many signatures are embedded so far (= the number of FileSignature rows).
    revision = models.PositiveSmallIntegerField(default=0)
    size = models.BigIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["signing_round", "position", "pk"]
        verbose_name = _("round file")
        verbose_name_plural = _("round files")

    def __str__(self) -> str:
        return self.file_name

    @property
    def original_sha256(self) -> str:
        return self.base_blob_id


class SignatureRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Not signed yet")
        SIGNED = "signed", _("Signed")

    signing_round = models.ForeignKey(SigningRound, on_delete=models.CASCADE, related_name="requests")
    engineer = models.ForeignKey(
        "applications.ApplicationEngineer",
        verbose_name=_("engineer"),
        on_delete=models.CASCADE,
        related_name="signature_requests",
    )
    member = models.ForeignKey(
        "registry.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    national_id = models.CharField(_("national ID number"), max_length=11)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    method = models.CharField(_("signed with"), max_length=20, blank=True)
    certificate = models.JSONField(_("certificate"), default=dict, blank=True)
    last_refusal = models.JSONField(_("last refusal"), default=dict, blank=True)

    class Meta:
        ordering = ["signing_round", "engineer__position", "pk"]
        verbose_name = _("signature request")
        verbose_name_plural = _("signature requests")
        constraints = [
            models.UniqueConstraint(
                fields=["signing_round", "engineer"], name="one_request_per_engineer_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signing_round} · {self.member}"

    @property
    def is_signed(self) -> bool:
        return self.state == self.State.SIGNED


class SigningSession(models.Model):
    class State(models.TextChoices):
        STARTED = "started", _("Waiting for the signer agent")
        PREPARING = "preparing", _("Preparing the files")
        PREPARED = "prepared", _("Waiting for the signatures")
        FINISHING = "finishing", _("Embedding and checking the signatures")
        COMPLETED = "completed", _("Signed")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(SignatureRequest, on_delete=models.CASCADE, related_name="sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    protocol = models.CharField(max_length=40, default="evize_agent")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.STARTED)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    certificate_der = models.BinaryField(null=True, blank=True)
    chain_der = models.JSONField(default=list, blank=True)  # base64 DER of the intermediates
    certificate = models.JSONField(default=dict, blank=True)
    refusal = models.JSONField(default=dict, blank=True)
    bytes_to_agent = models.PositiveIntegerField(default=0)
    bytes_from_agent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signing session")
        verbose_name_plural = _("signing sessions")

    def __str__(self) -> str:
        return f"{self.request} · {self.get_state_display()}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.COMPLETED, self.State.REFUSED, self.State.CANCELLED)


class PreparedSignature(models.Model):
    session = models.ForeignKey(SigningSession, on_delete=models.CASCADE, related_name="prepared")
    round_file = models.ForeignKey(RoundFile, on_delete=models.CASCADE, related_name="+")
    based_on_revision = models.PositiveSmallIntegerField()
    field_name = models.CharField(max_length=120)
    increment = models.BinaryField()
    increment_sha256 = models.CharField(max_length=64)
    prefix_size = models.BigIntegerField()
    reserved_start = models.BigIntegerField()
    reserved_end = models.BigIntegerField()
    document_digest = models.BinaryField()
    to_be_signed = models.BinaryField()

    class Meta:
        ordering = ["session", "round_file__position", "round_file__pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "round_file"], name="one_prepared_per_session_file")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} · {self.round_file}"


class FileSignature(models.Model):
    class Method(models.TextChoices):
        AGENT = "agent", _("e-Vize signer agent")
        UPLOAD = "upload", _("Signed elsewhere and uploaded")

    round_file = models.ForeignKey(RoundFile, on_delete=models.CASCADE, related_name="signatures")
    request = models.ForeignKey(SignatureRequest, on_delete=models.CASCADE, related_name="file_signatures")
    revision = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=10, choices=Method.choices)
    field_name = models.CharField(max_length=120)
    # The bytes this signature appended (signature revision, and DSS for B-LT), in private storage.
    increment_key = models.CharField(max_length=200)
    increment_size = models.PositiveIntegerField()
    increment_sha256 = models.CharField(max_length=64)
    prefix_size = models.BigIntegerField()
    signer_name = models.CharField(max_length=200)
    national_id = models.CharField(max_length=30)
    signing_time = models.DateTimeField(null=True, blank=True)
    level = models.CharField(max_length=8, blank=True)
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_file", "revision"]
        verbose_name = _("file signature")
        verbose_name_plural = _("file signatures")
        constraints = [
            # Two signers finishing on the same file at once: the second insert fails, nothing is lost.
            models.UniqueConstraint(fields=["round_file", "revision"], name="one_signature_per_revision"),
            models.UniqueConstraint(fields=["round_file", "request"], name="one_signature_per_signer_file"),
        ]

    def __str__(self) -> str:
        return f"{self.round_file} · {self.signer_name}"

    @property
    def total_size(self) -> int:
        return self.prefix_size + self.increment_size
