"""Writing signatures: opening a round for signing, the signer agent's session (start → certificate
→ prepared files → signatures → embedded, validated, locked), signed-elsewhere uploads.

Every refusal raises `Refused` (stable code + translated message) after recording it on the session
and in the audit trail; nothing else changes. A round is locked, and the application moves on,
when every engineer has signed every file.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from evize.applications.models import Application, Round, Status
from evize.audit.services import audit_record

from . import conf, files, pdf, validation
from .base import PlanItem, SigningOutcome, SigningPlan
from .models import (
    FileSignature,
    PreparedSignature,
    RoundFile,
    SignatureRequest,
    SigningRound,
    SigningSession,
)
from .validation import Refused, reason

logger = logging.getLogger(__name__)

SIGNING_STATUSES = frozenset({Status.AWAITING_SIGNATURE, Status.AWAITING_RESIGNATURE})

SESSION_REASONS = {
    "session_unknown": gettext_lazy("This signing session does not exist. Please start signing again."),
    "session_expired": gettext_lazy("This signing session has expired. Please start signing again."),
    "session_used": gettext_lazy("This signing session has already been used. Please start signing again."),
    "incomplete": gettext_lazy("Signatures are missing for some of the files."),
    "conflict": gettext_lazy("Another engineer signed these files at the same moment. Please sign again."),
    "not_our_file": gettext_lazy(
        "This file is not the prepared file with a signature added: its first part differs from the file "
        "e-Vize prepared. Download the prepared file, sign it without changing it, and upload it again."
    ),
    "not_one_signature": gettext_lazy(
        "The uploaded file must add exactly one signature to the prepared file."
    ),
    "not_covered": gettext_lazy("The new signature does not cover the whole prepared file."),
    "modified": gettext_lazy("The uploaded file changes the document after the signature."),
    "invalid_pdf": gettext_lazy("The file could not be read as a PDF."),
    "cancelled": gettext_lazy("Signing was cancelled on the signer's computer."),
    "round_closed": gettext_lazy("This round no longer waits for signatures."),
}


def session_reason(code: str) -> str:
    return str(SESSION_REASONS[code])


class SigningError(Exception):
    """A request the person cannot make now (translated message)."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = str(message)


def _timestamper() -> HTTPTimeStamper | None:
    url = conf.tsa_url()
    return HTTPTimeStamper(url, timeout=20) if url else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_path(application: Application) -> str:
    return reverse("signatures:application", args=[application.pk])


# --- rounds --------------------------------------------------------------------------------------------


def _form_file_name(application: Application, number: int) -> str:
    registration = (application.registration_number or str(application.pk)).replace("/", "-")
    return f"Başvuru Formu {registration} ({number}).pdf"


def signing_round_open(*, actor: Any, round: Round, notify: bool = True) -> SigningRound:  # noqa: A002
    """Freeze the files of a submission round for signing (the attached PDFs as they are now, plus
    the Başvuru Formu rendered now), ask every engineer for a signature and e-mail them. An earlier
    round still open is superseded. Idempotent per round."""
    from evize.documents.formpdf import application_form_store
    from evize.documents.selectors import current_documents

    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=round.application_id)
        existing = SigningRound.objects.filter(round=round).first()
        if existing is not None:
            return existing
        superseded = list(
            SigningRound.objects.filter(application=application, state=SigningRound.State.OPEN).values_list(
                "pk", flat=True
            )
        )
        SigningRound.objects.filter(pk__in=superseded).update(state=SigningRound.State.SUPERSEDED)
        signing_round = SigningRound.objects.create(round=round, application=application)
        position = 0
        for position, document in enumerate(current_documents(application), start=1):
            RoundFile.objects.create(
                signing_round=signing_round,
                kind=RoundFile.Kind.DOCUMENT,
                document=document,
                position=position,
                file_name=document.file_name,
                base_blob=document.blob,
                size=document.blob.size,
            )
        form_blob = application_form_store(
            actor=actor,
            application=application,
            round_label=str(_("Round %(number)d") % {"number": round.number}),
        )
        RoundFile.objects.create(
            signing_round=signing_round,
            kind=RoundFile.Kind.FORM,
            position=position + 1,
            file_name=_form_file_name(application, round.number),
            base_blob=form_blob,
            size=form_blob.size,
        )
        engineers = list(application.engineers.select_related("member__user").order_by("position", "pk"))
        for engineer in engineers:
            SignatureRequest.objects.create(
                signing_round=signing_round,
                engineer=engineer,
                member=engineer.member,
                national_id=(engineer.national_id or engineer.member.national_id).strip(),
            )
        audit_record(
            actor=actor,
            action="evize.signature.round_opened",
            target=application,
            data={
                "round": round.number,
                "files": position + 1,
                "engineers": [e.member.sicil_no for e in engineers],
                "superseded": superseded,
            },
        )
        if notify:
            _notify_sign_request(
                actor=actor, application=application, signing_round=signing_round, engineers=engineers
            )
    return signing_round


