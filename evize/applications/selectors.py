"""Reading applications: who may see which, the form with all its sections in a constant number of
queries, the engineer's dashboard list, the next step of an application and its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from evize.audit.models import AuditEvent
from evize.registry.models import Member

from .models import (
    Application,
    ApplicationEngineer,
    Coefficient,
    ExistingMaterial,
    Material,
    ProjectRecord,
    ProjectSubject,
    Slab,
    Status,
    Superstructure,
    SystemFeatureChoice,
    TitleDeed,
)
from .models import Foundation as FoundationRow
from .models import FoundationData as FoundationDataRow

# The engineers may change the form while they fill it in, and again after the office's notes.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.NOTES_SENT})


class ApplicationLocked(PermissionDenied):
    """The user may see the application, but it cannot be changed now (it was saved / signed)."""

    message = _("This application has been saved and can no longer be changed. It can only be viewed.")


# --- who may see what ------------------------------------------------------------------------------


def application_visible_to(user) -> QuerySet[Application]:
    """The applications `user` may see: office staff see all; an engineer sees those they created
    and those they are an engineer on; nobody else sees any."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    if user.is_office_staff:
        return Application.objects.all()
    conditions = Q(created_by=user)
    if user.member_id:
        conditions |= Q(
            Exists(ApplicationEngineer.objects.filter(application=OuterRef("pk"), member_id=user.member_id))
        )
    return Application.objects.filter(conditions)


def is_engineer_on(user, application: Application) -> bool:
    if not getattr(user, "is_authenticated", False) or user.is_office_staff:
        return False
    if application.created_by_id == user.pk:
        return True
    member_id = user.member_id
    if not member_id:
        return False
    cached = getattr(application, "_prefetched_objects_cache", {}).get("engineers")
    if cached is not None:
        return any(engineer.member_id == member_id for engineer in cached)
    return application.engineers.filter(member_id=member_id).exists()


def is_editable(application: Application) -> bool:
    return application.status in EDITABLE_STATUSES


