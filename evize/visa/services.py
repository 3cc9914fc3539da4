"""Issuing visas (guide steps 26, 27): the number, the stamped files signed by the visa officer,
delivery by e-mail, revocation; and checking an uploaded file against the visa'd files.

The officer signs like the engineers: the server prepares each file (stamps + signature
placeholder) and hands the signed attributes to the officer's token (signer agent or any
PKCS#11 / PKCS#12 signer); the signature values come back and are embedded. The key never leaves
the officer's token. One preparation may cover several pending visas (one PIN for a batch).
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import logging
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.timestamps import HTTPTimeStamper

from evize.accounts.models import User
from evize.applications.models import Application, Status
from evize.applications.workflow import TransitionNotAllowed, transition
from evize.audit.services import audit_record
from evize.documents.blobstore import blob_put
from evize.documents.models import Blob
from evize.signatures import conf as signatures_conf
from evize.signatures import files, pdf, validation
from evize.signatures.models import SigningRound
from evize.signatures.validation import Refused

from . import checks, conf, stamp
from .models import OfficerProfile, Visa, VisaCounter, VisaFile, VisaPrepared, VisaSigning

logger = logging.getLogger(__name__)

# Modification levels (pyHanko's diff analysis) that keep an earlier signature valid.
ACCEPTED_MODIFICATIONS = frozenset({None, "NONE", "LTA_UPDATES", "FORM_FILLING"})


class VisaError(Exception):
    """Something the person cannot do now (translated message)."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = str(message)


# --- numbers and links ----------------------------------------------------------------------------


def visa_number_take(*, year: int | None = None) -> tuple[int, int, str]:
    """The next visa number of the year: gapless (the counter row stays locked until the caller's
    transaction ends, so a rollback gives the number back)."""
    year = year or timezone.localdate().year
    with transaction.atomic():
        VisaCounter.objects.get_or_create(year=year)
        counter = VisaCounter.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
    return year, counter.last, conf.number_format().format(year=year, seq=counter.last)


def slug_of(number: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in number)


def verify_path(visa: Visa) -> str:
    return reverse("visa:verify_number", args=[visa.slug])


def verify_url(visa: Visa) -> str:
    return f"{conf.base_url()}{verify_path(visa)}"


def _details_path(application: Application) -> str:
    return reverse("applications:detail", args=[application.pk])


# --- start: the visa fee is paid ------------------------------------------------------------------


def visa_issue_start(application_id: int, *, actor: Any = None, recovered: bool = False) -> Visa | None:
    """The visa fee is settled (application "visa being issued"): reserve the visa number and put
    the visa in the officers' queue. Idempotent: the pending visa is returned. `recovered`: called
    by the sweep (`visa_pending_sweep`), not by the payment's on-commit hook."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application_id)
        if application.status != Status.VISA_ISSUING:
            return None
        pending = application.visas.filter(state=Visa.State.PENDING).first()
        if pending is not None:
            return pending
        year, seq, number = visa_number_take()
        visa = Visa.objects.create(
            application=application, number=number, slug=slug_of(number), year=year, seq=seq
        )
        data: dict[str, Any] = {"visa": number, "visa_id": visa.pk}
        if recovered:
            data["recovered"] = True
        audit_record(actor=actor, action="evize.visa.queued", target=application, data=data)
    return visa


def applications_missing_visa() -> QuerySet[Application]:
    """Applications whose visa fee is settled ("visa being issued") but which have no pending visa:
    the payment's on-commit hook (`visa_issue_start`) never ran, e.g. the process died after the
    payment's commit."""
    pending = Visa.objects.filter(application=OuterRef("pk"), state=Visa.State.PENDING)
    return Application.objects.filter(status=Status.VISA_ISSUING).exclude(Exists(pending)).order_by("pk")


