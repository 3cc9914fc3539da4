"""The officer's signer agent: the e-Vize agent's own protocol (evize.signatures.contrib), unchanged.

The agent posts to `<server>/imza/ajan/...`; an officer's agent is started with
`--server https://<e-Vize>/vize`, so its requests land here (/vize/imza/ajan/...) with the
one-time token of the officer's visa signing in the Authorization header.
"""

from __future__ import annotations

import json

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from evize.signatures.base import PlanItem, ProtocolError, SigningOutcome, SigningPlan
from evize.signatures.registry import get_protocol

from . import services

AGENT_MAX_BODY = 512 * 1024


def _bearer(request) -> str:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _payload(request):
    if len(request.body) > AGENT_MAX_BODY:
        raise ProtocolError("request too large")
    try:
        return json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError("JSON expected") from exc


def _outcome(protocol, state: str, message: str, code: str = "", status: int = 200) -> JsonResponse:
    return JsonResponse(
        protocol.render_outcome(SigningOutcome(state=state, message=message, code=code)),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt
@never_cache
@require_POST
def agent_certificate(request):
    protocol = get_protocol("evize_agent")
    try:
        submission = protocol.parse_certificate(_payload(request))
        signing, items = services.visa_signing_certificate(
            token=_bearer(request), certificate_der=submission.certificate_der, chain_der=submission.chain_der
        )
    except ProtocolError as exc:
        return _outcome(protocol, "refused", str(exc), "protocol", status=400)
    except services.VisaError as exc:
        return _outcome(protocol, "refused", exc.message, "refused", status=409)
    numbers = sorted({item.visa_number for item in items})
    plan = SigningPlan(
        session_id=str(signing.pk),
        application_number=", ".join(numbers),
        round_number=0,
        signer_name=signing.officer.get_full_name(),
        expires_at=signing.expires_at.isoformat() if signing.expires_at else "",
        items=tuple(
            PlanItem(
                ref=item.ref,
                file_name=f"{item.visa_number} · {item.file_name}",
                sha256=item.sha256,
                size=item.size,
                to_be_signed=item.to_be_signed,
            )
            for item in items
        ),
    )
    return JsonResponse(protocol.render_plan(plan), json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@never_cache
@require_POST
def agent_signatures(request):
    protocol = get_protocol("evize_agent")
    try:
        signatures = protocol.parse_signatures(_payload(request))
        issued = services.visa_signing_signatures(token=_bearer(request), signatures=signatures)
    except ProtocolError as exc:
        return _outcome(protocol, "refused", str(exc), "protocol", status=400)
    except services.VisaError as exc:
        return _outcome(protocol, "refused", exc.message, "refused", status=409)
    return _outcome(protocol, "completed", ", ".join(v.number for v in issued))


@csrf_exempt
@never_cache
@require_POST
def agent_cancel(request):
    protocol = get_protocol("evize_agent")
    try:
        payload = _payload(request)
    except ProtocolError as exc:
        return _outcome(protocol, "refused", str(exc), "protocol", status=400)
    services.visa_signing_cancel(token=_bearer(request), reason_text=str(payload.get("reason", ""))[:200])
    return _outcome(protocol, "cancelled", "")
