"""PAdES signing of a PDF whose key lives elsewhere (pyHanko's interrupted signing), without Django.

    prepared = prepare(stream, signer=SignerInfo(...), field_name=..., timestamper=...)
        # → prepared.to_be_signed: the DER signed attributes the token signs (CKM_SHA256_RSA_PKCS)
        # → prepared.increment: the bytes appended to the file (signature placeholder inside)
    finished = finish(stream_with_increment, prepared_state, signature_value, ...)
        # → the signature is embedded (+ time stamp, + DSS for B-LT) in the stream's tail

The stream is a `SplicedFile` (immutable base + tail), so nothing but the tail is ever written and
the base is read once, to compute the document digest.
"""

from __future__ import annotations

import asyncio
import datetime
from dataclasses import dataclass

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import dss
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .splice import SplicedFile

MD_ALGORITHM = "sha256"
SUBFILTER = SigSeedSubFilter.PADES
CHUNK_SIZE = 4 * 1024 * 1024


class SignatureValueMismatch(Exception):
    """The signature value does not verify over the prepared signed attributes."""


@dataclass(frozen=True)
class SignerInfo:
    certificate_der: bytes
    chain_der: tuple[bytes, ...] = ()
    name: str = ""
    reason: str = ""
    location: str = ""


@dataclass(frozen=True)
class Prepared:
    """What `prepare` produced; every field is bytes/ints, so it can be stored between requests."""

    to_be_signed: bytes  # DER of the CMS signed attributes (SET OF Attribute)
    document_digest: bytes  # SHA-256 over the /ByteRange
    reserved_start: int
    reserved_end: int
    increment: bytes  # bytes appended to the file, with the /Contents placeholder
    base_size: int  # size of the file before the increment
    field_name: str


def _run(coro):
    return asyncio.run(coro)


def _asn1_cert(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der)


def signature_value_size(certificate_der: bytes) -> int:
    """Bytes a signature by this certificate's key takes (for the placeholder estimate)."""
    key = x509.load_der_x509_certificate(certificate_der).public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return (key.key_size + 7) // 8
    if isinstance(key, ec.EllipticCurvePublicKey):
        return 2 * ((key.key_size + 7) // 8) + 9  # DER SEQUENCE of two INTEGERs, worst case
    raise ValueError("unsupported key type (RSA or ECDSA expected)")


def _external_signer(signer: SignerInfo, signature_value: bytes | int) -> signers.ExternalSigner:
    return signers.ExternalSigner(
        signing_cert=_asn1_cert(signer.certificate_der),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in signer.chain_der]),
        signature_value=signature_value,
        embed_roots=True,
    )


def prepare(
    stream: SplicedFile,
    *,
    signer: SignerInfo,
    field_name: str,
    timestamper: TimeStamper | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Prepared:
    """Append a signature field and placeholder to `stream` (its tail) and compute what to sign."""
    return _run(
        async_prepare(
            stream, signer=signer, field_name=field_name, timestamper=timestamper, chunk_size=chunk_size
        )
    )


async def async_prepare(
    stream: SplicedFile,
    *,
    signer: SignerInfo,
    field_name: str,
    timestamper: TimeStamper | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Prepared:
    base_size = stream.size
    stream.seek(0)
    writer = IncrementalPdfFileWriter(stream, strict=False)
    external = _external_signer(signer, signature_value_size(signer.certificate_der))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=MD_ALGORITHM,
        subfilter=SUBFILTER,
        name=signer.name or None,
        reason=signer.reason or None,
        location=signer.location or None,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=external,
        timestamper=timestamper,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name),
    )
    prep_digest, _tbs, _output = await pdf_signer.async_digest_doc_for_signing(
        writer, in_place=True, chunk_size=chunk_size
    )
    signed_attrs = await external.signed_attrs(
        prep_digest.document_digest, MD_ALGORITHM, use_pades=SUBFILTER == SigSeedSubFilter.PADES
    )
    return Prepared(
        to_be_signed=signed_attrs.dump(),
        document_digest=prep_digest.document_digest,
        reserved_start=prep_digest.reserved_region_start,
        reserved_end=prep_digest.reserved_region_end,
        increment=bytes(stream.tail[base_size - stream.base_size :]),
        base_size=base_size,
        field_name=field_name,
    )


def verify_signature_value(certificate_der: bytes, to_be_signed: bytes, signature: bytes) -> None:
    """Check that `signature` is the certificate key's signature over `to_be_signed` (SHA-256)."""
    key = x509.load_der_x509_certificate(certificate_der).public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, to_be_signed, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, to_be_signed, ec.ECDSA(hashes.SHA256()))
        else:
            raise SignatureValueMismatch("unsupported key type")
    except InvalidSignature as exc:
        raise SignatureValueMismatch("the signature does not match the prepared data") from exc


def finish(
    stream: SplicedFile,
    prepared: Prepared,
    *,
    signer: SignerInfo,
    signature: bytes,
    timestamper: TimeStamper | None = None,
    embed_validation_info: bool = False,
    validation_context: ValidationContext | None = None,
):
    """Embed the signature (time-stamped with `timestamper`) into the prepared stream; with
    `embed_validation_info`, append a DSS with the chain and revocation data (PAdES B-LT)."""
    return _run(
        async_finish(
            stream,
            prepared,
            signer=signer,
            signature=signature,
            timestamper=timestamper,
            embed_validation_info=embed_validation_info,
            validation_context=validation_context,
        )
    )


async def async_finish(
    stream: SplicedFile,
    prepared: Prepared,
    *,
    signer: SignerInfo,
    signature: bytes,
    timestamper: TimeStamper | None = None,
    embed_validation_info: bool = False,
    validation_context: ValidationContext | None = None,
) -> cms.ContentInfo:
    verify_signature_value(signer.certificate_der, prepared.to_be_signed, signature)
    external = _external_signer(signer, signature)
    signed_attrs = cms.CMSAttributes.load(prepared.to_be_signed)
    signature_cms = await external.async_sign_prescribed_attributes(
        MD_ALGORITHM, signed_attrs=signed_attrs, timestamper=timestamper
    )
    digest = PreparedByteRangeDigest(
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_start,
        reserved_region_end=prepared.reserved_end,
    )
    await PdfTBSDocument.async_finish_signing(stream, prepared_digest=digest, signature_cms=signature_cms)
    if embed_validation_info:
        if validation_context is None:
            raise ValueError("B-LT needs a validation context")
        stream.seek(0)
        reader = PdfFileReader(stream, strict=False)
        embedded = embedded_signature(reader, prepared.field_name)
        embedded.external_digests[MD_ALGORITHM] = prepared.document_digest
        await dss.async_add_validation_info(embedded, validation_context, in_place=True)
    return signature_cms


def embedded_signature(reader: PdfFileReader, field_name: str):
    for embedded in reader.embedded_signatures:
        if embedded.field_name == field_name:
            return embedded
    raise LookupError(f"no signature field {field_name!r}")


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.UTC)
