"""The tus 1.0.0 resumable-upload endpoints (core + creation + termination).

POST   /belgeler/basvuru/<pk>/yukleme/     create an upload (Upload-Length, Upload-Metadata)
HEAD   /belgeler/yukleme/<uuid>/            how many bytes have arrived (Upload-Offset)
PATCH  /belgeler/yukleme/<uuid>/            append bytes at Upload-Offset
DELETE /belgeler/yukleme/<uuid>/            give the upload up
OPTIONS on either                           what the server supports

Errors the user must read come back as JSON {"error": "...", "code": "..."} in the active language.
The request body is read in pieces from the stream; it is never held in memory whole.
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from evize.accounts.permissions import needs_otp
from evize.catalog.models import DocumentType

from .models import Document, UploadSession
from .pdfcheck import DocumentRejected
from .selectors import DocumentsLocked, application_check_editable, application_for_user
from .services import (
    UploadError,
    upload_session_append,
    upload_session_create,
    upload_session_offset,
    upload_session_terminate,
)

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination"


def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _error(status: int, message: str, code: str = "") -> HttpResponse:
    return _tus(JsonResponse({"error": str(message), "code": code}, status=status))


def _options() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Tus-Version"] = TUS_VERSION
    response["Tus-Extension"] = TUS_EXTENSIONS
    response["Tus-Max-Size"] = str(settings.EVIZE_UPLOAD_MAX_BYTES)
    return _tus(response)


def _auth_problem(request) -> HttpResponse | None:
    user = request.user
    if not user.is_authenticated:
        return _error(403, _("Your session has ended. Please log in again."), "login_required")
    if needs_otp(user):
        return _error(403, _("Please complete the two-factor login first."), "otp_required")
    if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
        response = _error(412, _("Unsupported upload protocol version."), "tus_version")
        response["Tus-Version"] = TUS_VERSION
        return response
    return None


def parse_metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated "key base64(value)" pairs."""
    result: dict[str, str] = {}
    for pair in (header or "").split(","):
        parts = pair.strip().split(" ")
        if not parts or not parts[0]:
            continue
        value = ""
        if len(parts) > 1:
            try:
                value = base64.b64decode(parts[1], validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                value = ""
        result[parts[0]] = value
    return result


def _header_int(request, name: str) -> int | None:
    value = request.headers.get(name, "")
    if not value.isdigit():
        return None
    return int(value)


@require_http_methods(["POST", "OPTIONS"])
def upload_create(request, pk):
    if request.method == "OPTIONS":
        return _options()
    if problem := _auth_problem(request):
        return problem
    try:
        application = application_for_user(request.user, pk, edit=True)
    except Http404:
        return _error(404, _("Application not found."), "not_found")
    except DocumentsLocked as exc:
        return _error(403, str(exc), "locked")
    length = _header_int(request, "Upload-Length")
    if length is None:
        return _error(400, _("The file size is missing."), "length_required")
    metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
    type_id = metadata.get("document_type", "")
    document_type = DocumentType.objects.filter(pk=int(type_id)).first() if type_id.isdigit() else None
    if document_type is None:
        return _error(400, _("Choose the document type (slot) for this file."), "document_type")
    replaces = None
    if metadata.get("replaces", "").isdigit():
        replaces = Document.objects.filter(pk=int(metadata["replaces"]), application=application).first()
        if replaces is None:
            return _error(400, _("The file to be replaced is not in this slot."), "replaces")
    try:
        session = upload_session_create(
            actor=request.user,
            application=application,
            document_type=document_type,
            file_name=metadata.get("filename") or metadata.get("name") or "",
            length=length,
            replaces=replaces,
        )
    except UploadError as exc:
        return _error(exc.status, exc.message, "refused")
    response = HttpResponse(status=201)
    response["Location"] = reverse("documents:upload", args=[session.pk])
    return _tus(response)


@require_http_methods(["HEAD", "PATCH", "DELETE", "OPTIONS", "POST"])
def upload_resource(request, upload_id):
    method = request.method
    if method == "POST":  # clients behind proxies that drop PATCH use this header
        method = request.headers.get("X-HTTP-Method-Override", "").upper()
        if method not in {"PATCH", "DELETE"}:
            return _error(405, _("Method not allowed."), "method")
    if method == "OPTIONS":
        return _options()
    if problem := _auth_problem(request):
        return problem
    # One query per chunk: the session with its application (checked on every chunk). The slot and
    # the replaced file are needed once, when the last chunk has arrived.
    session = (
        UploadSession.objects.select_related("application").filter(pk=upload_id, user=request.user).first()
    )
    if session is None:
        return _error(404, _("This upload no longer exists. Please choose the file again."), "not_found")
    if method == "HEAD":
        response = HttpResponse(status=200)
        response["Upload-Offset"] = str(upload_session_offset(session))
        response["Upload-Length"] = str(session.length)
        return _tus(response)
    if method == "DELETE":
        upload_session_terminate(actor=request.user, session=session)
        return _tus(HttpResponse(status=204))
    return _patch(request, session)


def _patch(request, session: UploadSession) -> HttpResponse:
    if request.content_type != "application/offset+octet-stream":
        return _error(415, _("Wrong content type for an upload chunk."), "content_type")
    offset = _header_int(request, "Upload-Offset")
    if offset is None:
        return _error(400, _("The upload offset is missing."), "offset_required")
    length = _header_int(request, "Content-Length")
    if length is None:
        return _error(411, _("The chunk length is missing."), "length_required")
    try:
        # Every chunk: the application was read with the session (same request, same query).
        application_check_editable(request.user, session.application)
    except Http404:
        return _error(404, _("Application not found."), "not_found")
    except (DocumentsLocked, PermissionDenied) as exc:
        return _error(403, str(exc), "locked")
    try:
        result = upload_session_append(
            actor=request.user, session=session, offset=offset, stream=request, length=length
        )
    except UploadError as exc:
        return _error(exc.status, exc.message, "upload")
    except DocumentRejected as exc:
        return _error(422, exc.message, exc.code)
    response = HttpResponse(status=204)
    response["Upload-Offset"] = str(result.offset)
    if result.document is not None:
        response["Evize-Document-Id"] = str(result.document.pk)
    return _tus(response)
