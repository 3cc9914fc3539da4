"""The application's status machine: the transition table and the one function that moves it.

`transition()` locks the row, checks the move is in the table and its guard holds, sets the
status, writes the audit event, and schedules side effects (tasks) to run after commit. Nothing
else assigns `Application.status`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evize.audit.services import audit_record

from .models import FINAL_STATUSES, Application, Status

Guard = Callable[[Application], str | None]  # returns a translated reason when the move is refused


def _has_number(app: Application) -> str | None:
    return None if app.registration_number else str(_("The application has no registration number yet."))


def _has_reason(app: Application) -> str | None:
    return None if app.cancel_reason else str(_("A reason is required to cancel an application."))


@dataclass(frozen=True)
class Move:
    source: Status
    target: Status
    code: str  # audit code suffix: evize.application.<code>
    guard: Guard | None = None


MOVES: tuple[Move, ...] = (
    Move(Status.DRAFT, Status.AWAITING_SIGNATURE, "submitted", _has_number),
    Move(Status.AWAITING_SIGNATURE, Status.AWAITING_REGISTRATION_FEE, "signed"),
    Move(Status.AWAITING_REGISTRATION_FEE, Status.REGISTERED, "registration_fee_paid"),
    Move(Status.REGISTERED, Status.IN_REVIEW, "review_started"),
    Move(Status.IN_REVIEW, Status.NOTES_SENT, "notes_sent"),
    Move(Status.NOTES_SENT, Status.AWAITING_RESIGNATURE, "corrected"),
    Move(Status.AWAITING_RESIGNATURE, Status.IN_REVIEW, "resigned"),
    Move(Status.IN_REVIEW, Status.APPROVED, "approved"),
    Move(Status.APPROVED, Status.AWAITING_VISA_FEE, "visa_fee_requested"),
    Move(Status.AWAITING_VISA_FEE, Status.VISA_ISSUING, "visa_fee_paid"),
    Move(Status.VISA_ISSUING, Status.VISAED, "visa_issued"),
) + tuple(
    Move(source, Status.CANCELLED, "cancelled", _has_reason)
    for source in Status
    if source not in FINAL_STATUSES
)

TABLE: dict[tuple[str, str], Move] = {(m.source.value, m.target.value): m for m in MOVES}


class TransitionNotAllowed(Exception):
    """A move that the table or its guard refuses; `message` is translated and safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def allowed_targets(status: str) -> list[str]:
    return [target for (source, target) in TABLE if source == status]


def transition(
    application: Application | int,
    *,
    to: Status | str,
    actor: Any,
    expected: Status | str | None = None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    on_commit: Iterable[Callable[[], None]] = (),
) -> Application:
    """Move an application to `to`. `expected` (optional) is the status the caller saw: a concurrent
    change makes the call fail instead of acting on stale state. `changes` are field values written
    in the same save (e.g. cancel_reason) and visible to the guard. Returns the locked, updated row."""
    pk = application.pk if isinstance(application, Application) else application
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=pk)
        source = app.status
        if expected is not None and source != str(expected):
            raise TransitionNotAllowed(
                str(_("The application's status has changed in the meantime. Please reload the page."))
            )
        move = TABLE.get((source, str(to)))
        if move is None:
            raise TransitionNotAllowed(
                str(
                    _("An application that is “%(source)s” cannot become “%(target)s”.")
                    % {"source": Status(source).label, "target": Status(str(to)).label}
                )
            )
        for field, value in (changes or {}).items():
            setattr(app, field, value)
        if move.guard is not None:
            reason = move.guard(app)
            if reason:
                raise TransitionNotAllowed(reason)
        now = timezone.now()
        app.status = move.target
        app.status_changed_at = now
        update_fields = ["status", "status_changed_at", "updated_at", *(changes or {})]
        app.save(update_fields=list(dict.fromkeys(update_fields)))
        audit_record(
            actor=actor,
            action=f"evize.application.{move.code}",
            target=app,
            data={"from": source, "to": move.target.value, **(data or {})},
        )
        for effect in on_commit:
            transaction.on_commit(effect)
    return app