def _notify_sign_request(*, actor, application: Application, signing_round: SigningRound, engineers) -> None:
    from evize.notifications.services import notification_queue_to_engineers

    first = signing_round.round.number == 1
    context: dict[str, Any] = {
        "registration_number": application.registration_number or str(application.pk),
        "sign_url": sign_path(application),
    }
    requested_by = actor.get_full_name() if actor is not None and hasattr(actor, "get_full_name") else ""
    if first and requested_by:
        context["requested_by"] = requested_by
    notification_queue_to_engineers(
        kind="application.sign_request" if first else "application.resign_request",
        application=application,
        context=context,
        actor=actor,
    )


def signing_round_ensure(*, actor: Any, application: Application) -> SigningRound | None:
    """The application's latest signing round, opened for its latest submission round if the
    application waits for signatures and it is not open yet (idempotent)."""
    latest = application.rounds.order_by("-number").first()
    if latest is None:
        return None
    existing = SigningRound.objects.filter(round=latest).first()
    if existing is not None or application.status not in SIGNING_STATUSES:
        return (
            existing
            or SigningRound.objects.filter(application=application).order_by("-round__number").first()
        )
    return signing_round_open(actor=actor, round=latest)


# --- the agent session --------------------------------------------------------------------------------


def signing_session_start(
    *, actor: Any, application: Application, protocol: str = "evize_agent"
) -> tuple[SigningSession, str]:
    """ "İmzala": a one-time token for the signer agent, valid EVIZE_SIGNING_SESSION_SECONDS. An
    unfinished earlier session of the same signer is cancelled."""
    signing_round = signing_round_ensure(actor=actor, application=application)
    if signing_round is None or signing_round.state != SigningRound.State.OPEN:
        raise SigningError(_("This application has no round waiting for signatures."))
    member_id = getattr(actor, "member_id", None)
    request = signing_round.requests.filter(member_id=member_id).first() if member_id else None
    if request is None:
        raise PermissionDenied
    if request.is_signed:
        raise SigningError(_("You have already signed this round."))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        SignatureRequest.objects.select_for_update().get(pk=request.pk)
        SigningSession.objects.filter(
            request=request, state__in=[SigningSession.State.STARTED, SigningSession.State.PREPARED]
        ).update(state=SigningSession.State.CANCELLED, finished_at=now)
        session = SigningSession.objects.create(
            request=request,
            user=actor,
            token_hash=_token_hash(token),
            protocol=protocol,
            expires_at=now + datetime.timedelta(seconds=conf.session_seconds()),
        )
        audit_record(
            actor=actor,
            action="evize.signature.session_started",
            target=application,
            data={"round": signing_round.round.number, "session": str(session.pk), "protocol": protocol},
        )
    return session, token


def _claim(token: str, *, expected: str, working: str) -> SigningSession:
    """Take the session named by `token` from state `expected` to `working` (once: a replayed or
    expired token is refused and changes nothing)."""
    now = timezone.now()
    failure: Refused | None = None
    with transaction.atomic():
        session = (
            SigningSession.objects.select_for_update()
            .select_related("request__signing_round__round", "request__signing_round__application", "user")
            .filter(token_hash=_token_hash(token or ""))
            .first()
        )
        if session is None:
            failure = Refused("session_unknown", session_reason("session_unknown"))
        elif session.state != expected:
            _audit_refusal(session, "session_used", extra={"state": session.state})
            failure = Refused("session_used", session_reason("session_used"))
        elif session.expires_at <= now:
            failure = Refused("session_expired", session_reason("session_expired"))
            _refuse_locked(session, failure)
        elif session.request.signing_round.state != SigningRound.State.OPEN:
            failure = Refused("round_closed", session_reason("round_closed"))
            _refuse_locked(session, failure)
        else:
            session.state = working
            session.save(update_fields=["state"])
    if failure is not None:
        raise failure
    return session