def visa_pending_sweep(*, actor: Any = None) -> list[Visa]:
    """Queue the missing pending visas (idempotent, race-safe: `visa_issue_start` locks the
    application and checks again). Run by the officers' queue page and periodically (Celery)."""
    created = []
    for application_id in applications_missing_visa().values_list("pk", flat=True):
        visa = visa_issue_start(application_id, actor=actor, recovered=True)
        if visa is not None:
            logger.warning("visa %s queued by the sweep for application %s", visa.number, application_id)
            created.append(visa)
    return created


# --- the officer ------------------------------------------------------------------------------------


def officer_national_id(user: Any) -> str | None:
    profile = OfficerProfile.objects.filter(user=user).first()
    if profile is not None and profile.national_id:
        return profile.national_id.strip()
    return conf.officer_national_ids().get(getattr(user, "username", "")) or None


def _require_officer(actor: Any) -> str:
    if actor is None or getattr(actor, "role", None) != User.Role.VISA_OFFICER:
        raise PermissionDenied(_("Only a visa officer can sign visas."))
    national_id = officer_national_id(actor)
    if not national_id:
        raise VisaError(
            _("No national ID number is registered for your account; ask the chamber administrator.")
        )
    return national_id


def _timestamper() -> HTTPTimeStamper | None:
    url = signatures_conf.tsa_url()
    return HTTPTimeStamper(url, timeout=20) if url else None


def source_round(application: Application) -> SigningRound:
    """The application's latest signed and locked round: its files are what gets visa'd."""
    signing_round = (
        SigningRound.objects.filter(application=application, state=SigningRound.State.LOCKED)
        .order_by("-round__number")
        .first()
    )
    if signing_round is None:
        raise VisaError(_("This application has no signed round to visa."))
    return signing_round


def _field_name(visa: Visa) -> str:
    return f"Vize-{visa.slug}"


@dataclass(frozen=True)
class SignItem:
    ref: str
    visa_number: str
    file_name: str
    sha256: str  # of the engineer-signed file being visa'd
    size: int
    to_be_signed: bytes


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def visa_signing_start(*, actor: Any, visas: list[Visa]) -> tuple[VisaSigning, str]:
    """The officer presses "Sign": a one-time token for the signer agent covering `visas` (one
    PIN for the whole batch). Returns the signing and the token (only its hash is kept)."""
    _require_officer(actor)
    if not visas:
        raise VisaError(_("Choose at least one visa to sign."))
    for visa in visas:
        visa.refresh_from_db()
        if visa.state != Visa.State.PENDING:
            raise VisaError(_("Visa %(number)s is not waiting for a signature.") % {"number": visa.number})
    token = secrets.token_urlsafe(32)
    signing = VisaSigning.objects.create(
        officer=actor,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + datetime.timedelta(seconds=signatures_conf.session_seconds()),
    )
    signing.visas.set(visas)
    audit_record(
        actor=actor,
        action="evize.visa.signing_started",
        object_type="visa.visasigning",
        object_id=str(signing.pk),
        data={"visas": [v.number for v in visas]},
    )
    return signing, token


def _signing_for_token(token: str, *, expected: str) -> VisaSigning:
    signing = (
        VisaSigning.objects.select_related("officer").filter(token_hash=_token_hash(token or "")).first()
    )
    if signing is None:
        raise VisaError(_("This signing session does not exist. Please start signing again."))
    if signing.state != expected:
        raise VisaError(_("This signing has already been used. Please start signing again."))
    if signing.expires_at is not None and signing.expires_at < timezone.now():
        raise VisaError(_("This signing session has expired. Please start signing again."))
    return signing


def visa_signing_certificate(
    *, token: str, certificate_der: bytes, chain_der: list[bytes] | tuple[bytes, ...] = ()
) -> tuple[VisaSigning, list[SignItem]]:
    """The officer's signer agent sends the token's certificate: prepare every file."""
    signing = _signing_for_token(token, expected=VisaSigning.State.STARTED)
    return signing, _prepare(signing, certificate_der=certificate_der, chain_der=chain_der)


