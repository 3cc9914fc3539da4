"""Pages and downloads of an application's documents. Every view checks permission through
`selectors.application_for_user` / `document_for_user` (404 for anyone else)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evize.accounts.permissions import ENGINEER, STAFF, role_required

from .downloads import blob_response, content_disposition
from .formpdf import application_form_pdf
from .pdfcheck import DocumentRejected
from .selectors import (
    DocumentsLocked,
    application_for_user,
    application_work_type,
    document_for_user,
    document_slots,
    documents_editable,
    is_engineer_of,
    missing_required_documents,
)
from .services import document_delete

ANY_ROLE = (ENGINEER, *STAFF)


def _limits() -> dict:
    return {
        "max_bytes": settings.EVIZE_UPLOAD_MAX_BYTES,
        "max_size": filesizeformat(settings.EVIZE_UPLOAD_MAX_BYTES),
        "max_pages": settings.EVIZE_PDF_MAX_PAGES,
        "min_paper": settings.EVIZE_PDF_MIN_PAPER.upper(),
        "max_paper": settings.EVIZE_PDF_MAX_PAPER.upper(),
    }


def _page_context(request, application) -> dict:
    work_type = application_work_type(application)
    is_engineer = is_engineer_of(request.user, application)
    return {
        "application": application,
        "slots": document_slots(application, work_type),
        "missing": missing_required_documents(application, work_type) if work_type is not None else None,
        "work_type": work_type,
        "editable": is_engineer and documents_editable(application),
        "locked": not documents_editable(application),
        "limits": _limits(),
        "upload_url": reverse("documents:upload_create", args=[application.pk]),
        "csrf_token_value": get_token(request),
    }


@require_GET
@role_required(*ANY_ROLE)
def application_documents(request, pk):
    """The documents step (guide step 18): one slot per document type."""
    application = application_for_user(request.user, pk)
    return render(request, "documents/application_documents.html", _page_context(request, application))


@require_GET
@role_required(*ANY_ROLE)
def slot_fragment(request, pk, type_pk):
    """One slot, re-rendered after an upload or a deletion (htmx / fetch)."""
    application = application_for_user(request.user, pk)
    context = _page_context(request, application)
    slot = next((s for s in context["slots"] if s.document_type.pk == int(type_pk)), None)
    if slot is None:
        raise Http404
    return render(request, "documents/_slot_response.html", {**context, "slot": slot})


@require_POST
@role_required(ENGINEER)
def document_delete_view(request, pk):
    try:
        document = document_for_user(request.user, pk, edit=True)
        document_delete(actor=request.user, document=document)
    except (DocumentsLocked, DocumentRejected) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
        document = document_for_user(request.user, pk)
        return redirect("documents:application", pk=document.application_id)
    if request.htmx:
        application = application_for_user(request.user, document.application_id)
        context = _page_context(request, application)
        slot = next(s for s in context["slots"] if s.document_type.pk == document.document_type_id)
        return render(request, "documents/_slot_response.html", {**context, "slot": slot})
    messages.success(request, _("“%(name)s” was deleted.") % {"name": document.file_name})
    return redirect("documents:application", pk=document.application_id)


@require_http_methods(["GET", "HEAD"])
@role_required(*ANY_ROLE)
def document_download(request, pk):
    """↓: the file as an attachment (byte ranges supported)."""
    document = document_for_user(request.user, pk)
    return blob_response(request, document.blob, document.file_name, inline=False)


@require_http_methods(["GET", "HEAD"])
@role_required(*ANY_ROLE)
def document_inline(request, pk):
    """The file for the in-browser viewer (byte ranges: the viewer fetches what it shows)."""
    document = document_for_user(request.user, pk)
    return blob_response(request, document.blob, document.file_name, inline=True)


@require_GET
@role_required(*ANY_ROLE)
def document_viewer(request, pk):
    """The magnifier: the PDF rendered in the page (pages, zoom, thumbnails)."""
    document = document_for_user(request.user, pk)
    return render(
        request,
        "documents/viewer.html",
        {"document": document, "application": document.application, "type": document.document_type},
    )


@require_GET
@role_required(*ANY_ROLE)
def application_form(request, pk):
    """The Başvuru Formu of the application as it stands now, as a PDF."""
    application = application_for_user(request.user, pk)
    tmp_dir = Path(settings.EVIZE_UPLOAD_TMP_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=".pdf")
    os.close(fd)
    path = Path(name)
    try:
        application_form_pdf(application, out_path=path)
        handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    finally:
        path.unlink(missing_ok=True)  # the open handle keeps the bytes until the response is sent
    number = (application.registration_number or f"taslak-{application.pk}").replace("/", "-")
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"Basvuru-Formu-{number}.pdf", inline=True)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
