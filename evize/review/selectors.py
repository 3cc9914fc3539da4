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


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, except the public holidays listed in EVIZE_PUBLIC_HOLIDAYS."""
    return day.weekday() < 5 and day.isoformat() not in settings.EVIZE_PUBLIC_HOLIDAYS


def working_days_ago(days: int, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment `days` working days before `now`."""
    moment = timezone.localtime(now or timezone.now())
    remaining = days
    while remaining > 0:
        moment -= datetime.timedelta(days=1)
        if is_working_day(moment.date()):
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
    if filters.overdue:  # narrowed here; queue_rows() keeps those whose review clock is over the limit
        qs = qs.filter(status__in=WAITING_FOR_OFFICE)
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


def queue_rows(applications, *, overdue_only: bool = False) -> list[dict[str, Any]]:
    """The queue's rows, each with its review clock (one more query whatever their number)."""
    clocks = review_clocks(applications)
    rows = []
    for app in applications:
        clock = clocks[app.pk]
        if overdue_only and not clock.overdue:
            continue
        assignment = app.active_assignments[0] if app.active_assignments else None
        building = getattr(app, "building", None) if hasattr(app, "building") else None
        rows.append(
            {
                "application": app,
                "reviewer": assignment.reviewer if assignment else None,
                "district": building.district if building else None,
                "owners": building.owners if building else "",
                "engineer": app.applicants[0].member.full_name if app.applicants else "",
                "clock": clock,
                "overdue": clock.overdue,
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
    def section(self) -> str:
        """The key of the form section the value belongs to ("application" and "documents" for
        the values outside the sections)."""
        head, _sep, rest = self.path.partition(".")
        if head == "sections":
            return rest.split(".", 1)[0].split("[", 1)[0]
        return head.split("[", 1)[0]

    @property
    def field(self) -> str:
        head, _sep, rest = self.path.partition(".")
        if head == "sections":
            return rest.split(".", 1)[1] if "." in rest else rest
        return self.path

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


@dataclass
class RoundComparison:
    """What changed since the previous round, for the workspace: the changed values, the sections
    and the documents (new or replaced files) they belong to."""

    previous: int | None = None
    changes: list[Change] = field(default_factory=list)
    sections: set[str] = field(default_factory=set)
    new_document_ids: set[int] = field(default_factory=set)
    previous_documents: dict[int, int] = field(default_factory=dict)  # current id → previous-round id


def round_comparison(application: Application, documents) -> RoundComparison:
    """Compare the last two rounds; `documents` are the current documents of the application."""
    rounds = list(application.rounds.order_by("-number")[:2])
    if len(rounds) < 2:
        return RoundComparison()
    old, new = rounds[1].snapshot or {}, rounds[0].snapshot or {}
    changes = snapshot_diff(old, new)
    sections = set()
    for change in changes:
        sections.add(change.section)
    before = {d.get("sha256"): d for d in old.get("documents", []) if isinstance(d, dict)}
    before_by_type: dict[str, list[dict]] = {}
    for entry in before.values():
        code = (entry.get("document_type") or {}).get("code", "")
        before_by_type.setdefault(code, []).append(entry)
    new_ids, previous = set(), {}
    for document in documents:
        if document.blob_id in before:
            continue
        new_ids.add(document.pk)
        if document.previous_id:
            previous[document.pk] = document.previous_id
        else:
            same_type = before_by_type.get(document.document_type.code, [])
            if len(same_type) == 1 and same_type[0].get("id"):
                previous[document.pk] = int(same_type[0]["id"])
    return RoundComparison(
        previous=rounds[1].number,
        changes=changes,
        sections=sections,
        new_document_ids=new_ids,
        previous_documents=previous,
    )


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

    def _in_latest(self, note: Note) -> bool:
        """Whether the note was sent with the latest notation: every note still unresolved when it
        was sent went with it (unresolved notes carry forward)."""
        latest = self.latest
        if latest is None:
            return False
        return note.status != Note.State.RESOLVED or (
            note.resolved_at is not None and note.resolved_at > latest.sent_at
        )

    @property
    def current(self) -> list[Note]:
        return [note for note in self.notes if self._in_latest(note)]

    @property
    def earlier(self) -> list[Note]:
        return [note for note in self.notes if not self._in_latest(note)]


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
    y: int = 0
    median_width: int = 0
    p90_width: int = 0
    label_x: int = 0


CHART_ROW = 26  # px per bar of the dashboard's SVG charts
CHART_WIDTH = 360  # px of the longest bar
CHART_LEFT = 200  # px left of the bars, for the labels


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
    for index, st in enumerate(stages):
        st.bar = round(100 * st.p90_hours / longest)
        st.y = index * CHART_ROW
        st.median_width = round(CHART_WIDTH * st.median_hours / longest)
        st.p90_width = round(CHART_WIDTH * st.p90_hours / longest)
        st.label_x = CHART_LEFT + st.p90_width + 6
    for index, row in enumerate(status_rows):
        row["y"] = index * CHART_ROW
        row["width"] = round(CHART_WIDTH * row["count"] / top)
        row["label_x"] = CHART_LEFT + row["width"] + 6
    at_office = list(Application.objects.filter(status__in=WAITING_FOR_OFFICE).only("pk", "status"))
    clocks = review_clocks(at_office)
    return {
        "status_rows": status_rows,
        "stages": stages,
        "status_chart_height": len(status_rows) * CHART_ROW,
        "stage_chart_height": len(stages) * CHART_ROW,
        "chart_width": CHART_LEFT + CHART_WIDTH + 60,
        "chart_left": CHART_LEFT,
        "at_office": len(at_office),
        "overdue": sum(1 for clock in clocks.values() if clock.overdue),
        "with_engineers": counts.get(Status.NOTES_SENT.value, 0)
        + counts.get(Status.AWAITING_RESIGNATURE.value, 0),
        "review_days": settings.EVIZE_REVIEW_WORKING_DAYS,
    }


# --- the review clock ("where is my application") ------------------------------------------------------

OFFICE_STAGES = frozenset({Status.REGISTERED, Status.IN_REVIEW})
ENGINEER_STAGES = frozenset({Status.NOTES_SENT, Status.AWAITING_RESIGNATURE})
CLOCK_STATUSES = (
    Status.REGISTERED,
    Status.IN_REVIEW,
    Status.NOTES_SENT,
    Status.AWAITING_RESIGNATURE,
    Status.APPROVED,
    Status.AWAITING_VISA_FEE,
    Status.VISA_ISSUING,
    Status.VISAED,
    Status.CANCELLED,
)


def working_days_between(start: datetime.datetime, end: datetime.datetime) -> float:
    """Working time (working days of 24 hours, local time) from `start` to `end`, in days."""
    if end <= start:
        return 0.0
    zone = timezone.get_current_timezone()
    start, end = timezone.localtime(start, zone), timezone.localtime(end, zone)
    seconds = 0.0
    moment = start
    while moment < end:
        midnight = datetime.datetime.combine(
            moment.date() + datetime.timedelta(days=1), datetime.time.min, zone
        )
        day_end = min(midnight, end)
        if is_working_day(moment.date()):
            seconds += (day_end - moment).total_seconds()
        moment = day_end
    return seconds / 86400


@dataclass
class StageSpan:
    status: str
    label: str
    start: datetime.datetime
    end: datetime.datetime | None
    days: float
    review_round: int | None = None

    @property
    def holder(self) -> str:
        if self.status in OFFICE_STAGES:
            return "office"
        if self.status in ENGINEER_STAGES:
            return "engineer"
        return "other"

    @property
    def running(self) -> bool:
        return self.end is None


@dataclass
class ReviewClock:
    """The time an application has spent in each stage since it reached the visa office, in
    working days. The office's clock runs in "registered" and "in review" only: it pauses while
    the application waits on the engineers (notes sent, awaiting signature again)."""

    status: str
    spans: list[StageSpan]
    target: int
    now: datetime.datetime

    @property
    def started(self) -> bool:
        return bool(self.spans)

    @property
    def current(self) -> StageSpan | None:
        return self.spans[-1] if self.spans and self.spans[-1].running else None

    @property
    def holder(self) -> str:
        if self.status in OFFICE_STAGES:
            return "office"
        if self.status in ENGINEER_STAGES:
            return "engineer"
        return "done"

    @property
    def paused(self) -> bool:
        return self.started and self.holder == "engineer"

    @property
    def office_days(self) -> float:
        return round(sum(s.days for s in self.spans if s.holder == "office"), 1)

    @property
    def engineer_days(self) -> float:
        return round(sum(s.days for s in self.spans if s.holder == "engineer"), 1)

    @property
    def overdue(self) -> bool:
        return self.holder == "office" and self.office_days > self.target

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.office_days / self.target)) if self.target else 100


