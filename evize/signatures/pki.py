"""A small certificate authority built with `cryptography`: the demo PKI of `make run` and the test
PKI of the suite. Never used for real signatures.

A root CA signs an intermediate CA, which issues the signers' certificates (qualified-certificate
profile: the national ID in the subject serialNumber, keyUsage nonRepudiation), an OCSP responder
certificate and a time-stamping certificate. With a `base_url` the certificates carry CRL and OCSP
pointers (`<base_url>/crl/<ca>.crl`, `<base_url>/ocsp`) that `evize.signatures.testing.responders`
serves; the intermediate can revoke certificates and answers OCSP requests itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def new_key(kind: str = "rsa") -> PrivateKey:
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _now() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)


def _usage(*, signing: bool, non_repudiation: bool, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=non_repudiation,  # = nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass
class Issued:
    """A certificate and its private key."""

    certificate: x509.Certificate
    key: PrivateKey
    issuer: CertificateAuthority | None = None

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def chain(self) -> list[x509.Certificate]:
        """The issuing CAs, nearest first (without this certificate)."""
        chain: list[x509.Certificate] = []
        ca = self.issuer
        while ca is not None:
            chain.append(ca.certificate)
            ca = ca.issuer
        return chain

    def pkcs12(self, password: str, *, name: str = "") -> bytes:
        encryption = (
            serialization.PrivateFormat.PKCS12.encryption_builder()
            .kdf_rounds(20000)
            .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
            .hmac_hash(hashes.SHA256())
            .build(password.encode())
        )
        return pkcs12.serialize_key_and_certificates(
            (name or "e-Vize").encode(), self.key, self.certificate, self.chain(), encryption
        )


@dataclass
class CertificateAuthority(Issued):
    """A CA that issues certificates, publishes a CRL and answers OCSP requests."""

    slug: str = "ca"
    base_url: str = ""
    revoked: dict[int, datetime.datetime] = field(default_factory=dict)
    issued: dict[int, x509.Certificate] = field(default_factory=dict)
    responder: Issued | None = None

    @property
    def crl_url(self) -> str:
        return f"{self.base_url}/crl/{self.slug}.crl" if self.base_url else ""

    @property
    def ocsp_url(self) -> str:
        return f"{self.base_url}/ocsp/{self.slug}" if self.base_url else ""

    def _builder(
        self,
        subject: x509.Name,
        public_key,
        *,
        not_before: datetime.datetime | None,
        not_after: datetime.datetime | None,
        days: int,
    ) -> x509.CertificateBuilder:
        start = not_before or (_now() - datetime.timedelta(hours=1))
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(not_after or (start + datetime.timedelta(days=days)))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
        )
        if self.crl_url:
            builder = builder.add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            full_name=[x509.UniformResourceIdentifier(self.crl_url)],
                            relative_name=None,
                            reasons=None,
                            crl_issuer=None,
                        )
                    ]
                ),
                critical=False,
            )
        if self.ocsp_url:
            builder = builder.add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            x509.oid.AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(self.ocsp_url),
                        )
                    ]
                ),
                critical=False,
            )
        return builder

    def _sign(self, builder: x509.CertificateBuilder) -> x509.Certificate:
        certificate = builder.sign(self.key, hashes.SHA256())
        self.issued[certificate.serial_number] = certificate
        return certificate

    def issue_ca(self, common_name: str, *, slug: str, kind: str = "rsa") -> CertificateAuthority:
        key = new_key(kind)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "TR"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.organisation),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )
        builder = (
            self._builder(subject, key.public_key(), not_before=None, not_after=None, days=3650)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(signing=True, non_repudiation=False, ca=True), critical=True)
        )
        return CertificateAuthority(
            certificate=self._sign(builder), key=key, issuer=self, slug=slug, base_url=self.base_url
        )

    @property
    def organisation(self) -> str:
        values = self.certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        return str(values[0].value) if values else "e-Vize"

    def issue_signer(
        self,
        *,
        given_name: str,
        surname: str,
        national_id: str,
        id_prefix: str = "",
        non_repudiation: bool = True,
        not_before: datetime.datetime | None = None,
        not_after: datetime.datetime | None = None,
        kind: str = "rsa",
        key: PrivateKey | None = None,
    ) -> Issued:
        """A qualified-signature certificate: national ID in the subject serialNumber (2.5.4.5)."""
        key = key or new_key(kind)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "TR"),
                x509.NameAttribute(NameOID.SERIAL_NUMBER, f"{id_prefix}{national_id}"),
                x509.NameAttribute(NameOID.GIVEN_NAME, given_name),
                x509.NameAttribute(NameOID.SURNAME, surname),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{given_name} {surname}"),
            ]
        )
        builder = (
            self._builder(subject, key.public_key(), not_before=not_before, not_after=not_after, days=730)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                _usage(signing=not non_repudiation, non_repudiation=non_repudiation), critical=True
            )
        )
        return Issued(certificate=self._sign(builder), key=key, issuer=self)

    def issue_service(self, common_name: str, purpose: x509.ObjectIdentifier) -> Issued:
        """An OCSP responder or time-stamping certificate (critical extended key usage)."""
        key = new_key()
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "TR"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.organisation),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )
        builder = (
            self._builder(subject, key.public_key(), not_before=None, not_after=None, days=730)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(signing=True, non_repudiation=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([purpose]), critical=True)
        )
        if purpose == ExtendedKeyUsageOID.OCSP_SIGNING:
            builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
        return Issued(certificate=self._sign(builder), key=key, issuer=self)

    # --- revocation ---------------------------------------------------------------------------------

    def revoke(self, certificate: x509.Certificate, when: datetime.datetime | None = None) -> None:
        self.revoked[certificate.serial_number] = when or (_now() - datetime.timedelta(minutes=30))

    def crl_der(self) -> bytes:
        now = _now()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now - datetime.timedelta(minutes=5))
            .next_update(now + datetime.timedelta(days=1))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
        )
        for serial, when in self.revoked.items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_response_der(self, request_der: bytes) -> bytes:
        """Answer an OCSP request about a certificate this CA issued (signed by its responder)."""
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST
            ).public_bytes(serialization.Encoding.DER)
        certificate = self.issued.get(request.serial_number)
        if certificate is None or self.responder is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        now = _now()
        revoked_at = self.revoked.get(request.serial_number)
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=certificate,
            issuer=self.certificate,
            # The responder answers in the hash the request used for the certificate ID (often SHA-1).
            algorithm=hashes.SHA1() if isinstance(request.hash_algorithm, hashes.SHA1) else hashes.SHA256(),  # noqa: S303
            cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD,
            this_update=now - datetime.timedelta(minutes=1),
            next_update=now + datetime.timedelta(hours=12),
            revocation_time=revoked_at,
            revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
        )
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self.responder.certificate)
        builder = builder.certificates([self.responder.certificate])
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, critical=False)
        return builder.sign(self.responder.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def root_ca(
    common_name: str, *, organisation: str, slug: str = "root", base_url: str = ""
) -> CertificateAuthority:
    key = new_key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    start = _now() - datetime.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650 * 2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_usage(signing=True, non_repudiation=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(certificate=certificate, key=key, slug=slug, base_url=base_url)


@dataclass
class Hierarchy:
    """Root → intermediate, with an OCSP responder and a time-stamping authority."""

    root: CertificateAuthority
    intermediate: CertificateAuthority
    tsa: Issued

    @property
    def authorities(self) -> dict[str, CertificateAuthority]:
        return {self.root.slug: self.root, self.intermediate.slug: self.intermediate}

    def write_anchor(self, path: Path) -> Path:
        """The root certificate as PEM (what EVIZE_SIGNATURE_TRUST_ANCHORS names)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.root.pem)
        return path


def hierarchy(*, name: str = "e-Vize Demo", base_url: str = "") -> Hierarchy:
    root = root_ca(f"{name} Kök SM", organisation=name, base_url=base_url)
    root.responder = root.issue_service(f"{name} Kök OCSP", ExtendedKeyUsageOID.OCSP_SIGNING)
    intermediate = root.issue_ca(f"{name} Nitelikli Sertifika Hizmetleri", slug="nes")
    intermediate.responder = intermediate.issue_service(f"{name} OCSP", ExtendedKeyUsageOID.OCSP_SIGNING)
    tsa = intermediate.issue_service(f"{name} Zaman Damgası", ExtendedKeyUsageOID.TIME_STAMPING)
    return Hierarchy(root=root, intermediate=intermediate, tsa=tsa)
