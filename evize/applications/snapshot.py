"""The frozen form data of a round: every section and value, reference items by code and name, and
the attached files by type, name and SHA-256. Plain JSON, readable without the catalog."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone, translation

from .models import Application
from .sections import SECTIONS, SINGLE

SKIP = {"id", "application"}


def _value(row: Model, field) -> Any:
    if field.is_relation:
        item = getattr(row, field.name)
        if item is None:
            return None
        if field.related_model._meta.app_label == "catalog":
            return {"code": item.code, "name": item.name_tr, "name_en": item.name_en}
        if field.related_model._meta.label_lower == "registry.member":
            return {"sicil_no": item.sicil_no, "name": item.full_name}
        return str(item.pk)
    value = getattr(row, field.attname)
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def row_data(row: Model) -> dict[str, Any]:
    return {field.name: _value(row, field) for field in row._meta.concrete_fields if field.name not in SKIP}


def _item(item) -> dict | None:
    return None if item is None else {"code": item.code, "name": item.name_tr, "name_en": item.name_en}


def application_snapshot(application: Application) -> dict[str, Any]:
    """Everything entered on the form, as it is now."""
    from evize.documents.models import Document

    from .selectors import application_with_sections

    app = application_with_sections().get(pk=application.pk)
    with translation.override("tr"):
        sections: dict[str, Any] = {}
        for section in SECTIONS:
            rows = [row_data(row) for row in section.rows(app)]
            sections[section.key] = (rows[0] if rows else None) if section.mode == SINGLE else rows
        documents = [
            {
                "id": document.pk,
                "document_type": _item(document.document_type),
                "file_name": document.file_name,
                "sha256": document.blob_id,
                "size": document.blob.size,
            }
            for document in Document.objects.filter(application=app, state=Document.State.CURRENT)
            .select_related("document_type", "blob")
            .order_by("document_type__sort_order", "pk")
        ]
        return {
            "application": {
                "id": app.pk,
                "registration_number": app.registration_number,
                "status": app.status,
                "work_type": _item(app.work_type),
                "earthquake_code": _item(app.earthquake_code),
                "construction_cost": format(app.construction_cost, "f")
                if app.construction_cost is not None
                else None,
                "fee_type": _item(app.fee_type),
                "note_to_office": app.note_to_office,
            },
            "sections": sections,
            "documents": documents,
            "taken_at": timezone.now().isoformat(),
        }