def _audit_refusal(session: SigningSession, code: str, *, extra: dict | None = None) -> None:
    audit_record(
        actor=session.user,
        action="evize.signature.refused",
        target=session.request.signing_round.application,
        data={
            "session": str(session.pk),
            "reason": code,
            "round": session.request.signing_round.round.number,
            **(extra or {}),
        },
    )


def _refuse_locked(session: SigningSession, refusal: Refused) -> None:
    now = timezone.now()
    session.state = SigningSession.State.REFUSED
    session.finished_at = now
    session.refusal = refusal.as_dict()
    session.save(update_fields=["state", "finished_at", "refusal"])
    SignatureRequest.objects.filter(pk=session.request_id).update(
        last_refusal={**refusal.as_dict(), "at": now.isoformat()}
    )
    _audit_refusal(session, refusal.code, extra={"detail": refusal.details.get("detail", "")[:200]})


def _refuse(session: SigningSession, refusal: Refused) -> None:
    with transaction.atomic():
        locked = (
            SigningSession.objects.select_for_update()
            .select_related("request__signing_round__application", "request__signing_round__round", "user")
            .get(pk=session.pk)
        )
        _refuse_locked(locked, refusal)


def _signer_info(session: SigningSession, certificate_der: bytes, chain: list[bytes]) -> pdf.SignerInfo:
    application = session.request.signing_round.application
    return pdf.SignerInfo(
        certificate_der=certificate_der,
        chain_der=tuple(chain),
        name=session.request.member.full_name,
        reason=_("e-Vize application %(number)s")
        % {"number": application.registration_number or application.pk},
        location=settings.EVIZE_CHAMBER_NAME,
    )


def _field_name(request: SignatureRequest) -> str:
    return f"Imza_T{request.signing_round.round.number}_{request.member.sicil_no}"


def _chain_of(session: SigningSession) -> list[bytes]:
    import base64

    return [base64.b64decode(item) for item in session.chain_der]


def signing_session_certificate(
    *, token: str, certificate_der: bytes, chain_der: tuple[bytes, ...] = (), agent: str = ""
) -> SigningPlan:
    """The agent sent the signer's certificate: check it (trust, validity, revocation,
    nonRepudiation, national ID) and prepare every file of the round for this signer."""
    import base64

    session = _claim(token, expected=SigningSession.State.STARTED, working=SigningSession.State.PREPARING)
    request = session.request
    try:
        summary = validation.check_certificate(
            certificate_der, chain_der, expected_national_id=request.national_id
        )
    except Refused as refusal:
        _refuse(session, refusal)
        raise
    session.certificate_der = certificate_der
    session.chain_der = [base64.b64encode(c).decode("ascii") for c in chain_der]
    session.certificate = summary
    signer = _signer_info(session, certificate_der, list(chain_der))
    timestamper = _timestamper()
    round_files = list(request.signing_round.files.select_related("base_blob").order_by("position", "pk"))
    items: list[PlanItem] = []
    try:
        prepared_rows = []
        for round_file in round_files:
            with files.spliced(round_file) as stream:
                prepared = pdf.prepare(
                    stream, signer=signer, field_name=_field_name(request), timestamper=timestamper
                )
            prepared_rows.append(
                PreparedSignature(
                    session=session,
                    round_file=round_file,
                    based_on_revision=round_file.revision,
                    field_name=prepared.field_name,
                    increment=prepared.increment,
                    increment_sha256=hashlib.sha256(prepared.increment).hexdigest(),
                    prefix_size=prepared.base_size,
                    reserved_start=prepared.reserved_start,
                    reserved_end=prepared.reserved_end,
                    document_digest=prepared.document_digest,
                    to_be_signed=prepared.to_be_signed,
                )
            )
    except (PdfError, OSError, ValueError) as exc:
        logger.exception("signatures: preparing session %s failed", session.pk)
        refusal = Refused("invalid_pdf", session_reason("invalid_pdf"), detail=str(exc)[:200])
        _refuse(session, refusal)
        raise refusal from exc
    with transaction.atomic():
        PreparedSignature.objects.bulk_create(prepared_rows)
        session.state = SigningSession.State.PREPARED
        session.save(update_fields=["state", "certificate_der", "chain_der", "certificate"])
        audit_record(
            actor=session.user,
            action="evize.signature.prepared",
            target=request.signing_round.application,
            data={
                "session": str(session.pk),
                "round": request.signing_round.round.number,
                "files": len(prepared_rows),
                "certificate": {k: summary[k] for k in ("subject", "serial", "issuer", "national_id")},
                "agent": agent,
            },
        )
    for row in session.prepared.select_related("round_file__base_blob").order_by(
        "round_file__position", "round_file__pk"
    ):
        items.append(
            PlanItem(
                ref=str(row.pk),
                file_name=row.round_file.file_name,
                sha256=row.round_file.base_blob_id,
                size=row.round_file.size,
                to_be_signed=bytes(row.to_be_signed),
            )
        )
    application = request.signing_round.application
    return SigningPlan(
        session_id=str(session.pk),
        application_number=application.registration_number or str(application.pk),
        round_number=request.signing_round.round.number,
        signer_name=request.member.full_name,
        expires_at=session.expires_at.isoformat(),
        items=tuple(items),
    )


