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
