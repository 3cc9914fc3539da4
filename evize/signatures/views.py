"""The signing page of an application, its htmx fragments, round file downloads, signed-elsewhere
uploads, and the signer agent's JSON endpoints (authenticated by the one-time session token)."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from evize.accounts.permissions import ENGINEER, STAFF, role_required
from evize.documents.downloads import content_disposition
from evize.documents.selectors import application_for_user, is_engineer_of
from evize.documents.spool import spooled_upload

from . import conf, files, selectors, services
from .base import ProtocolError, SigningOutcome
from .models import RoundFile, SigningSession
from .registry import get_protocol
from .validation import Refused

logger = logging.getLogger(__name__)

AGENT_MAX_BODY = 512 * 1024


def _server_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
@role_required(ENGINEER, *STAFF)
def application_signing(request, pk):
    """Step 20/21/25: sign the round, see who signed, retry a failed signing, or read the reports."""
    application = application_for_user(request.user, pk)
    if is_engineer_of(request.user, application):
        services.signing_round_ensure(actor=request.user, application=application)
    page = selectors.signing_page(request.user, application)
    return render(
        request,
        "signatures/application.html",
        {
            "page": page,
            "application": application,
            "agent_url": conf.agent_url(),
            "server_url": _server_url(request),
        },
    )


@require_POST
@role_required(ENGINEER)
def session_start(request, pk):
    """ "İmzala": a one-time signing session; the page hands its token to the local agent."""
    application = application_for_user(request.user, pk)
    try:
        session, token = services.signing_session_start(actor=request.user, application=application)
    except services.SigningError as exc:
        return render(request, "signatures/_session.html", {"error": exc.message, "application": application})
    protocol = get_protocol(session.protocol)
    launch = protocol.launch(
        token=token, server_url=_server_url(request), agent_url=conf.agent_url(), session_id=str(session.pk)
    )
    return render(
        request,
        "signatures/_session.html",
        {"session": session, "launch": json.dumps(launch), "application": application, "polling": True},
    )


@never_cache
@require_GET
@role_required(ENGINEER)
def session_status(request, session_id):
    session = selectors.session_for_user(request.user, session_id)
    response = render(
        request,
        "signatures/_session.html",
        {
            "session": session,
            "application": session.request.signing_round.application,
            "polling": not session.is_finished,
        },
    )
    if session.state == SigningSession.State.COMPLETED:
        response["HX-Refresh"] = "true"
    return response


def _stream_file(round_file: RoundFile, *, inline: bool) -> StreamingHttpResponse:
    response = StreamingHttpResponse(files.iter_file(round_file), content_type="application/pdf")
    response["Content-Length"] = str(files.current_size(round_file))
    response["Content-Disposition"] = content_disposition(round_file.file_name, inline=inline)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_GET
@role_required(ENGINEER, *STAFF)
def file_download(request, pk):
    """A round file as it is now: with every signature so far (the file to sign elsewhere, or the
    signed file). Signed files are immutable: they can only be viewed or downloaded."""
    round_file = selectors.round_file_for_user(request.user, pk)
    return _stream_file(round_file, inline=request.GET.get("goster") == "1")


@require_POST
@role_required(ENGINEER)
def file_upload(request, pk):
    """A round file signed elsewhere (any PAdES tool)."""
    round_file = selectors.round_file_for_user(request.user, pk)
    application = round_file.signing_round.application
    back = reverse("signatures:application", args=[application.pk])
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the signed PDF file to upload."))
        return redirect(back)
    if upload.size > settings.EVIZE_UPLOAD_MAX_BYTES:
        messages.error(request, _("The file is too large."))
        return redirect(back)
    with spooled_upload(upload) as path:
        try:
            services.signed_upload_accept(actor=request.user, round_file=round_file, path=path)
        except Refused as refusal:
            messages.error(
                request,
                _("%(file)s was not accepted: %(reason)s")
                % {"file": round_file.file_name, "reason": refusal.message},
            )
            return redirect(back)
        except services.SigningError as exc:
            messages.error(request, exc.message)
            return redirect(back)
    messages.success(request, _("%(file)s: your signature was accepted.") % {"file": round_file.file_name})
    return redirect(back)


# --- the signer agent's endpoints ------------------------------------------------------------------


def _bearer(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _agent_json(request):
    if len(request.body) > AGENT_MAX_BODY:
        raise ProtocolError("request too large")
    try:
        return json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError("JSON expected") from exc


def _refused(protocol, refusal: Refused, status: int = 409) -> JsonResponse:
    outcome = SigningOutcome(state="refused", message=str(refusal.message), code=refusal.code)
    return JsonResponse(
        protocol.render_outcome(outcome), status=status, json_dumps_params={"ensure_ascii": False}
    )


def _bad_request(protocol, exc: ProtocolError) -> JsonResponse:
    outcome = SigningOutcome(state="refused", message=str(exc), code="protocol")
    return JsonResponse(protocol.render_outcome(outcome), status=400)


def _session_protocol(token: str):
    session = (
        SigningSession.objects.filter(token_hash=services._token_hash(token)).only("pk", "protocol").first()
    )
    return session, get_protocol(session.protocol if session else None)


@csrf_exempt
@never_cache
@require_POST
def agent_certificate(request):
    token = _bearer(request)
    session, protocol = _session_protocol(token)
    try:
        submission = protocol.parse_certificate(_agent_json(request))
        plan = services.signing_session_certificate(
            token=token,
            certificate_der=submission.certificate_der,
            chain_der=submission.chain_der,
            agent=submission.agent,
        )
    except ProtocolError as exc:
        return _bad_request(protocol, exc)
    except Refused as refusal:
        return _refused(protocol, refusal, status=404 if refusal.code == "session_unknown" else 409)
    response = JsonResponse(protocol.render_plan(plan), json_dumps_params={"ensure_ascii": False})
    services.session_bytes_count(
        session_id=session.pk, from_agent=len(request.body), to_agent=len(response.content)
    )
    return response


@csrf_exempt
@never_cache
@require_POST
def agent_signatures(request):
    token = _bearer(request)
    session, protocol = _session_protocol(token)
    try:
        signatures = protocol.parse_signatures(_agent_json(request))
        outcome = services.signing_session_signatures(token=token, signatures=signatures)
    except ProtocolError as exc:
        return _bad_request(protocol, exc)
    except Refused as refusal:
        return _refused(protocol, refusal, status=404 if refusal.code == "session_unknown" else 409)
    response = JsonResponse(protocol.render_outcome(outcome), json_dumps_params={"ensure_ascii": False})
    services.session_bytes_count(
        session_id=session.pk, from_agent=len(request.body), to_agent=len(response.content)
    )
    return response


@csrf_exempt
@never_cache
@require_POST
def agent_cancel(request):
    token = _bearer(request)
    _session, protocol = _session_protocol(token)
    try:
        payload = _agent_json(request)
        services.signing_session_cancel(token=token, reason_text=str(payload.get("reason", ""))[:200])
    except ProtocolError as exc:
        return _bad_request(protocol, exc)
    except Refused as refusal:
        return _refused(protocol, refusal)
    return JsonResponse(protocol.render_outcome(SigningOutcome(state="cancelled", message="")))