@dataclass
class _Finished:
    prepared: PreparedSignature
    increment: bytes
    report: dict


async def _finish_one(
    prepared_row: PreparedSignature,
    stream,
    *,
    signer: pdf.SignerInfo,
    signature: bytes,
    expected_national_id: str,
) -> dict:
    prepared = pdf.Prepared(
        to_be_signed=bytes(prepared_row.to_be_signed),
        document_digest=bytes(prepared_row.document_digest),
        reserved_start=prepared_row.reserved_start,
        reserved_end=prepared_row.reserved_end,
        increment=bytes(prepared_row.increment),
        base_size=prepared_row.prefix_size,
        field_name=prepared_row.field_name,
    )
    from asn1crypto import x509 as asn1_x509

    context = validation.validation_context(
        other_certs=[asn1_x509.Certificate.load(c) for c in signer.chain_der]
    )
    try:
        await pdf.async_finish(
            stream,
            prepared,
            signer=signer,
            signature=signature,
            timestamper=_timestamper(),
            embed_validation_info=conf.embed_validation_info(),
            validation_context=context,
        )
    finally:
        await context.aclose()
    stream.seek(0)
    reader = PdfFileReader(stream, strict=False)
    embedded = pdf.embedded_signature(reader, prepared.field_name)
    # The /ByteRange digest was computed over exactly these bytes when the file was prepared
    # (the base is immutable and the increment is checked by its SHA-256), so it is not recomputed.
    return await validation.async_validate_embedded(
        reader, embedded, expected_national_id=expected_national_id, known_digest=prepared.document_digest
    )


def _first_problem(report: dict) -> Refused:
    problem = (report.get("problems") or [{"code": "invalid", "message": reason("invalid")}])[0]
    return Refused(problem["code"], problem["message"])