def _transitions(application_ids: list[int]) -> dict[str, list[tuple[datetime.datetime, dict]]]:
    events: dict[str, list[tuple[datetime.datetime, dict]]] = {}
    rows = (
        AuditEvent.objects.filter(
            object_type="applications.application",
            object_id__in=[str(pk) for pk in application_ids],
            action__startswith="evize.application.",
        )
        .order_by("created_at", "id")
        .values_list("object_id", "created_at", "data")
    )
    for object_id, created_at, data in rows:
        if isinstance(data, dict) and data.get("to"):
            events.setdefault(object_id, []).append((created_at, data))
    return events


def _clock(application: Application, events, now: datetime.datetime) -> ReviewClock:
    labels = {s.value: str(s.label) for s in Status}
    spans: list[StageSpan] = []
    review_rounds = 0
    for created_at, data in events:
        target = data["to"]
        if spans and spans[-1].end is None:
            spans[-1].end = created_at
            spans[-1].days = working_days_between(spans[-1].start, created_at)
        if target not in CLOCK_STATUSES or (not spans and target not in OFFICE_STAGES):
            continue
        review_round = None
        if target == Status.IN_REVIEW:
            review_rounds += 1
            review_round = review_rounds
        spans.append(
            StageSpan(
                status=target,
                label=labels.get(target, target),
                start=created_at,
                end=None,
                days=0.0,
                review_round=review_round,
            )
        )
    final = spans[-1] if spans else None
    if final is not None and final.end is None:
        if final.status in (Status.VISAED, Status.CANCELLED):
            final.end = final.start
        else:
            final.days = working_days_between(final.start, now)
    for span in spans:
        span.days = round(span.days, 1)
    return ReviewClock(
        status=application.status, spans=spans, target=settings.EVIZE_REVIEW_WORKING_DAYS, now=now
    )


def review_clock(application: Application, *, now: datetime.datetime | None = None) -> ReviewClock:
    """The review clock of one application (one query)."""
    now = now or timezone.now()
    return _clock(application, _transitions([application.pk]).get(str(application.pk), []), now)


def review_clocks(applications, *, now: datetime.datetime | None = None) -> dict[int, ReviewClock]:
    """The review clocks of a list of applications (one query whatever their number)."""
    now = now or timezone.now()
    events = _transitions([app.pk for app in applications])
    return {app.pk: _clock(app, events.get(str(app.pk), []), now) for app in applications}