def visa_signing_signatures(*, token: str, signatures: dict[str, bytes]) -> list[Visa]:
    """The officer's signer agent sends the signature values: embed, check, issue."""
    signing = _signing_for_token(token, expected=VisaSigning.State.PREPARED)
    return visa_signing_finish(actor=signing.officer, signing_id=signing.pk, signatures=signatures)


def visa_signing_cancel(*, token: str, reason_text: str = "") -> None:
    signing = VisaSigning.objects.filter(token_hash=_token_hash(token or "")).first()
    if signing is None or signing.is_finished:
        return
    VisaSigning.objects.filter(pk=signing.pk).update(
        state=VisaSigning.State.CANCELLED, finished_at=timezone.now(), problem={"message": reason_text[:200]}
    )
    audit_record(
        actor=signing.officer,
        action="evize.visa.signing_cancelled",
        object_type="visa.visasigning",
        object_id=str(signing.pk),
        data={"reason": reason_text[:200]},
    )


def visa_signing_prepare(
    *, actor: Any, visas: list[Visa], certificate_der: bytes, chain_der: list[bytes] | tuple[bytes, ...] = ()
) -> tuple[VisaSigning, list[SignItem]]:
    """Start and prepare at once (a signer in the same process, e.g. a PKCS#12 file or a
    PKCS#11 token on the server's side of a script)."""
    signing, _token = visa_signing_start(actor=actor, visas=visas)
    return signing, _prepare(signing, certificate_der=certificate_der, chain_der=chain_der)


def _prepare(
    signing: VisaSigning, *, certificate_der: bytes, chain_der: list[bytes] | tuple[bytes, ...]
) -> list[SignItem]:
    """Check the officer's certificate (trusted, non-repudiation, their registered national ID) and
    prepare every file of the signing's visas: stamps + the officer's signature placeholder.
    Returns what the token signs, one item per file (ref → to-be-signed bytes)."""
    actor = signing.officer
    national_id = _require_officer(actor)
    visas = list(signing.visas.order_by("year", "seq"))
    try:
        summary = validation.check_certificate(certificate_der, chain_der, expected_national_id=national_id)
    except Refused as refusal:
        VisaSigning.objects.filter(pk=signing.pk).update(
            state=VisaSigning.State.FAILED, finished_at=timezone.now(), problem=refusal.as_dict()
        )
        audit_record(
            actor=actor,
            action="evize.visa.certificate_refused",
            object_type="visa.visasigning",
            object_id=str(signing.pk),
            data={"code": refusal.code, "visas": [v.number for v in visas]},
        )
        raise VisaError(refusal.message) from refusal
    officer_name = summary.get("common_name") or actor.get_full_name()
    signer = pdf.SignerInfo(
        certificate_der=certificate_der,
        chain_der=tuple(chain_der),
        name=officer_name,
        reason="Vize",
        location=conf.chamber_name(),
    )
    timestamper = _timestamper()
    items: list[SignItem] = []
    today = timezone.localdate().strftime("%d.%m.%Y")
    for visa in visas:
        if visa.state != Visa.State.PENDING:
            raise VisaError(_("Visa %(number)s is not waiting for a signature.") % {"number": visa.number})
        text = stamp.StampText(
            chamber=conf.chamber_name(),
            number=visa.number,
            date=today,
            officer=officer_name,
            url=verify_url(visa),
        )
        for round_file in source_round(visa.application).files.order_by("position", "pk"):
            with files.spliced(round_file) as stream:
                prefix_size = stream.size
                sha256 = files.file_sha256(round_file)
                prepared, pages = stamp.prepare_stamped(
                    stream,
                    signer=signer,
                    field_name=_field_name(visa),
                    text=text,
                    font_path=conf.stamp_font(),
                    timestamper=timestamper,
                )
            row = VisaPrepared.objects.create(
                signing=signing,
                visa=visa,
                round_file=round_file,
                field_name=prepared.field_name,
                increment=prepared.increment,
                prefix_size=prefix_size,
                reserved_start=prepared.reserved_start,
                reserved_end=prepared.reserved_end,
                document_digest=prepared.document_digest,
                to_be_signed=prepared.to_be_signed,
                pages=pages,
            )
            items.append(
                SignItem(
                    ref=str(row.pk),
                    visa_number=visa.number,
                    file_name=round_file.file_name,
                    sha256=sha256,
                    size=prefix_size,
                    to_be_signed=prepared.to_be_signed,
                )
            )
    VisaSigning.objects.filter(pk=signing.pk).update(
        state=VisaSigning.State.PREPARED,
        certificate_der=certificate_der,
        chain_der=[c.hex() for c in chain_der],
        certificate=summary,
    )
    audit_record(
        actor=actor,
        action="evize.visa.signing_prepared",
        object_type="visa.visasigning",
        object_id=str(signing.pk),
        data={"visas": [v.number for v in visas], "files": len(items), "certificate": summary.get("sha256")},
    )
    return items


