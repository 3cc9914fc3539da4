"""Documents attached to an application (guide step 18).

- `Blob`: the bytes of one file, content-addressed by SHA-256 and never modified. Several documents
  (even of different applications) may share one blob.
- `Document`: a file in an upload slot (a catalog `DocumentType`) of an application. Replacing a
  file makes a new document whose `previous` is the old one; deleting (only before signing) marks
  the row removed, it stays for the audit trail.
- `UploadSession`: an unfinished resumable upload (tus 1.0.0). Its bytes are in a temporary file
  under EVIZE_UPLOAD_TMP_DIR until the last chunk arrives and the checks pass.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Blob(models.Model):
    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    size = models.BigIntegerField(_("size (bytes)"))
    storage_key = models.CharField(_("storage key"), max_length=200, unique=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    created_at = models.DateTimeField(_("stored"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.sha256


class Document(models.Model):
    class State(models.TextChoices):
        CURRENT = "current", _("Current")
        REPLACED = "replaced", _("Replaced by a newer version")
        REMOVED = "removed", _("Deleted")

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    document_type = models.ForeignKey(
        "catalog.DocumentType",
        verbose_name=_("document type"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    blob = models.ForeignKey(Blob, verbose_name=_("file"), on_delete=models.PROTECT, related_name="documents")
    file_name = models.CharField(_("file name"), max_length=200)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.CURRENT, db_index=True
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        ordering = ["document_type__sort_order", "uploaded_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["application", "state"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_current(self) -> bool:
        return self.state == self.State.CURRENT


class UploadSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    document_type = models.ForeignKey("catalog.DocumentType", on_delete=models.CASCADE, related_name="+")
    replaces = models.ForeignKey(Document, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=200)
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("unfinished upload")
        verbose_name_plural = _("unfinished uploads")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.offset}/{self.length})"

    @property
    def temp_path(self):
        return settings.EVIZE_UPLOAD_TMP_DIR / f"{self.id.hex}.part"
