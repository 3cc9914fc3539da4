"""Reading the review: the office queue (a constant number of queries), the workspace, the changes
between rounds, the engineer's view of the notes and the office dashboard."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from evize.accounts.permissions import CONTROL_ENGINEER
from evize.applications.models import Application, ApplicationEngineer, Status, TitleDeed
from evize.applications.selectors import is_engineer_on
from evize.audit.models import AuditEvent

from .models import Assignment, Notation, Note
from .services import notation_limit

QUEUE_STATUSES = (
    Status.REGISTERED,
    Status.IN_REVIEW,
    Status.NOTES_SENT,
    Status.AWAITING_RESIGNATURE,
    Status.APPROVED,
)
WAITING_FOR_OFFICE = (Status.REGISTERED, Status.IN_REVIEW)


def working_days_ago(days: int, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment `days` working days (Monday-Friday) before `now`."""
    moment = timezone.localtime(now or timezone.now())
    remaining = days
    while remaining > 0:
        moment -= datetime.timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


@dataclass
class QueueFilters:
    status: str = ""
    district: str = ""
    work_type: str = ""
    reviewer: str = ""
    overdue: bool = False
    q: str = ""


def review_queue(user, filters: QueueFilters | None = None) -> QuerySet[Application]:
    """The applications at the visa office. A control engineer sees those assigned to them."""
    filters = filters or QueueFilters()
    qs = Application.objects.filter(status__in=QUEUE_STATUSES)
    if user.role == CONTROL_ENGINEER:
        qs = qs.filter(
            Exists(Assignment.objects.filter(application=OuterRef("pk"), active=True, reviewer=user))
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.district.isdigit():
        qs = qs.filter(building__district_id=int(filters.district))
    if filters.work_type.isdigit():
        qs = qs.filter(work_type_id=int(filters.work_type))
    if filters.reviewer == "none":
        qs = qs.exclude(Exists(Assignment.objects.filter(application=OuterRef("pk"), active=True)))
    elif filters.reviewer.isdigit():
        qs = qs.filter(
            Exists(
                Assignment.objects.filter(
                    application=OuterRef("pk"), active=True, reviewer_id=int(filters.reviewer)
                )
            )
        )
    if filters.overdue:
        qs = qs.filter(
            status__in=WAITING_FOR_OFFICE,
            status_changed_at__lt=working_days_ago(settings.EVIZE_REVIEW_WORKING_DAYS),
        )
    term = filters.q.strip()
    if term:
        engineers = ApplicationEngineer.objects.filter(application=OuterRef("pk"))
        name_match = Q()
        for word in term.split():
            name_match &= Q(member__first_name__icontains=word) | Q(member__last_name__icontains=word)
        qs = qs.filter(
            Q(registration_number__icontains=term)
            | Q(building__owners__icontains=term)
            | Exists(
                TitleDeed.objects.filter(application=OuterRef("pk")).filter(
                    Q(parcel__iexact=term) | Q(owner__icontains=term)
                )
            )
            | Exists(engineers.filter(name_match))
        )
    return (
        qs.select_related("work_type", "building__district", "created_by")
        .prefetch_related(
            Prefetch(
                "review_assignments",
                queryset=Assignment.objects.filter(active=True).select_related("reviewer"),
                to_attr="active_assignments",
            ),
            Prefetch(
                "engineers",
                queryset=ApplicationEngineer.objects.filter(is_applicant=True).select_related("member"),
                to_attr="applicants",
            ),
        )
        .order_by("status_changed_at", "pk")
    )


def queue_rows(applications) -> list[dict[str, Any]]:
    cutoff = working_days_ago(settings.EVIZE_REVIEW_WORKING_DAYS)
    rows = []
    for app in applications:
        assignment = app.active_assignments[0] if app.active_assignments else None
        building = getattr(app, "building", None) if hasattr(app, "building") else None
        rows.append(
            {
                "application": app,
                "reviewer": assignment.reviewer if assignment else None,
                "district": building.district if building else None,
                "owners": building.owners if building else "",
                "engineer": app.applicants[0].member.full_name if app.applicants else "",
                "overdue": app.status in WAITING_FOR_OFFICE
                and app.status_changed_at is not None
                and app.status_changed_at < cutoff,
            }
        )
    return rows


# --- the workspace ------------------------------------------------------------------------------------


def notes_of(application: Application) -> list[Note]:
    return list(
        Note.objects.filter(application=application)
        .select_related("document", "round", "notation", "created_by")
        .order_by("pk")
    )


def notations_of(application: Application) -> list[Notation]:
    return list(Notation.objects.filter(application=application).select_related("sent_by").order_by("number"))


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        if "code" in value and "name" in value:  # a catalog item: compared by what people read
            out[prefix] = value.get("name")
            return
        for key, child in value.items():
            _flatten(child, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        for index, child in enumerate(value, start=1):
            _flatten(child, f"{prefix}[{index}]", out)
    else:
        out[prefix] = value


@dataclass
class Change:
    path: str
    old: Any
    new: Any

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"


def snapshot_diff(old: dict | None, new: dict | None) -> list[Change]:
    """What differs between two round snapshots, path by path (lists compared by position)."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flatten(old or {}, "", before)
    _flatten(new or {}, "", after)
    ignored = ("taken_at", "round", "created_at")
    changes = []
    for path in sorted(set(before) | set(after)):
        if path.rsplit(".", 1)[-1] in ignored:
            continue
        if before.get(path) != after.get(path):
            changes.append(Change(path=path, old=before.get(path), new=after.get(path)))
    return changes


def round_changes(application: Application) -> tuple[int | None, list[Change]]:
    """(number of the previous round, changes since it) — (None, []) before a second round."""
    rounds = list(application.rounds.order_by("-number")[:2])
    if len(rounds) < 2:
        return None, []
    return rounds[1].number, snapshot_diff(rounds[1].snapshot, rounds[0].snapshot)


# --- the engineer's side ------------------------------------------------------------------------------


@dataclass
class EngineerNotes:
    notes: list[Note] = field(default_factory=list)
    notations: list[Notation] = field(default_factory=list)
    can_answer: bool = False
    limit: int = 3

    @property
    def latest(self) -> Notation | None:
        return self.notations[-1] if self.notations else None


def notes_for_engineer(application: Application, user=None) -> EngineerNotes:
    """The sent notes and notations of an application, for its engineers (nothing for others)."""
    if user is not None and not is_engineer_on(user, application):
        return EngineerNotes(limit=notation_limit())
    notes = list(
        Note.objects.filter(application=application, notation__isnull=False)
        .select_related("document", "notation")
        .order_by("pk")
    )
    return EngineerNotes(
        notes=notes,
        notations=notations_of(application),
        can_answer=application.status == Status.NOTES_SENT,
        limit=notation_limit(),
    )


# --- the dashboard ------------------------------------------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class StageTime:
    status: str
    label: str
    count: int
    median_hours: float
    p90_hours: float
    bar: int = 0


def office_dashboard() -> dict[str, Any]:
    """Counts per status, and the median / 90th percentile time spent in each status (from the
    audited transitions evize.application.*)."""
    from django.db.models import Count

    counts = dict(
        Application.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    status_rows = [{"status": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in Status]
    top = max([r["count"] for r in status_rows] + [1])
    for row in status_rows:
        row["bar"] = round(100 * row["count"] / top)

    events = (
        AuditEvent.objects.filter(
            object_type="applications.application", action__startswith="evize.application."
        )
        .exclude(data__to=None)
        .order_by("object_id", "created_at", "id")
        .values_list("object_id", "created_at", "data")
    )
    durations: dict[str, list[float]] = {}
    last: dict[str, tuple[str, datetime.datetime]] = {}
    for object_id, created_at, data in events.iterator():
        if not isinstance(data, dict) or "to" not in data:
            continue
        previous = last.get(object_id)
        if previous is not None and previous[0] == data.get("from"):
            durations.setdefault(previous[0], []).append((created_at - previous[1]).total_seconds() / 3600)
        last[object_id] = (data["to"], created_at)
    stages = []
    for s in Status:
        values = durations.get(s.value)
        if not values:
            continue
        stages.append(
            StageTime(
                status=s.value,
                label=str(s.label),
                count=len(values),
                median_hours=round(statistics.median(values), 1),
                p90_hours=round(_percentile(values, 0.9), 1),
            )
        )
    longest = max([st.p90_hours for st in stages] + [0.1])
    for st in stages:
        st.bar = round(100 * st.p90_hours / longest)
    return {"status_rows": status_rows, "stages": stages}
