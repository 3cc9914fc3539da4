"""Reading documents, and the one place that decides who may see or change them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from evize.applications.models import Application, Status
from evize.catalog.models import DocumentType

from .models import Document

# Files may be added or deleted only while the engineer is filling the form or correcting it after
# notes; once a round is signed they are locked (view only).
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.NOTES_SENT})


class DocumentsLocked(PermissionDenied):
    """The engineer may see the application, but its files are locked (signed)."""

    message = _("The files of this application are locked: it has been signed. They can only be viewed.")


def is_engineer_of(user, application: Application) -> bool:
    member_id = getattr(user, "member_id", None)
    if not member_id:
        return False
    return application.engineers.filter(member_id=member_id).exists()


def can_view_application(user, application: Application) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_office_staff:
        return True
    return is_engineer_of(user, application)


def documents_editable(application: Application) -> bool:
    return application.status in EDITABLE_STATUSES


def application_for_user(user, pk, *, edit: bool = False) -> Application:
    """The application `pk` if `user` may see it (its engineers, office staff), else Http404 so
    that others learn nothing about it. With `edit=True` only its engineers pass, and only while
    the application is editable (DocumentsLocked, a 403, otherwise)."""
    try:
        application = Application.objects.get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if edit:
        application_check_editable(user, application)
        return application
    if not can_view_application(user, application):
        raise Http404
    return application


def application_check_editable(user, application: Application) -> None:
    """The `edit=True` check of `application_for_user` on an application just read from the
    database (e.g. joined to an upload session in the same query): Http404 unless `user` is one of
    its engineers, DocumentsLocked unless it is editable."""
    if not getattr(user, "is_authenticated", False) or not is_engineer_of(user, application):
        raise Http404
    if not documents_editable(application):
        raise DocumentsLocked(DocumentsLocked.message)


def document_for_user(user, pk, *, edit: bool = False) -> Document:
    """A document of an application `user` may see (or change, with `edit`); Http404 otherwise."""
    try:
        document = Document.objects.select_related("blob", "document_type", "application").get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    application_for_user(user, document.application_id, edit=edit)
    return document


def current_documents(application: Application) -> QuerySet[Document]:
    return (
        Document.objects.filter(application=application, state=Document.State.CURRENT)
        .select_related("blob", "document_type")
        .order_by("document_type__sort_order", "document_type__name_tr", "uploaded_at", "pk")
    )


@dataclass
class Slot:
    """One upload slot: a document type, whether it is required, and its current files."""

    document_type: DocumentType
    required: bool = False
    documents: list[Document] = field(default_factory=list)

    @property
    def is_missing(self) -> bool:
        return self.required and not self.documents

    @property
    def accepts_more(self) -> bool:
        return self.document_type.allows_multiple or not self.documents


def _slot_types(work_type) -> list[tuple[DocumentType, bool]]:
    """(document type, required) for the slots to show: the types the work type asks for, or
    every active type when the work type is not known yet."""
    if work_type is None:
        return [
            (dt, False)
            for dt in DocumentType.objects.filter(is_active=True).order_by("sort_order", "name_tr")
        ]
    from evize.catalog.selectors import document_requirements

    return [(req.document_type, req.required) for req in document_requirements(work_type)]


def document_slots(application: Application, work_type=None) -> list[Slot]:
    """The upload slots of an application with their current files (a constant number of
    queries). A type that is no longer offered still shows while it holds files."""
    slots = {dt.pk: Slot(document_type=dt, required=required) for dt, required in _slot_types(work_type)}
    for document in current_documents(application):
        slot = slots.get(document.document_type_id)
        if slot is None:
            slot = slots[document.document_type_id] = Slot(document_type=document.document_type)
        slot.documents.append(document)
    return sorted(slots.values(), key=lambda s: (s.document_type.sort_order, s.document_type.name_tr))


def missing_required_documents(application: Application, work_type) -> list[DocumentType]:
    """The document types the work type requires that have no current file yet."""
    from evize.catalog.selectors import required_document_types

    present = set(
        Document.objects.filter(application=application, state=Document.State.CURRENT).values_list(
            "document_type_id", flat=True
        )
    )
    return [
        dt
        for dt in required_document_types(work_type).order_by("sort_order", "name_tr")
        if dt.pk not in present
    ]


def application_work_type(application: Application):
    """The application's work type once the form stores one (None until then)."""
    return getattr(application, "work_type", None)


def manifest_documents(application: Application) -> list[Document]:
    """Every current file of the application, for the Başvuru Formu manifest."""
    return list(current_documents(application))
