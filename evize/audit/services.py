"""Writing and verifying the audit trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .context import current_ip
from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _normalise(data: dict[str, Any] | None) -> dict[str, Any]:
    """What the JSON column will give back (Decimals, dates and UUIDs become strings)."""
    return json.loads(json.dumps(data or {}, default=str, ensure_ascii=False))


def _canonical(event: AuditEvent) -> bytes:
    created = event.created_at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    payload = {
        "created_at": created,
        "actor_id": event.actor_id,
        "actor_repr": event.actor_repr,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "data": event.data,
        "ip_address": event.ip_address,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event. `actor` is a user or None (the system); `action` a dotted code such as
    `evize.registry.member_imported`. Runs inside the caller's transaction, so the event commits
    or rolls back with the change it describes."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        object_repr = object_repr or str(target)[:300]
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS, "count": 0}
        )
        event = AuditEvent(
            created_at=timezone.now(),
            actor=user,
            actor_repr=(user.get_username() if user else "system")[:200],
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:300],
            data=_normalise(data),
            ip_address=ip_address if ip_address is not None else current_ip.get(),
            prev_hash=head.last_hash,
        )
        event.hash = compute_hash(event)
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    message: str


def audit_verify() -> Iterator[ChainProblem]:
    """Yield every break in the chain: an edited row (its hash no longer matches), a removed row
    (the next row's prev_hash points at nothing), or removed newest rows (the head disagrees)."""
    expected_prev = GENESIS
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.prev_hash != expected_prev:
            yield ChainProblem(event.pk, "previous event missing or altered (prev_hash does not match)")
        if compute_hash(event) != event.hash:
            yield ChainProblem(event.pk, "content altered (hash does not match)")
        expected_prev = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if count:
            yield ChainProblem(None, "chain head missing")
        return
    if head.count != count:
        yield ChainProblem(None, f"chain head records {head.count} events, table has {count}")
    if head.last_hash != expected_prev:
        yield ChainProblem(None, "newest events missing or altered (head hash does not match)")
