"""Signing visas with a PKCS#12 file (demo and tests): the file plays the officer's token, the
services are the same as through the signer agent (prepare → sign the items → finish)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from . import services
from .models import Visa


def load(path: Path, password: str) -> tuple[Any, bytes, tuple[bytes, ...]]:
    key, certificate, extra = pkcs12.load_key_and_certificates(Path(path).read_bytes(), password.encode())
    if key is None or certificate is None:
        raise ValueError(f"{path}: no key and certificate")
    der = certificate.public_bytes(serialization.Encoding.DER)
    chain = tuple(c.public_bytes(serialization.Encoding.DER) for c in (extra or []) if c.subject != c.issuer)
    return key, der, chain


def _sign(key, data: bytes) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    raise ValueError("unsupported key type")


def sign_visas(*, officer, visas: list[Visa], path: Path, password: str) -> list[Visa]:
    """Sign every file of `visas` in one session (one "PIN") with the PKCS#12 file's key."""
    key, der, chain = load(path, password)
    signing, items = services.visa_signing_prepare(
        actor=officer, visas=visas, certificate_der=der, chain_der=chain
    )
    signatures = {item.ref: _sign(key, item.to_be_signed) for item in items}
    return services.visa_signing_finish(actor=officer, signing_id=signing.pk, signatures=signatures)