def signing_session_signatures(*, token: str, signatures: dict[str, bytes]) -> SigningOutcome:
    """The agent sent the signature values: embed each, validate the result, and store it all at
    once (or nothing). When the last engineer has signed, the round is locked."""
    session = _claim(token, expected=SigningSession.State.PREPARED, working=SigningSession.State.FINISHING)
    request = session.request
    prepared_rows = list(
        session.prepared.select_related("round_file__base_blob").order_by(
            "round_file__position", "round_file__pk"
        )
    )
    if set(signatures) != {str(row.pk) for row in prepared_rows}:
        refusal = Refused("incomplete", session_reason("incomplete"))
        _refuse(session, refusal)
        raise refusal
    signer = _signer_info(session, bytes(session.certificate_der), _chain_of(session))
    finished: list[_Finished] = []
    try:
        for row in prepared_rows:
            if hashlib.sha256(bytes(row.increment)).hexdigest() != row.increment_sha256:
                raise OSError("prepared increment damaged")
            with files.spliced(
                row.round_file, revision=row.based_on_revision, extra=bytes(row.increment)
            ) as stream:
                prefix = len(stream.tail) - len(row.increment)
                report = asyncio.run(
                    _finish_one(
                        row,
                        stream,
                        signer=signer,
                        signature=signatures[str(row.pk)],
                        expected_national_id=request.national_id,
                    )
                )
                increment = bytes(stream.tail[prefix:])
            if not report["ok"]:
                raise _first_problem(report)
            finished.append(_Finished(row, increment, report))
    except pdf.SignatureValueMismatch as exc:
        refusal = Refused("bad_signature", reason("bad_signature"))
        _refuse(session, refusal)
        raise refusal from exc
    except Refused as refusal:
        _refuse(session, refusal)
        raise
    except (PdfError, OSError, ValueError) as exc:
        logger.exception("signatures: finishing session %s failed", session.pk)
        refusal = Refused("invalid", reason("invalid"), detail=str(exc)[:200])
        _refuse(session, refusal)
        raise refusal from exc
    stored = [files.increment_store(item.increment) for item in finished]
    try:
        with transaction.atomic():
            _store_signatures(session, finished, stored)
    except (Refused, IntegrityError) as exc:
        refusal = exc if isinstance(exc, Refused) else Refused("conflict", session_reason("conflict"))
        _refuse(session, refusal)
        raise refusal from None
    return SigningOutcome(
        state="completed", message=_("Signed. Every file of the round carries your signature.")
    )


def _store_signatures(
    session: SigningSession, finished: list[_Finished], stored: list[tuple[str, str]]
) -> None:
    request = SignatureRequest.objects.select_for_update().get(pk=session.request_id)
    round_files = {
        rf.pk: rf
        for rf in RoundFile.objects.select_for_update()
        .filter(pk__in=[f.prepared.round_file_id for f in finished])
        .order_by("pk")
    }
    for item, (key, sha256) in zip(finished, stored, strict=True):
        round_file = round_files[item.prepared.round_file_id]
        if round_file.revision != item.prepared.based_on_revision:
            raise Refused("conflict", session_reason("conflict"))
        _file_signature_create(
            round_file=round_file,
            request=request,
            method=FileSignature.Method.AGENT,
            field_name=item.prepared.field_name,
            key=key,
            sha256=sha256,
            size=len(item.increment),
            prefix_size=item.prepared.prefix_size,
            report=item.report,
        )
    now = timezone.now()
    session.state = SigningSession.State.COMPLETED
    session.finished_at = now
    session.save(update_fields=["state", "finished_at"])
    _request_check_complete(
        request, actor=session.user, method=FileSignature.Method.AGENT, certificate=session.certificate
    )


def _file_signature_create(
    *,
    round_file: RoundFile,
    request: SignatureRequest,
    method: str,
    field_name: str,
    key: str,
    sha256: str,
    size: int,
    prefix_size: int,
    report: dict,
) -> FileSignature:
    signing_time = report.get("signing_time")
    signature = FileSignature.objects.create(
        round_file=round_file,
        request=request,
        revision=round_file.revision + 1,
        method=method,
        field_name=field_name,
        increment_key=key,
        increment_size=size,
        increment_sha256=sha256,
        prefix_size=prefix_size,
        signer_name=report.get("signer", "")[:200],
        national_id=report.get("national_id", "")[:30],
        signing_time=datetime.datetime.fromisoformat(signing_time) if signing_time else None,
        level=report.get("level", ""),
        report=report,
    )
    round_file.revision += 1
    round_file.save(update_fields=["revision"])
    return signature


