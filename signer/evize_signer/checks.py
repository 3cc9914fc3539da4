"""The agent signs only what it understands: CMS signed attributes (RFC 5652) that carry a
SHA-256 message digest and name this very certificate (ESS signing-certificate-v2). It never signs
an arbitrary blob a server might send."""

from __future__ import annotations

import hashlib

from asn1crypto import cms


class SuspiciousRequest(Exception):
    pass


def check_to_be_signed(to_be_signed: bytes, certificate_der: bytes) -> bytes:
    """Return the message digest the signed attributes commit to; raise if they are not what a
    PAdES signature of this certificate must sign."""
    try:
        attributes = cms.CMSAttributes.load(to_be_signed, strict=True)
        by_type = {attr["type"].native: attr["values"] for attr in attributes}
    except (ValueError, TypeError) as exc:
        raise SuspiciousRequest("the data to sign is not a set of CMS signed attributes") from exc
    if [v.native for v in by_type.get("content_type", [])] != ["data"]:
        raise SuspiciousRequest("unexpected content type")
    digests = by_type.get("message_digest") or []
    if len(digests) != 1 or len(digests[0].native) != 32:
        raise SuspiciousRequest("a single SHA-256 message digest is expected")
    signing_certs = by_type.get("signing_certificate_v2") or []
    if len(signing_certs) != 1:
        raise SuspiciousRequest("the signing certificate is not named")
    first = signing_certs[0]["certs"][0]
    algorithm = first["hash_algorithm"]["algorithm"].native
    if algorithm != "sha256" or first["cert_hash"].native != hashlib.sha256(certificate_der).digest():
        raise SuspiciousRequest("the data to sign names another certificate")
    return digests[0].native
