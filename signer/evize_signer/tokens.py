"""Where the key lives: a PKCS#11 token (smart card / USB e-token) or a PKCS#12 file.

A token gives the signer's certificate (and chain) without a PIN, and signs a list of messages
with one PIN entry: RSA PKCS#1 v1.5 or ECDSA over SHA-256 of each message (the CMS signed
attributes the server prepared).
"""

from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

# DER prefix of DigestInfo(sha256, …) for tokens that only do raw RSA PKCS#1 (CKM_RSA_PKCS).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


class TokenError(Exception):
    """Something the signer should read (no token, wrong PIN, locked card …)."""


class WrongPin(TokenError):
    pass


class Token(ABC):
    needs_pin = True
    description = ""

    @abstractmethod
    def certificate(self, ask_secret=None) -> tuple[bytes, list[bytes]]:
        """(certificate DER, chain DER list) of the signing certificate."""

    @abstractmethod
    def sign_all(self, messages: Sequence[bytes], pin: str) -> list[bytes]:
        """Signatures over SHA-256 of each message, with one login."""


def non_repudiation(der: bytes) -> bool:
    try:
        usage = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(x509.KeyUsage).value
    except (x509.ExtensionNotFound, ValueError):
        return False
    return bool(usage.content_commitment)


def is_ca(der: bytes) -> bool:
    try:
        return (
            x509.load_der_x509_certificate(der)
            .extensions.get_extension_for_class(x509.BasicConstraints)
            .value.ca
        )
    except (x509.ExtensionNotFound, ValueError):
        return False


def issuer_chain(certificate_der: bytes, candidates: Sequence[bytes]) -> list[bytes]:
    """The CA certificates that issued `certificate_der`, nearest first (only those: a token may
    hold other CAs too). Each link is checked with the issuer's key, not only by name."""
    parsed = []
    for der in candidates:
        try:
            parsed.append((der, x509.load_der_x509_certificate(der)))
        except ValueError:
            continue
    chain: list[bytes] = []
    current = x509.load_der_x509_certificate(certificate_der)
    while current.issuer != current.subject and len(chain) < 8:
        found = [item for item in parsed if item[0] not in chain and _issued_by(current, item[1])]
        issuer = found[0] if found else None
        if issuer is None:
            break
        chain.append(issuer[0])
        current = issuer[1]
    return chain


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    if certificate.issuer != issuer.subject:
        return False
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


_LIBS: dict = {}
_LIB_LOCK = threading.Lock()


def _pkcs11_lib(path: str):
    import pkcs11

    with _LIB_LOCK:
        if path not in _LIBS:
            try:
                _LIBS[path] = pkcs11.lib(path)
            except Exception as exc:  # noqa: BLE001 - the library's own errors vary by platform
                raise TokenError(f"cannot load the PKCS#11 library {path}: {exc}") from exc
        return _LIBS[path]


