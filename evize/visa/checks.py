"""Checking every signature of a visa'd PDF: the engineers' and the officer's signatures (as
`evize.signatures.validation`) and, for PAdES B-LTA, the document time stamps (validated as time
stamps, not as signatures)."""

from __future__ import annotations

import asyncio
from typing import Any, BinaryIO

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_timestamp

from evize.signatures import validation

DOC_TIMESTAMP = "/DocTimeStamp"


def _timestamp_fields(stream: BinaryIO) -> list[str]:
    stream.seek(0)
    reader = PdfFileReader(stream, strict=False)
    return [e.field_name for e in reader.embedded_signatures if e.sig_object_type == DOC_TIMESTAMP]


async def _timestamp_report(embedded) -> dict[str, Any]:
    context = validation.validation_context(other_certs=embedded.other_embedded_certs)
    try:
        status = await async_validate_pdf_timestamp(embedded, validation_context=context)
    finally:
        await context.aclose()
    ok = bool(status.intact and status.valid and status.trusted)
    modification = status.modification_level
    return {
        "field": embedded.field_name,
        "kind": "document_timestamp",
        "signer": validation.certificate_summary(status.signing_cert)["common_name"],
        "national_id": "",
        "signing_time": status.timestamp.isoformat() if status.timestamp else None,
        "level": "B-LTA",
        "intact": bool(status.intact),
        "valid": bool(status.valid),
        "trusted": bool(status.trusted),
        "revoked": False,
        "modification_level": modification.name if modification is not None else None,
        "problems": [] if ok else [{"code": "invalid", "message": str(validation.reason("invalid"))}],
        "ok": ok,
    }


def pdf_reports(stream: BinaryIO) -> list[dict[str, Any]]:
    """One report per signature and document time stamp of the PDF in `stream`, in file order.
    Raises on a file that is not a readable PDF."""
    timestamp_fields = _timestamp_fields(stream)
    stream.seek(0)
    reports = validation.validate_stream(stream)
    if not timestamp_fields:
        return reports

    async def timestamps() -> dict[str, dict[str, Any]]:
        stream.seek(0)
        reader = PdfFileReader(stream, strict=False)
        result = {}
        for embedded in reader.embedded_signatures:
            if embedded.field_name in timestamp_fields:
                try:
                    result[embedded.field_name] = await _timestamp_report(embedded)
                except Exception as exc:  # noqa: BLE001 - a broken time stamp is reported, not raised
                    result[embedded.field_name] = {
                        "field": embedded.field_name,
                        "kind": "document_timestamp",
                        "ok": False,
                        "intact": False,
                        "valid": False,
                        "trusted": False,
                        "problems": [
                            {"code": "invalid", "message": f"{validation.reason('invalid')} ({exc})"}
                        ],
                    }
        return result

    by_field = asyncio.run(timestamps())
    return [by_field.get(report.get("field"), report) for report in reports]
