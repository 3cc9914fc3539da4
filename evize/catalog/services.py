"""Writing reference-list items. Every create, change and delete is audited in the same transaction.

The functions work on any catalog model (the lists, and the factor / requirement rows that hang
off them), so the admin, data loaders and later screens share one audited path.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models, transaction

from evize.audit.services import audit_record

ACTION_CREATED = "evize.catalog.item_created"
ACTION_CHANGED = "evize.catalog.item_changed"
ACTION_DELETED = "evize.catalog.item_deleted"


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value (the audit trail stores JSON)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, models.Model):
        return value.pk
    return value


def item_snapshot(item: models.Model) -> dict[str, Any]:
    """The editable values of `item`: concrete fields (foreign keys as ids) and many-to-many ids.

    Many-to-many values are read from the database, so call it on a saved item.
    """
    values: dict[str, Any] = {}
    for field in item._meta.concrete_fields:
        if field.primary_key:
            continue
        values[field.name] = _plain(getattr(item, field.attname))
    if item.pk is not None:
        for field in item._meta.many_to_many:
            values[field.name] = sorted(getattr(item, field.name).values_list("pk", flat=True))
    return values


def _describe(item: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {"list": item._meta.label_lower}
    code = getattr(item, "code", None)
    if code:
        data["code"] = code
    return data


def catalog_item_save(
    *,
    actor: Any,
    item: models.Model,
    m2m: dict[str, Any] | None = None,
    source: str = "admin",
) -> dict[str, dict[str, Any]]:
    """Create or update `item` (and set the many-to-many values given in `m2m`).

    Records `evize.catalog.item_created` for a new item, `evize.catalog.item_changed` with the
    changed fields (old and new value of each) for an existing one, and nothing when nothing
    changed. Returns the changes ({field: {"old": …, "new": …}}; every field for a new item).
    """
    model = type(item)
    with transaction.atomic():
        stored = model._default_manager.filter(pk=item.pk).first() if item.pk is not None else None
        before = item_snapshot(stored) if stored is not None else None
        item.full_clean(validate_unique=True, validate_constraints=True)
        item.save()
        for name, values in (m2m or {}).items():
            getattr(item, name).set(values)
        after = item_snapshot(item)
        data = _describe(item)
        data["source"] = source
        if before is None:
            changes = {name: {"old": None, "new": value} for name, value in after.items()}
            data["values"] = after
            audit_record(actor=actor, action=ACTION_CREATED, target=item, data=data)
            return changes
        changes = {
            name: {"old": before.get(name), "new": value}
            for name, value in after.items()
            if before.get(name) != value
        }
        if changes:
            data["changes"] = changes
            audit_record(actor=actor, action=ACTION_CHANGED, target=item, data=data)
        return changes


def catalog_item_delete(*, actor: Any, item: models.Model, source: str = "admin") -> None:
    """Delete `item` and record `evize.catalog.item_deleted` with its last values.

    An item something still refers to cannot be deleted: Django raises `ProtectedError` and
    nothing is deleted or recorded. Retire such an item (untick "active") instead.
    """
    with transaction.atomic():
        object_type = item._meta.label_lower
        object_id = str(item.pk)
        object_repr = str(item)[:300]
        data = _describe(item)
        data["source"] = source
        data["values"] = item_snapshot(item)
        item.delete()
        audit_record(
            actor=actor,
            action=ACTION_DELETED,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            data=data,
        )
