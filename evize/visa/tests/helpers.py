from __future__ import annotations

from evize.signatures.testing.scenario import sign_with
from evize.signatures.tests.helpers import chain_of
from evize.visa import services


def officer_signs(officer, issued, visas):
    """What the officer's agent does: sign every prepared item with the token's key."""
    signing, items = services.visa_signing_prepare(
        actor=officer, visas=visas, certificate_der=issued.der, chain_der=chain_of(issued)
    )
    signatures = {item.ref: sign_with(issued, item.to_be_signed) for item in items}
    return services.visa_signing_finish(actor=officer, signing_id=signing.pk, signatures=signatures), items


def visa_file_bytes(visa_file) -> bytes:
    from django.core.files.storage import storages

    with storages["default"].open(visa_file.blob.storage_key, "rb") as fh:
        return fh.read()


def make_visa(application, *, state="valid", files=None, tmp_dir=None, **fields):
    """A visa row with stored files, without the signing pipeline (for pages and permissions)."""
    import hashlib
    import tempfile
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone

    from evize.documents.blobstore import blob_put
    from evize.documents.models import Blob
    from evize.documents.tests.pdfs import make_pdf
    from evize.visa.models import Visa, VisaFile

    year, seq, number = services.visa_number_take()
    visa = Visa.objects.create(
        application=application,
        number=number,
        slug=services.slug_of(number),
        year=year,
        seq=seq,
        state=state,
        issued_at=None if state == "pending" else timezone.now(),
        officer_name="" if state == "pending" else "Vize Yetkili",
        **fields,
    )
    files = files if files is not None else [("Zemin kat planı - vize.pdf", make_pdf(pages=2, text=number))]
    work = Path(tmp_dir or settings.EVIZE_UPLOAD_TMP_DIR)
    work.mkdir(parents=True, exist_ok=True)
    for position, (name, data) in enumerate(files, start=1):
        sha256 = hashlib.sha256(data).hexdigest()
        with tempfile.NamedTemporaryFile(dir=work, delete=False) as tmp:
            tmp.write(data)
        key = blob_put(Path(tmp.name), sha256)
        blob, _created = Blob.objects.get_or_create(
            sha256=sha256, defaults={"size": len(data), "storage_key": key, "page_count": 2}
        )
        VisaFile.objects.create(
            visa=visa, position=position, file_name=name, blob=blob, sha256=sha256, size=len(data), pages=2
        )
    return visa