class Pkcs11Token(Token):
    """A certificate and key on a PKCS#11 token (AKİS: akisp11, SafeNet: eTPKCS11, SoftHSM …)."""

    def __init__(self, library: str, *, token_label: str | None = None, cert_label: str | None = None):
        self.library = library
        self.token_label = token_label
        self.cert_label = cert_label
        self.description = f"PKCS#11 {library}" + (f" ({token_label})" if token_label else "")
        self._cert_id: bytes | None = None
        self._cert_der: bytes | None = None

    def _token(self):
        import pkcs11

        lib = _pkcs11_lib(self.library)
        try:
            tokens = list(
                lib.get_tokens(token_label=self.token_label) if self.token_label else lib.get_tokens()
            )
        except pkcs11.exceptions.PKCS11Error as exc:
            raise TokenError(f"no e-signature token found ({exc.__class__.__name__})") from exc
        if not tokens:
            raise TokenError("no e-signature token found: is it plugged in?")
        return tokens[0]

    def certificate(self, ask_secret=None) -> tuple[bytes, list[bytes]]:
        from pkcs11 import Attribute, ObjectClass

        token = self._token()
        with token.open() as session:
            found = []
            for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
                der = bytes(obj[Attribute.VALUE])
                try:
                    label = obj[Attribute.LABEL]
                except Exception:  # noqa: BLE001
                    label = ""
                try:
                    cert_id = bytes(obj[Attribute.ID])
                except Exception:  # noqa: BLE001
                    cert_id = b""
                found.append((der, label, cert_id))
        if not found:
            raise TokenError("the token holds no certificate")
        signing = [f for f in found if not is_ca(f[0]) and (not self.cert_label or f[1] == self.cert_label)]
        preferred = [f for f in signing if non_repudiation(f[0])] or signing
        if not preferred:
            raise TokenError("no signing certificate on the token")
        der, _label, cert_id = preferred[0]
        self._cert_der, self._cert_id = der, cert_id
        return der, issuer_chain(der, [f[0] for f in found if is_ca(f[0])])

    def sign_all(self, messages: Sequence[bytes], pin: str) -> list[bytes]:
        import pkcs11
        from pkcs11 import Attribute, Mechanism, ObjectClass

        if self._cert_der is None:
            self.certificate()
        public_key = x509.load_der_x509_certificate(self._cert_der).public_key()
        token = self._token()
        try:
            session = token.open(user_pin=pin)
        except pkcs11.exceptions.PinIncorrect as exc:
            raise WrongPin("the PIN is not correct") from exc
        except pkcs11.exceptions.PinLocked as exc:
            raise TokenError("the token's PIN is locked") from exc
        try:
            query = {Attribute.CLASS: ObjectClass.PRIVATE_KEY}
            if self._cert_id:
                query[Attribute.ID] = self._cert_id
            keys = list(session.get_objects(query))
            if not keys:
                raise TokenError("the private key of the certificate was not found on the token")
            key = keys[0]
            mechanisms = set(token.slot.get_mechanisms())
            signatures = []
            for message in messages:
                if isinstance(public_key, rsa.RSAPublicKey):
                    if Mechanism.SHA256_RSA_PKCS in mechanisms:
                        signatures.append(bytes(key.sign(message, mechanism=Mechanism.SHA256_RSA_PKCS)))
                    else:
                        digest_info = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
                        signatures.append(bytes(key.sign(digest_info, mechanism=Mechanism.RSA_PKCS)))
                elif isinstance(public_key, ec.EllipticCurvePublicKey):
                    from pkcs11.util.ec import encode_ecdsa_signature

                    raw = key.sign(hashlib.sha256(message).digest(), mechanism=Mechanism.ECDSA)
                    signatures.append(bytes(encode_ecdsa_signature(raw)))
                else:
                    raise TokenError("unsupported key type")
            return signatures
        finally:
            session.close()


class Pkcs12Token(Token):
    """A software certificate in a PKCS#12 (.p12/.pfx) file (demo and software certificates)."""

    needs_pin = False

    def __init__(self, path: str):
        self.path = path
        self.description = f"PKCS#12 {path}"
        self._key = None
        self._cert_der: bytes | None = None

    def certificate(self, ask_secret=None) -> tuple[bytes, list[bytes]]:
        from cryptography.hazmat.primitives.serialization import pkcs12

        with open(self.path, "rb") as fh:
            data = fh.read()
        password = ask_secret(f"Password of {self.path}") if ask_secret else ""
        if password is None:
            raise TokenError("cancelled")
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
        except ValueError as exc:
            raise WrongPin("the password of the certificate file is not correct") from exc
        if key is None or cert is None:
            raise TokenError("the file holds no key and certificate")
        self._key = key
        self._cert_der = cert.public_bytes(serialization.Encoding.DER)
        return self._cert_der, [c.public_bytes(serialization.Encoding.DER) for c in extra or []]

    def sign_all(self, messages: Sequence[bytes], pin: str) -> list[bytes]:
        key = self._key
        if key is None:
            raise TokenError("the certificate file is not open")
        try:
            if isinstance(key, rsa.RSAPrivateKey):
                return [key.sign(m, padding.PKCS1v15(), hashes.SHA256()) for m in messages]
            if isinstance(key, ec.EllipticCurvePrivateKey):
                return [key.sign(m, ec.ECDSA(hashes.SHA256())) for m in messages]
            raise TokenError("unsupported key type")
        finally:
            self._key = None  # the key is kept only for one signing