def get_application_for(user, pk: Any, *, edit: bool = False, sections: bool = False) -> Application:
    """The application `pk` if `user` may see it, else Http404 (others learn nothing, not even
    that it exists). With `edit=True` only its engineers pass, and only while it is editable
    (ApplicationLocked, a 403 with a message, otherwise). `sections=True` loads every section."""
    queryset = application_with_sections() if sections else Application.objects.all()
    try:
        application = application_visible_to(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        application = None
    if application is None:
        raise Http404
    if sections:
        application = queryset.get(pk=application.pk)
    if edit:
        if not is_engineer_on(user, application):
            raise Http404
        if not is_editable(application):
            raise ApplicationLocked(ApplicationLocked.message)
    return application


def application_with_sections() -> QuerySet[Application]:
    """Applications with every section loaded (one query per section, whatever the row count)."""
    return Application.objects.select_related(
        "created_by",
        "work_type",
        "earthquake_code",
        "fee_type",
        "building__district",
        "building__village",
        "building__municipality",
        "building__building_class",
        "ductility__ductility_level",
    ).prefetch_related(
        Prefetch("engineers", queryset=ApplicationEngineer.objects.select_related("member")),
        Prefetch("title_deeds", queryset=TitleDeed.objects.select_related("district", "village")),
        Prefetch("project_records", queryset=ProjectRecord.objects.select_related("project_type")),
        Prefetch(
            "subjects",
            queryset=ProjectSubject.objects.select_related("building_characteristic", "purpose_of_use"),
        ),
        Prefetch(
            "materials",
            queryset=Material.objects.select_related(
                "structural_element", "concrete_class", "reinforcing_steel", "structural_steel"
            ),
        ),
        Prefetch(
            "existing_materials",
            queryset=ExistingMaterial.objects.select_related(
                "structural_element", "concrete_class", "reinforcing_steel", "structural_steel"
            ),
        ),
        Prefetch(
            "coefficients",
            queryset=Coefficient.objects.select_related(
                "kind", "option", "option__earthquake_code"
            ).prefetch_related("kind__earthquake_codes"),
        ),
        Prefetch("feature_choices", queryset=SystemFeatureChoice.objects.select_related("feature")),
        Prefetch(
            "superstructures",
            queryset=Superstructure.objects.select_related("system", "ductility_level"),
        ),
        Prefetch("slabs", queryset=Slab.objects.select_related("slab_system")),
        Prefetch("foundations", queryset=FoundationRow.objects.select_related("foundation_system")),
        Prefetch("foundation_data", queryset=FoundationDataRow.objects.all()),
    )


# --- the engineers' type-ahead ---------------------------------------------------------------------


def _case_variants(term: str) -> set[str]:
    """Spellings to try for a case-insensitive match (SQLite folds ASCII only; Turkish i/İ, ı/I)."""
    tr_lower = term.replace("I", "ı").replace("İ", "i").lower()
    tr_upper = term.replace("i", "İ").replace("ı", "I").upper()
    return {term, term.lower(), term.upper(), tr_lower, tr_upper, tr_upper[:1] + tr_lower[1:]}


def engineer_candidates(query: str, *, limit: int = 10) -> list[Member]:
    """Members who may be added to an application (active, dues paid) matching `query` by
    registry number (prefix) or name. Only registry number and name are read: the type-ahead
    never reveals, nor can it be used to probe, anyone's national ID or e-mail."""
    terms = (query or "").split()
    if not terms:
        return []
    condition = Q()
    for term in terms[:4]:
        matches = Q(sicil_no__istartswith=term)
        for variant in _case_variants(term):
            matches |= Q(first_name__icontains=variant) | Q(last_name__icontains=variant)
        condition &= matches
    return list(
        Member.objects.filter(
            condition, status=Member.Status.ACTIVE, dues_paid_until__gte=timezone.localdate()
        )
        .only("pk", "sicil_no", "first_name", "last_name")
        .order_by("sicil_no")[:limit]
    )


# --- the dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NextAction:
    label: Any
    url: str
    primary: bool = True


def _url_or(name: str, args: list, fallback: str) -> str:
    """The page of a later step (signing, paying) when that feature is installed, else `fallback`."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def next_action(application: Application, user) -> NextAction:
    """What the engineer does next, as a button on the dashboard ("İmzala", "Öde", "Notları gör" …)."""
    pk = application.pk
    detail = reverse("applications:detail", args=[pk])
    status = application.status
    if status == Status.DRAFT:
        return NextAction(pgettext_lazy("next step", "Continue"), reverse("applications:form", args=[pk]))
    if status in (Status.AWAITING_SIGNATURE, Status.AWAITING_RESIGNATURE):
        return NextAction(
            pgettext_lazy("guide button", "Sign"), _url_or("signatures:application", [pk], detail)
        )
    if status == Status.AWAITING_REGISTRATION_FEE:
        return NextAction(
            pgettext_lazy("guide button", "Pay"), _url_or("payments:fee", [pk, "kayit"], detail)
        )
    if status == Status.AWAITING_VISA_FEE:
        return NextAction(pgettext_lazy("guide button", "Pay"), _url_or("payments:fee", [pk, "vize"], detail))
    if status == Status.NOTES_SENT:
        return NextAction(_("See the notes"), reverse("applications:form", args=[pk]))
    if status == Status.VISAED:
        return NextAction(_("Download the visa'd project"), f"{detail}#section-visa")
    return NextAction(_("View"), detail, primary=False)


def dashboard_applications(user) -> list[Application]:
    """The engineer's applications (own and as second engineer), newest first, each with its
    building and first parcel for the summary: a constant number of queries."""
    return list(
        application_visible_to(user)
        .select_related("building__district", "building__village", "work_type")
        .prefetch_related(Prefetch("title_deeds", queryset=TitleDeed.objects.select_related("village")))
        .order_by("-updated_at", "-pk")
    )


@dataclass(frozen=True)
class DashboardItem:
    application: Application
    summary: str
    date: datetime
    action: NextAction
    co_engineer: bool


def dashboard_items(user) -> list[DashboardItem]:
    """The rows of the engineer's dashboard: number, building / parcel summary, status, date and
    next action of each application (a constant number of queries)."""
    return [
        DashboardItem(
            application=app,
            summary=application_summary(app),
            date=app.submitted_at or app.updated_at,
            action=next_action(app, user),
            co_engineer=app.created_by_id != user.pk,
        )
        for app in dashboard_applications(user)
    ]


def application_summary(application: Application) -> str:
    """A short description for lists: place, building name or address, first parcel."""
    parts: list[str] = []
    building = getattr(application, "building", None) if _has_building(application) else None
    if building is not None:
        parts.append(f"{building.village.name}, {building.district.name}")
        if building.building_name:
            parts.append(building.building_name)
    deeds = list(application.title_deeds.all())
    if deeds:
        first = deeds[0]
        parcel = f"{first.sheet_map} {first.block}/{first.parcel}".replace(" /", " ").strip()
        if building is None:
            parts.append(first.village.name)
        more = len(deeds) - 1
        parts.append(str(_("parcel %(parcel)s") % {"parcel": parcel}) + (f" (+{more})" if more else ""))
    return " · ".join(parts)


def _has_building(application: Application) -> bool:
    try:
        application.building  # noqa: B018
    except Application.building.RelatedObjectDoesNotExist:
        return False
    return True


# --- the timeline ----------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    when: datetime
    title: str
    who: str = ""
    detail: str = ""
    kind: str = "event"  # "event" or "email"
    count: int = 1


def application_timeline(application: Application) -> list[TimelineEntry]:
    """Everything that happened to the application, oldest first: its audit events (including
    its documents) and every e-mail about it. Consecutive edits of the draft by the same person
    are shown as one entry. Later features add their events through the audit trail."""
    from .timeline import describe_event, email_entries

    events = (
        AuditEvent.objects.filter(
            Q(object_type="applications.application", object_id=str(application.pk))
            | Q(object_type="documents.document", data__application=application.pk)
        )
        .select_related("actor__member")
        .order_by("created_at", "id")
    )
    entries: list[TimelineEntry] = []
    for event in events:
        entry = describe_event(event)
        if entry is None:
            continue
        last = entries[-1] if entries else None
        if last is not None and entry.kind == "edit" and last.kind == "edit" and last.who == entry.who:
            last.count += 1
            last.when = entry.when
            continue
        entries.append(entry)
    entries.extend(email_entries(application))
    entries.sort(key=lambda e: e.when)
    return entries
