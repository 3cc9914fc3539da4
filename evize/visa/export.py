"""The archive export of one application: every round's signed files, the visa'd files, the review's
notes and annotated copies (when the review app is installed), receipts, signature validation
reports (JSON), an audit extract (JSON lines) and a manifest with the SHA-256 of every file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from evize.applications.models import Application
from evize.audit.models import AuditEvent
from evize.signatures import files as signature_files
from evize.signatures.models import SigningRound

CHUNK = 1024 * 1024


def _safe(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in " .-_()" else "_" for ch in name).strip()
    return cleaned or "file"


def _copy_storage(key: str, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with storages["default"].open(key, "rb") as src, open(dest, "wb") as out:
        while chunk := src.read(CHUNK):
            out.write(chunk)


def _write_json(dest: Path, data: Any) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder), encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _review_files(application: Application, out: Path) -> None:
    """Notes and annotated copies of the review app (optional; another app's models)."""
    if not apps.is_installed("evize.review"):
        return
    try:
        notation_model = apps.get_model("review", "Notation")
    except LookupError:
        return
    try:
        note_model = apps.get_model("review", "Note")
    except LookupError:
        note_model = None
    if note_model is not None:
        notes = [
            {
                "round": note.round.number if note.round_id else None,
                "notation": note.notation.number if note.notation_id else None,
                "category": note.category,
                "document": note.document.file_name if note.document_id else None,
                "page": note.page,
                "text": note.text,
                "written_by": str(note.created_by),
                "written_at": note.created_at,
                "status": note.status,
                "answer": note.answer,
                "answered_at": note.answered_at,
                "resolved_at": note.resolved_at,
            }
            for note in note_model.objects.filter(application=application)
            .select_related("round", "notation", "document", "created_by")
            .order_by("created_at", "pk")
        ]
        if notes:
            _write_json(out / "inceleme" / "notlar.json", notes)
    for notation in notation_model.objects.filter(application=application).order_by("pk"):
        for attribute, label in (("notes_blob", "notlar"), ("annotated_blob", "isaretli")):
            blob = getattr(notation, attribute, None)
            if blob is not None:
                _copy_storage(blob.storage_key, out / "inceleme" / f"{notation.pk}-{label}.pdf")


def _receipts(application: Application, out: Path) -> None:
    if not apps.is_installed("evize.payments"):
        return
    receipt_model = apps.get_model("payments", "Receipt")
    for receipt in receipt_model.objects.filter(attempt__fee__application=application).order_by("pk"):
        if receipt.file:
            _copy_storage(receipt.file.name, out / "makbuzlar" / f"{_safe(receipt.number)}.pdf")


def _audit(application: Application, out: Path) -> None:
    targets = [("applications.application", str(application.pk))]
    if apps.is_installed("evize.payments"):
        fee_model = apps.get_model("payments", "Fee")
        targets += [
            ("payments.fee", str(pk))
            for pk in fee_model.objects.filter(application=application).values_list("pk", flat=True)
        ]
    dest = out / "denetim-kayitlari.jsonl"
    with open(dest, "w", encoding="utf-8") as fh:
        events = AuditEvent.objects.none()
        for object_type, object_id in targets:
            events = events | AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        for event in events.order_by("created_at", "pk"):
            fh.write(
                json.dumps(
                    {
                        "time": event.created_at,
                        "actor": event.actor_repr,
                        "action": event.action,
                        "object_type": event.object_type,
                        "object_id": event.object_id,
                        "object": event.object_repr,
                        "data": event.data,
                        "hash": event.hash,
                        "prev_hash": event.prev_hash,
                    },
                    ensure_ascii=False,
                    cls=DjangoJSONEncoder,
                )
                + "\n"
            )


def application_export(*, application: Application, directory: Path) -> Path:
    """Write the archive of `application` into `directory` (created); returns the manifest path."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    reports: dict[str, Any] = {}
    for signing_round in SigningRound.objects.filter(application=application).order_by("round__number"):
        folder = out / "turlar" / f"{signing_round.round.number:02d}"
        for round_file in signing_round.files.order_by("position", "pk"):
            dest = folder / _safe(round_file.file_name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            signature_files.write_to(round_file, dest)
            reports[str(dest.relative_to(out))] = [
                s.report for s in round_file.signatures.order_by("revision")
            ]
    for visa in application.visas.exclude(state="pending").order_by("year", "seq"):
        folder = out / "vize" / visa.slug
        for visa_file in visa.files.order_by("position", "pk"):
            dest = folder / _safe(visa_file.file_name)
            _copy_storage(visa_file.blob.storage_key, dest)
            reports[str(dest.relative_to(out))] = visa_file.report
        _write_json(
            folder / "vize.json",
            {
                "number": visa.number,
                "state": visa.state,
                "issued_at": visa.issued_at,
                "officer": visa.officer_name,
                "revoked_at": visa.revoked_at,
                "revoke_reason": visa.revoke_reason,
            },
        )
    _review_files(application, out)
    _receipts(application, out)
    _write_json(out / "dogrulama-raporlari.json", reports)
    _audit(application, out)
    manifest_path = out / "manifest.json"
    entries = [
        {"path": str(path.relative_to(out)), "size": path.stat().st_size, "sha256": _sha256(path)}
        for path in sorted(out.rglob("*"))
        if path.is_file() and path != manifest_path
    ]
    _write_json(
        manifest_path,
        {
            "application": application.registration_number or str(application.pk),
            "exported_at": timezone.now(),
            "files": entries,
        },
    )
    return manifest_path