def _file_problems(reports: list[dict], field_name: str) -> list[str]:
    problems = []
    if not any(r.get("field") == field_name for r in reports):
        problems.append(f"{field_name}: missing")
    for report in reports:
        if not report.get("ok"):
            problems.append(f"{report.get('field')}: {[p.get('code') for p in report.get('problems', [])]}")
        if (
            report.get("field") != field_name
            and report.get("modification_level") not in ACCEPTED_MODIFICATIONS
        ):
            problems.append(f"{report.get('field')}: modification {report.get('modification_level')}")
    return problems


async def _embed(stream, prepared: pdf.Prepared, *, signer: pdf.SignerInfo, signature: bytes) -> None:
    """The officer's signature value into the prepared file: time-stamped when a TSA is configured
    (B-T), with the validation data of the officer's chain in the DSS (B-LT, as the engineers'
    signatures), and a document time stamp over everything (B-LTA) when EVIZE_VISA_PADES_LTA."""
    timestamper = _timestamper()
    context = validation.validation_context(
        other_certs=[asn1_x509.Certificate.load(c) for c in signer.chain_der]
    )
    try:
        await pdf.async_finish(
            stream,
            prepared,
            signer=signer,
            signature=signature,
            timestamper=timestamper,
            embed_validation_info=signatures_conf.embed_validation_info(),
            validation_context=context,
        )
        if timestamper is not None and conf.pades_lta():
            stream.seek(0)
            writer = IncrementalPdfFileWriter(stream, strict=False)
            await PdfTimeStamper(timestamper, field_name=f"{prepared.field_name}-Zaman").async_timestamp_pdf(
                writer, pdf.MD_ALGORITHM, validation_context=context, in_place=True
            )
    finally:
        await context.aclose()


def _finish_file(
    row: VisaPrepared, signer: pdf.SignerInfo, signature: bytes, work: Path
) -> tuple[Blob, list[dict]]:
    prepared = pdf.Prepared(
        to_be_signed=bytes(row.to_be_signed),
        document_digest=bytes(row.document_digest),
        reserved_start=row.reserved_start,
        reserved_end=row.reserved_end,
        increment=bytes(row.increment),
        base_size=row.prefix_size,
        field_name=row.field_name,
    )
    path = work / f"{row.pk}.pdf"
    digest = hashlib.sha256()
    with files.spliced(row.round_file, extra=bytes(row.increment)) as stream:
        asyncio.run(_embed(stream, prepared, signer=signer, signature=signature))
        stream.seek(0)
        with open(path, "wb") as out:
            while chunk := stream.read(files.CHUNK):
                digest.update(chunk)
                out.write(chunk)
    with open(path, "rb") as fh:
        reports = checks.pdf_reports(fh)
    sha256 = digest.hexdigest()
    size = path.stat().st_size
    key = blob_put(path, sha256)  # may move the file into storage
    blob, _created = Blob.objects.get_or_create(
        sha256=sha256, defaults={"size": size, "storage_key": key, "page_count": row.pages}
    )
    return blob, reports


