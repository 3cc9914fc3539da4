"""A file signed with another PAdES tool (here pyHanko's own signer, as any desktop tool would):
accepted only if it is exactly the prepared file plus one valid signature of the engineer."""

from __future__ import annotations

import io

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore

from evize.documents.tests.pdfs import make_pdf
from evize.signatures import services
from evize.signatures.models import FileSignature, SignatureRequest
from evize.signatures.validation import Refused

from .helpers import file_bytes, nss_db, pdfsig, pyhanko_reports

pytestmark = pytest.mark.django_db


def sign_elsewhere(data: bytes, issued, *, field: str = "Imza") -> bytes:
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(issued.der),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            issued.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in issued.chain()]
        ),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(
        field_name=field, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


@pytest.fixture
def open_round(waiting, engineers):
    application, round_ = waiting
    return application, services.signing_round_open(actor=engineers[0], round=round_)


def upload(tmp_path, user, round_file, data: bytes):
    path = tmp_path / "upload.pdf"
    path.write_bytes(data)
    return services.signed_upload_accept(actor=user, round_file=round_file, path=path)


def test_a_file_signed_elsewhere_is_accepted(open_round, engineers, certificate_for, tmp_path, pki):
    application, signing_round = open_round
    issued = certificate_for(engineers[0])
    round_files = list(signing_round.files.order_by("position"))
    for round_file in round_files:
        signature = upload(tmp_path, engineers[0], round_file, sign_elsewhere(file_bytes(round_file), issued))
        assert signature.method == FileSignature.Method.UPLOAD
        assert signature.national_id == engineers[0].member.national_id
        round_file.refresh_from_db()
        assert round_file.revision == 1
    request = SignatureRequest.objects.get(signing_round=signing_round, member=engineers[0].member)
    assert request.is_signed and request.method == "upload"
    # The second engineer signs on top, with the agent flow; both signatures stay valid.
    from .helpers import sign_round

    sign_round(engineers[1], certificate_for(engineers[1]), application)
    signing_round.refresh_from_db()
    assert signing_round.is_locked
    db = nss_db(tmp_path, pki.root.pem)
    for round_file in round_files:
        round_file.refresh_from_db()
        data = file_bytes(round_file)
        reports = pyhanko_reports(data)
        assert [r["ok"] for r in reports] == [True, True], reports
        path = tmp_path / f"{round_file.pk}.pdf"
        path.write_bytes(data)
        verdict = pdfsig(path, db)
        assert verdict.count("Signature is Valid.") == 2, verdict
        assert verdict.count("Certificate is Trusted.") == 2, verdict


def test_a_file_whose_first_part_differs_is_refused(open_round, engineers, certificate_for, tmp_path):
    _application, signing_round = open_round
    issued = certificate_for(engineers[0])
    round_file = signing_round.files.order_by("position").first()
    other = sign_elsewhere(make_pdf(pages=2, text="Başka bir dosya"), issued)
    with pytest.raises(Refused) as refused:
        upload(tmp_path, engineers[0], round_file, other)
    assert refused.value.code == "not_our_file"
    # Our file, changed by one byte before signing, is not ours either.
    data = bytearray(file_bytes(round_file))
    data[20] ^= 1
    with pytest.raises(Refused) as changed:
        upload(tmp_path, engineers[0], round_file, sign_elsewhere(bytes(data), issued))
    assert changed.value.code == "not_our_file"
    round_file.refresh_from_db()
    assert round_file.revision == 0
    assert not FileSignature.objects.exists()
    request = SignatureRequest.objects.get(signing_round=signing_round, member=engineers[0].member)
    assert request.last_refusal["code"] == "not_our_file"
    assert not request.is_signed


def test_signed_elsewhere_with_another_persons_certificate_is_refused(
    open_round, engineers, certificate_for, tmp_path
):
    _application, signing_round = open_round
    round_file = signing_round.files.order_by("position").first()
    data = sign_elsewhere(file_bytes(round_file), certificate_for(engineers[1]))
    with pytest.raises(Refused) as refused:
        upload(tmp_path, engineers[0], round_file, data)
    assert refused.value.code == "wrong_national_id"
    assert not FileSignature.objects.exists()


def test_the_unchanged_prepared_file_is_refused(open_round, engineers, tmp_path):
    _application, signing_round = open_round
    round_file = signing_round.files.order_by("position").first()
    with pytest.raises(Refused) as refused:
        upload(tmp_path, engineers[0], round_file, file_bytes(round_file))
    assert refused.value.code == "not_our_file"