def _request_check_complete(request: SignatureRequest, *, actor, method: str, certificate: dict) -> None:
    """Mark the engineer's request signed once every file carries their signature; lock the round
    when every engineer has signed."""
    signing_round = (
        SigningRound.objects.select_for_update()
        .select_related("round", "application")
        .get(pk=request.signing_round_id)
    )
    total = signing_round.files.count()
    done = request.file_signatures.count()
    application = signing_round.application
    audit_record(
        actor=actor,
        action="evize.signature.signed",
        target=application,
        data={
            "round": signing_round.round.number,
            "engineer": request.member.sicil_no,
            "method": method,
            "files_signed": done,
            "files": total,
            "certificate": {k: certificate.get(k, "") for k in ("subject", "serial", "national_id")},
        },
    )
    if done < total:
        return
    now = timezone.now()
    request.state = SignatureRequest.State.SIGNED
    request.signed_at = now
    request.method = method
    request.certificate = certificate
    request.last_refusal = {}
    request.save(update_fields=["state", "signed_at", "method", "certificate", "last_refusal"])
    if signing_round.requests.exclude(state=SignatureRequest.State.SIGNED).exists():
        return
    signing_round.state = SigningRound.State.LOCKED
    signing_round.locked_at = now
    signing_round.save(update_fields=["state", "locked_at"])
    audit_record(
        actor=actor,
        action="evize.signature.round_locked",
        target=application,
        data={"round": signing_round.round.number, "files": total},
    )
    _application_signed(application, actor=actor, round_number=signing_round.round.number)


def _application_signed(application: Application, *, actor, round_number: int) -> None:
    from evize.applications.workflow import transition

    current = Application.objects.get(pk=application.pk).status
    if current == Status.AWAITING_SIGNATURE:
        transition(
            application,
            to=Status.AWAITING_REGISTRATION_FEE,
            actor=actor,
            expected=Status.AWAITING_SIGNATURE,
            data={"round": round_number},
            on_commit=[
                lambda: registration_fee_open(
                    application_id=application.pk, actor_id=getattr(actor, "pk", None)
                )
            ],
        )
    elif current == Status.AWAITING_RESIGNATURE:
        transition(
            application,
            to=Status.IN_REVIEW,
            actor=actor,
            expected=Status.AWAITING_RESIGNATURE,
            data={"round": round_number},
        )


def registration_fee_open(*, application_id: int, actor_id: int | None) -> None:
    """After commit: ask the payments app for the registration fee (its own transaction; a
    failure is logged, the signatures stay)."""
    from django.contrib.auth import get_user_model

    try:
        from evize.payments.services import fee_registration_open
    except ImportError:  # pragma: no cover - payments not installed
        return
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        fee_registration_open(actor=actor, application=Application.objects.get(pk=application_id))
    except Exception:  # noqa: BLE001 - logged with ids; the office can open the fee by hand
        logger.exception("signatures: opening the registration fee of application %s failed", application_id)


def signing_session_cancel(*, token: str, reason_text: str = "") -> None:
    """The signer declined (or the agent failed) on their computer."""
    now = timezone.now()
    with transaction.atomic():
        session = (
            SigningSession.objects.select_for_update()
            .select_related("request__signing_round__application", "request__signing_round__round", "user")
            .filter(token_hash=_token_hash(token or ""))
            .first()
        )
        if session is None or session.state not in (
            SigningSession.State.STARTED,
            SigningSession.State.PREPARED,
        ):
            raise Refused("session_used", session_reason("session_used"))
        session.state = SigningSession.State.CANCELLED
        session.finished_at = now
        session.refusal = {
            "code": "cancelled",
            "message": session_reason("cancelled"),
            "detail": reason_text[:200],
        }
        session.save(update_fields=["state", "finished_at", "refusal"])
        _audit_refusal(session, "cancelled", extra={"detail": reason_text[:200]})


def session_bytes_count(*, session_id, to_agent: int = 0, from_agent: int = 0) -> None:
    from django.db.models import F

    SigningSession.objects.filter(pk=session_id).update(
        bytes_to_agent=F("bytes_to_agent") + to_agent, bytes_from_agent=F("bytes_from_agent") + from_agent
    )


# --- signed elsewhere ------------------------------------------------------------------------------


def _request_for(actor, signing_round: SigningRound) -> SignatureRequest:
    member_id = getattr(actor, "member_id", None)
    request = (
        signing_round.requests.filter(member_id=member_id).select_related("member").first()
        if member_id
        else None
    )
    if request is None:
        raise PermissionDenied
    return request


def _prefix_sha256(path: Path, length: int) -> str:
    digest = hashlib.sha256()
    remaining = length
    with open(path, "rb") as fh:
        while remaining > 0:
            piece = fh.read(min(files.CHUNK, remaining))
            if not piece:
                break
            digest.update(piece)
            remaining -= len(piece)
    return digest.hexdigest()


