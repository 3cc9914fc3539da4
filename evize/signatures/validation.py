"""Checking signers' certificates and PDF signatures against the configured trust anchors.

pyHanko (pyhanko-certvalidator) does the cryptography, the chain to the trust anchors, validity and
revocation (CRL/OCSP, hard- or soft-fail); on top of it we require keyUsage nonRepudiation and a
national ID in the subject serialNumber that equals the signer's registered ID. Every result is a
plain JSON-serialisable report (stored with the round, shown to the engineer and the office).
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors

from . import conf

SERIAL_NUMBER_OID = "2.5.4.5"


class Refused(Exception):
    """A signature or certificate we do not accept; `code` is stable, `message` is translated."""

    def __init__(self, code: str, message: Any, **details: Any):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), **self.details}


REASONS = {
    "untrusted": _("The certificate does not chain to a trusted e-signature provider."),
    "expired": _("The certificate has expired."),
    "not_yet_valid": _("The certificate is not valid yet."),
    "revoked": _("The certificate has been revoked."),
    "revocation_unknown": _("The revocation status of the certificate could not be checked."),
    "no_non_repudiation": _(
        "The certificate is not a qualified signature certificate (key usage “non-repudiation” is missing)."
    ),
    "no_national_id": _("The certificate carries no national ID number (subject serialNumber)."),
    "wrong_national_id": _(
        "The national ID number in the certificate (%(found)s) is not the signer's registered national ID "
        "number."
    ),
    "bad_signature": _(
        "The signature does not match the prepared document (it was made over different data)."
    ),
    "invalid": _("The signature is not valid."),
    "unsupported_key": _("The certificate's key type is not supported (RSA or ECDSA expected)."),
    "bad_certificate": _("The certificate could not be read."),
}


def reason(code: str, **params: Any) -> str:
    text = str(REASONS[code])
    return text % params if params else text


# --- certificate facts ----------------------------------------------------------------------------


def subject_serial_number(certificate: asn1_x509.Certificate) -> str:
    for rdn in certificate.subject.chosen:
        for attribute in rdn:
            if attribute["type"].dotted == SERIAL_NUMBER_OID:
                return str(attribute["value"].native).strip()
    return ""


def national_id_of(certificate: asn1_x509.Certificate, prefixes: Iterable[str] | None = None) -> str:
    """The national ID in the subject serialNumber, without a configured ETSI prefix (PNOTR- …)."""
    value = subject_serial_number(certificate)
    for prefix in conf.national_id_prefixes() if prefixes is None else prefixes:
        if value.upper().startswith(prefix.upper()):
            return value[len(prefix) :].strip()
    return value


def has_non_repudiation(certificate: asn1_x509.Certificate) -> bool:
    usage = certificate.key_usage_value
    return usage is not None and "non_repudiation" in usage.native


def certificate_summary(certificate: asn1_x509.Certificate) -> dict[str, Any]:
    return {
        "subject": certificate.subject.human_friendly,
        "common_name": _name_part(certificate, "common_name"),
        "issuer": certificate.issuer.human_friendly,
        "serial": format(certificate.serial_number, "x"),
        "sha256": hashlib.sha256(certificate.dump()).hexdigest(),
        "not_before": certificate.not_valid_before.isoformat(),
        "not_after": certificate.not_valid_after.isoformat(),
        "national_id": national_id_of(certificate),
        "non_repudiation": has_non_repudiation(certificate),
    }


def _name_part(certificate: asn1_x509.Certificate, key: str) -> str:
    value = certificate.subject.native.get(key, "")
    return ", ".join(value) if isinstance(value, list) else str(value or "")


# --- validation contexts --------------------------------------------------------------------------


def validation_context(
    *, other_certs: Iterable[asn1_x509.Certificate] = (), moment: datetime.datetime | None = None
) -> ValidationContext:
    kwargs: dict[str, Any] = {}
    if moment is not None:
        kwargs["moment"] = moment
    return ValidationContext(
        trust_roots=conf.trust_anchors(),
        other_certs=list(other_certs),
        allow_fetching=True,
        revocation_mode=conf.revocation_mode(),
        **kwargs,
    )


def _classify(exc: Exception) -> str:
    if isinstance(exc, cv_errors.RevokedError):
        return "revoked"
    if isinstance(exc, cv_errors.ExpiredError):
        return "expired"
    if isinstance(exc, cv_errors.NotYetValidError):
        return "not_yet_valid"
    if isinstance(exc, cv_errors.InsufficientRevinfoError):
        return "revocation_unknown"
    if isinstance(exc, cv_errors.PathBuildingError):
        return "untrusted"
    if isinstance(exc, cv_errors.InvalidCertificateError):
        return "no_non_repudiation" if "key usage" in str(exc).lower() else "untrusted"
    return "untrusted"


def check_identity(certificate: asn1_x509.Certificate, expected_national_id: str | None) -> None:
    if not has_non_repudiation(certificate):
        raise Refused("no_non_repudiation", reason("no_non_repudiation"))
    if expected_national_id is None:
        return
    found = national_id_of(certificate)
    if not found:
        raise Refused("no_national_id", reason("no_national_id"))
    if found != expected_national_id.strip():
        raise Refused("wrong_national_id", reason("wrong_national_id", found=found), found=found)


async def async_check_certificate(
    certificate_der: bytes, chain_der: Iterable[bytes] = (), *, expected_national_id: str | None
) -> dict[str, Any]:
    """Refuse (`Refused`) a certificate that cannot sign for this person now; else its summary."""
    try:
        certificate = asn1_x509.Certificate.load(certificate_der)
        chain = [asn1_x509.Certificate.load(der) for der in chain_der]
        certificate.native  # noqa: B018  (parse everything now)
    except ValueError as exc:
        raise Refused("bad_certificate", reason("bad_certificate")) from exc
    check_identity(certificate, expected_national_id)
    context = validation_context(other_certs=chain)
    try:
        validator = CertificateValidator(certificate, intermediate_certs=chain, validation_context=context)
        await validator.async_validate_usage(key_usage={"non_repudiation"})
    except (cv_errors.PathBuildingError, cv_errors.ValidationError) as exc:
        code = _classify(exc)
        raise Refused(code, reason(code), detail=str(exc)[:300]) from exc
    finally:
        await context.aclose()
    return certificate_summary(certificate)


def check_certificate(
    certificate_der: bytes, chain_der: Iterable[bytes] = (), *, expected_national_id: str | None
) -> dict[str, Any]:
    return asyncio.run(
        async_check_certificate(certificate_der, chain_der, expected_national_id=expected_national_id)
    )


# --- PDF signatures -------------------------------------------------------------------------------


def _level(embedded: EmbeddedPdfSignature, status, reader: PdfFileReader) -> str:
    has_timestamp = status.timestamp_validity is not None
    if not has_timestamp:
        return "B-B"
    try:
        dss = reader.root.get("/DSS")
    except KeyError:  # pragma: no cover
        dss = None
    return "B-LT" if dss is not None else "B-T"


@dataclass
class SignatureReport:
    data: dict[str, Any]

    @property
    def ok(self) -> bool:
        return bool(self.data.get("ok"))


def _report(
    embedded: EmbeddedPdfSignature,
    status,
    reader: PdfFileReader,
    *,
    expected_national_id: str | None,
) -> dict[str, Any]:
    certificate: asn1_x509.Certificate = status.signing_cert
    national_id = national_id_of(certificate)
    timestamp = status.timestamp_validity
    signing_time = timestamp.timestamp if timestamp is not None else status.signer_reported_dt
    modification = status.modification_level
    problems: list[dict[str, str]] = []
    if not status.intact:
        problems.append({"code": "bad_signature", "message": reason("bad_signature")})
    elif not status.valid:
        problems.append({"code": "invalid", "message": reason("invalid")})
    if status.revoked:
        problems.append({"code": "revoked", "message": reason("revoked")})
    elif not status.trusted:
        code = "untrusted"
        indication = str(getattr(status.trust_problem_indic, "name", "") or "")
        if "EXPIRED" in indication or "OUT_OF_BOUNDS" in indication:
            code = "expired"
        elif "REVOKED" in indication:
            code = "revoked"
        elif "TRY_LATER" in indication or "REVOCATION" in indication:
            code = "revocation_unknown"
        elif "CHAIN_CONSTRAINTS" in indication or "SIG_CONSTRAINTS" in indication:
            code = "no_non_repudiation" if not has_non_repudiation(certificate) else "untrusted"
        problems.append({"code": code, "message": reason(code)})
    if not has_non_repudiation(certificate) and not any(p["code"] == "no_non_repudiation" for p in problems):
        problems.append({"code": "no_non_repudiation", "message": reason("no_non_repudiation")})
    if not national_id:
        problems.append({"code": "no_national_id", "message": reason("no_national_id")})
    elif expected_national_id is not None and national_id != expected_national_id.strip():
        problems.append(
            {"code": "wrong_national_id", "message": reason("wrong_national_id", found=national_id)}
        )
    if status.docmdp_ok is False:
        problems.append({"code": "invalid", "message": reason("invalid")})
    return {
        "field": embedded.field_name,
        "signer": certificate_summary(certificate)["common_name"] or certificate.subject.human_friendly,
        "national_id": national_id,
        "certificate": certificate_summary(certificate),
        "signing_time": signing_time.isoformat() if signing_time else None,
        "timestamp": timestamp.timestamp.isoformat() if timestamp is not None else None,
        "timestamp_trusted": bool(timestamp and timestamp.trusted),
        "level": _level(embedded, status, reader),
        "intact": bool(status.intact),
        "valid": bool(status.valid),
        "trusted": bool(status.trusted),
        "revoked": bool(status.revoked),
        "coverage": status.coverage.name if status.coverage is not None else None,
        "modification_level": modification.name if modification is not None else None,
        "docmdp_ok": status.docmdp_ok,
        "summary": status.summary(),
        "problems": problems,
        "ok": not problems,
        "validated_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
    }


async def async_validate_embedded(
    reader: PdfFileReader,
    embedded: EmbeddedPdfSignature,
    *,
    expected_national_id: str | None = None,
    known_digest: bytes | None = None,
) -> dict[str, Any]:
    """Validate one signature of `reader`. `known_digest`: the /ByteRange digest computed when the
    signature was prepared over these exact bytes (spares hashing a large file a second time)."""
    if known_digest is not None:
        embedded.external_digests[embedded.md_algorithm] = known_digest
    context = validation_context(other_certs=embedded.other_embedded_certs)
    try:
        status = await async_validate_pdf_signature(embedded, context)
    finally:
        await context.aclose()
    return _report(embedded, status, reader, expected_national_id=expected_national_id)


def validate_stream(stream: BinaryIO, *, expected_national_ids: dict[str, str] | None = None) -> list[dict]:
    """Reports for every signature of the PDF in `stream` (for the office's validate_pdf)."""

    async def run() -> list[dict]:
        reader = PdfFileReader(stream, strict=False)
        reports = []
        for embedded in reader.embedded_signatures:
            expected = (expected_national_ids or {}).get(embedded.field_name)
            try:
                reports.append(await async_validate_embedded(reader, embedded, expected_national_id=expected))
            except Exception as exc:  # noqa: BLE001 - a broken signature is reported, not raised
                reports.append(
                    {
                        "field": embedded.field_name,
                        "ok": False,
                        "intact": False,
                        "valid": False,
                        "trusted": False,
                        "revoked": False,
                        "national_id": "",
                        "problems": [{"code": "invalid", "message": f"{reason('invalid')} ({exc})"}],
                    }
                )
        return reports

    return asyncio.run(run())