def visa_signing_finish(*, actor: Any, signing_id: Any, signatures: dict[str, bytes]) -> list[Visa]:
    """Embed the officer's signature values, check every signature of every visa'd file (the
    engineers' still valid with at most form-filling changes, the officer's valid), then issue the
    visas: files kept, application visa'd, engineers e-mailed with the files."""
    _require_officer(actor)
    signing = VisaSigning.objects.select_related("officer").get(pk=signing_id)
    if signing.officer_id != actor.pk:
        raise PermissionDenied(_("This signing belongs to another officer."))
    if signing.state != VisaSigning.State.PREPARED:
        raise VisaError(_("This signing has already been used. Please start signing again."))
    rows = list(signing.prepared.select_related("visa", "round_file__base_blob"))
    missing = [row.pk for row in rows if str(row.pk) not in signatures]
    if missing:
        raise VisaError(_("Signatures are missing for some of the files."))
    signer = pdf.SignerInfo(
        certificate_der=bytes(signing.certificate_der),
        chain_der=tuple(bytes.fromhex(c) for c in signing.chain_der),
        name=signing.certificate.get("common_name", ""),
        reason="Vize",
        location=conf.chamber_name(),
    )
    results: dict[int, list[tuple[VisaPrepared, Blob, list[dict]]]] = {}
    tmp_dir = Path(settings.EVIZE_UPLOAD_TMP_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=tmp_dir) as tmp:
            for row in rows:
                blob, reports = _finish_file(row, signer, signatures[str(row.pk)], Path(tmp))
                problems = _file_problems(reports, row.field_name)
                if problems:
                    raise VisaError(
                        _("The visa'd file %(name)s did not pass the signature check: %(problems)s")
                        % {"name": row.round_file.file_name, "problems": "; ".join(problems)}
                    )
                results.setdefault(row.visa_id, []).append((row, blob, reports))
    except (VisaError, pdf.SignatureValueMismatch) as exc:
        message = (
            exc.message
            if isinstance(exc, VisaError)
            else _("The signature does not match the prepared data.")
        )
        VisaSigning.objects.filter(pk=signing.pk).update(
            state=VisaSigning.State.FAILED, finished_at=timezone.now(), problem={"message": message}
        )
        audit_record(
            actor=actor,
            action="evize.visa.signing_failed",
            object_type="visa.visasigning",
            object_id=str(signing.pk),
            data={"message": message},
        )
        raise VisaError(message) from exc
    issued = []
    with transaction.atomic():
        # Lock, re-check, act: a second finish of the same signing (a retried request) issues nothing.
        locked = VisaSigning.objects.select_for_update().get(pk=signing.pk)
        if locked.state != VisaSigning.State.PREPARED:
            raise VisaError(_("This signing has already been used. Please start signing again."))
        VisaSigning.objects.filter(pk=signing.pk).update(
            state=VisaSigning.State.COMPLETED, finished_at=timezone.now()
        )
        for visa_id, done in results.items():
            issued.append(_issue(visa_id, done, actor=actor, officer_name=signer.name))
    return issued