def signed_upload_accept(*, actor: Any, round_file: RoundFile, path: Path) -> FileSignature:
    """A file signed with another PAdES tool: accepted only if it is the prepared file (byte for
    byte) followed by exactly one new signature, which validates like ours."""
    signing_round = round_file.signing_round
    if signing_round.state != SigningRound.State.OPEN:
        raise SigningError(session_reason("round_closed"))
    request = _request_for(actor, signing_round)
    if request.file_signatures.filter(round_file=round_file).exists():
        raise SigningError(_("You have already signed this file."))
    revision = round_file.revision
    prefix_size = files.current_size(round_file)
    application = signing_round.application

    def refuse(refusal: Refused) -> Refused:
        now = timezone.now()
        with transaction.atomic():
            SignatureRequest.objects.filter(pk=request.pk).update(
                last_refusal={**refusal.as_dict(), "at": now.isoformat(), "file": round_file.file_name}
            )
            audit_record(
                actor=actor,
                action="evize.signature.refused",
                target=application,
                data={
                    "reason": refusal.code,
                    "method": "upload",
                    "file": round_file.file_name,
                    "round": signing_round.round.number,
                },
            )
        return refusal

    size = path.stat().st_size
    if size <= prefix_size or _prefix_sha256(path, prefix_size) != files.file_sha256(
        round_file, revision=revision
    ):
        raise refuse(Refused("not_our_file", session_reason("not_our_file")))
    existing_fields = set(round_file.signatures.values_list("field_name", flat=True))
    try:
        with open(path, "rb") as fh:
            report, field_name = asyncio.run(
                _validate_upload(fh, existing_fields, prefix_size, expected_national_id=request.national_id)
            )
            fh.seek(prefix_size)
            increment = fh.read()
    except Refused as refusal:
        raise refuse(refusal) from None
    except (PdfError, OSError, ValueError) as exc:
        raise refuse(Refused("invalid_pdf", session_reason("invalid_pdf"), detail=str(exc)[:200])) from exc
    key, sha256 = files.increment_store(increment)
    try:
        with transaction.atomic():
            locked_request = SignatureRequest.objects.select_for_update().get(pk=request.pk)
            locked_file = RoundFile.objects.select_for_update().get(pk=round_file.pk)
            if locked_file.revision != revision:
                raise Refused("conflict", session_reason("conflict"))
            signature = _file_signature_create(
                round_file=locked_file,
                request=locked_request,
                method=FileSignature.Method.UPLOAD,
                field_name=field_name,
                key=key,
                sha256=sha256,
                size=len(increment),
                prefix_size=prefix_size,
                report=report,
            )
            _request_check_complete(
                locked_request,
                actor=actor,
                method=FileSignature.Method.UPLOAD,
                certificate=report.get("certificate", {}),
            )
    except IntegrityError:
        raise refuse(Refused("conflict", session_reason("conflict"))) from None
    except Refused as refusal:
        raise refuse(refusal) from None
    return signature


async def _validate_upload(stream, existing_fields: set[str], prefix_size: int, *, expected_national_id: str):
    reader = PdfFileReader(stream, strict=False)
    new: list[EmbeddedPdfSignature] = [
        s for s in reader.embedded_signatures if s.field_name not in existing_fields
    ]
    if len(new) != 1:
        raise Refused("not_one_signature", session_reason("not_one_signature"))
    embedded = new[0]
    byte_range = [int(x) for x in embedded.byte_range]
    if byte_range[0] != 0 or byte_range[1] < prefix_size:
        raise Refused("not_covered", session_reason("not_covered"))
    report = await validation.async_validate_embedded(
        reader, embedded, expected_national_id=expected_national_id
    )
    if not report["ok"]:
        raise _first_problem(report)
    if report.get("coverage") not in ("ENTIRE_FILE", "ENTIRE_REVISION") or report.get(
        "modification_level"
    ) not in (
        None,
        "NONE",
        "LTA_UPDATES",
        "FORM_FILLING",
    ):
        raise Refused("modified", session_reason("modified"))
    return report, embedded.field_name
