"""The visa office's review (guide steps 23-25): who reviews an application, the notes on it,
each notation (notlama: one "send notes") with its notes PDF and annotated project, the checklist
per work type and the library of standard comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Assignment(models.Model):
    """A control engineer assigned to review an application; only one assignment is active."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("control engineer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-assigned_at", "-pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(active=True),
                name="one_active_assignment_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} → {self.reviewer}"


class Notation(models.Model):
    """One "send notes" (notlama) of an application: its number, the notes PDF and the annotated
    copy of the drawings (a new PDF, the signed original is never modified)."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="notations",
    )
    number = models.PositiveSmallIntegerField(_("notation"))
    round = models.ForeignKey(
        "applications.Round",
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notations",
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    notes_blob = models.ForeignKey(
        "documents.Blob",
        verbose_name=_("notes PDF"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    annotated_blob = models.ForeignKey(
        "documents.Blob",
        verbose_name=_("annotated project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled = models.BooleanField(_("cancelled the application"), default=False)

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("notation")
        verbose_name_plural = _("notations")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="unique_notation_number"),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.number}"

    def file_stem(self) -> str:
        number = (self.application.registration_number or str(self.application_id)).replace("/", "-")
        return f"{number}-{self.number}"


class Note(models.Model):
    class Category(models.TextChoices):
        MISSING_DOCUMENT = "missing_document", _("Missing document")
        WRONG_DOCUMENT = "wrong_document", _("Wrong document")
        CORRECTION_NEEDED = "correction_needed", _("Correction needed")

    class Shape(models.TextChoices):
        RECTANGLE = "rectangle", _("Rectangle")
        CLOUD = "cloud", _("Cloud")
        TEXT = "text", _("Text box")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        RESOLVED = "resolved", _("Resolved")

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_notes",
    )
    round = models.ForeignKey(
        "applications.Round",
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_notes",
    )
    notation = models.ForeignKey(
        Notation,
        verbose_name=_("notation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notes",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_notes",
    )
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    # {"x": …, "y": …, "w": …, "h": …, "shape": …} in PDF points from the page's lower-left corner;
    # w = h = 0 is a pin; "shape" (Note.Shape, rectangle when absent) is how an area is drawn.
    rect = models.JSONField(_("area on the page"), null=True, blank=True)
    text = models.TextField(_("note"), max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    answer = models.TextField(_("engineer's answer"), blank=True, max_length=4000)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_resolved(self) -> bool:
        return self.status == self.State.RESOLVED

    @property
    def is_pin(self) -> bool:
        return bool(self.rect) and not (self.rect.get("w") or self.rect.get("h"))


class ChecklistItem(models.Model):
    """A point the control engineer checks, for one work type (or every work type when empty)."""

    work_type = models.ForeignKey(
        "catalog.WorkType",
        verbose_name=_("work type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.CharField(_("check"), max_length=300)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.text


class ChecklistCheck(models.Model):
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="checklist_checks"
    )
    round = models.ForeignKey(
        "applications.Round", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="checks")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checklist check")
        verbose_name_plural = _("checklist checks")
        constraints = [
            models.UniqueConstraint(fields=["application", "round", "item"], name="unique_check_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.item}"


class StandardComment(models.Model):
    """A note the office writes often, offered as a quick pick."""

    category = models.CharField(_("category"), max_length=20, choices=Note.Category.choices)
    text = models.TextField(_("text"), max_length=2000)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("standard comment")
        verbose_name_plural = _("standard comments")

    def __str__(self) -> str:
        return self.text[:60]


class AnnotatedUpload(models.Model):
    """An annotated copy of the drawings made by the control engineer in a desktop PDF tool and
    uploaded: the next "send notes" attaches it instead of the copy the system makes from the notes."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="annotated_uploads",
    )
    blob = models.ForeignKey(
        "documents.Blob", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    annotation_count = models.PositiveIntegerField(_("annotations"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    notation = models.OneToOneField(
        Notation,
        verbose_name=_("notation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="annotated_upload",
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("uploaded annotated project")
        verbose_name_plural = _("uploaded annotated projects")
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(notation__isnull=True),
                name="one_pending_annotated_upload",
            )
        ]

    def __str__(self) -> str:
        return self.file_name