def _issue(visa_id: int, done, *, actor: Any, officer_name: str) -> Visa:
    from evize.notifications.services import Attachment

    visa = Visa.objects.select_for_update().get(pk=visa_id)
    application = Application.objects.select_for_update().get(pk=visa.application_id)
    superseded = list(
        application.visas.filter(state=Visa.State.VALID).exclude(pk=visa.pk).values_list("number", flat=True)
    )
    application.visas.filter(state=Visa.State.VALID).exclude(pk=visa.pk).update(state=Visa.State.SUPERSEDED)
    attachments = []
    for position, (row, blob, reports) in enumerate(done, start=1):
        name = _visa_file_name(visa, row.round_file.file_name)
        VisaFile.objects.create(
            visa=visa,
            round_file=row.round_file,
            position=position,
            file_name=name,
            blob=blob,
            sha256=blob.sha256,
            size=blob.size,
            pages=row.pages,
            report=reports,
        )
        attachments.append(
            Attachment(filename=name, stored_name=blob.storage_key, content_type="application/pdf")
        )
    visa.state = Visa.State.VALID
    visa.issued_at = timezone.now()
    visa.issued_by = actor
    visa.officer_name = officer_name
    visa.save(update_fields=["state", "issued_at", "issued_by", "officer_name"])
    try:
        transition(
            application,
            to=Status.VISAED,
            actor=actor,
            expected=Status.VISA_ISSUING,
            data={"visa": visa.number},
        )
    except TransitionNotAllowed as exc:
        raise VisaError(exc.message) from exc
    audit_record(
        actor=actor,
        action="evize.visa.issued",
        target=application,
        data={
            "visa": visa.number,
            "files": [{"name": f.file_name, "sha256": f.sha256} for f in visa.files.all()],
            "superseded": superseded,
        },
    )
    _queue_to_engineers(
        kind="visa.delivered",
        application=application,
        context={
            "registration_number": application.registration_number or str(application.pk),
            "visa_number": visa.number,
            "details_url": _details_path(application),
            "verify_url": verify_path(visa),
        },
        attachments=attachments,
        actor=actor,
    )
    return visa


def _queue_to_engineers(
    *, kind: str, application: Application, context: dict, attachments, actor: Any
) -> None:
    """One message per engineer, to the e-mail given on the form, with the visa'd files (the outbox
    turns attachments above its size limit into secure links)."""
    from evize.notifications.services import notification_queue

    for engineer in application.engineers.select_related("member__user"):
        notification_queue(
            kind=kind,
            to_user=getattr(engineer.member, "user", None),
            to_email=engineer.email or None,
            context=context,
            target=application,
            attachments=attachments,
            actor=actor,
        )


def _visa_file_name(visa: Visa, file_name: str) -> str:
    stem = file_name[:-4] if file_name.lower().endswith(".pdf") else file_name
    return f"{stem} - {visa.slug}.pdf"


# --- revocation -----------------------------------------------------------------------------------


def visa_revoke(*, actor: Any, visa: Visa, reason: str) -> Visa:
    """Revoke a valid visa (office staff), with a reason; audited, engineers e-mailed."""
    from evize.notifications.services import notification_queue_to_engineers

    if getattr(actor, "role", None) not in (User.Role.VISA_OFFICER, User.Role.CHAMBER_ADMIN):
        raise PermissionDenied(_("Only the visa office can revoke a visa."))
    reason = (reason or "").strip()
    if not reason:
        raise VisaError(_("Please give the reason for the revocation."))
    with transaction.atomic():
        locked = Visa.objects.select_for_update().select_related("application").get(pk=visa.pk)
        if locked.state != Visa.State.VALID:
            raise VisaError(_("Only a valid visa can be revoked."))
        locked.state = Visa.State.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revoke_reason = reason
        locked.save(update_fields=["state", "revoked_at", "revoked_by", "revoke_reason"])
        audit_record(
            actor=actor,
            action="evize.visa.revoked",
            target=locked.application,
            data={"visa": locked.number, "reason": reason},
        )
        notification_queue_to_engineers(
            kind="visa.revoked",
            application=locked.application,
            context={
                "registration_number": locked.application.registration_number or str(locked.application_id),
                "visa_number": locked.number,
                "reason": reason,
                "details_url": _details_path(locked.application),
                "verify_url": verify_path(locked),
            },
            actor=actor,
        )
    return locked
