import datetime

import pytest
from django.utils import timezone

from evize.applications.models import Round, Status
from evize.applications.workflow import transition
from evize.audit.models import AuditEvent
from evize.review.selectors import (
    office_dashboard,
    round_changes,
    snapshot_diff,
    working_days_ago,
    working_days_between,
)


def test_snapshot_diff_finds_changed_added_and_removed_values():
    old = {
        "sections": {
            "building": {
                "address": "Eski",
                "district": {"code": "lefkosa", "name": "Lefkoşa", "name_en": "Nicosia"},
            },
            "title_deeds": [{"parcel": "1"}],
        }
    }
    new = {
        "sections": {
            "building": {
                "address": "Yeni",
                "district": {"code": "lefkosa", "name": "Lefkoşa", "name_en": "Nicosia"},
            },
            "title_deeds": [{"parcel": "1"}, {"parcel": "2"}],
        }
    }
    changes = {c.path: (c.old, c.new, c.kind) for c in snapshot_diff(old, new)}
    assert changes == {
        "sections.building.address": ("Eski", "Yeni", "changed"),
        "sections.title_deeds[2].parcel": (None, "2", "added"),
    }


def test_working_days_skip_weekends():
    monday = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=timezone.get_current_timezone())
    assert working_days_ago(1, now=monday).weekday() == 4  # the Friday before


def test_public_holidays_are_not_working_days(settings):
    zone = timezone.get_current_timezone()
    monday = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=zone)
    friday_evening = datetime.datetime(2026, 11, 27, 18, 0, tzinfo=zone)
    settings.EVIZE_PUBLIC_HOLIDAYS = frozenset()
    assert working_days_between(friday_evening, monday) == pytest.approx(6 / 24 + 10 / 24)
    settings.EVIZE_PUBLIC_HOLIDAYS = frozenset({"2026-11-27"})  # that Friday is a holiday
    assert working_days_between(friday_evening, monday) == pytest.approx(10 / 24)
    assert working_days_ago(1, now=monday).date() == datetime.date(2026, 11, 26)  # the Thursday


@pytest.mark.django_db
def test_round_changes_compare_the_last_two_rounds(review_app, engineer_user):
    Round.objects.create(
        application=review_app,
        number=2,
        created_by=engineer_user,
        snapshot={"sections": {"building": {"address": "Yeni"}}},
    )
    previous, changes = round_changes(review_app)
    assert previous == 1 and [(c.old, c.new) for c in changes] == [("Eski", "Yeni")]


@pytest.mark.django_db
def test_dashboard_times_per_stage(review_app, reviewer):
    started = AuditEvent.objects.get(action="evize.application.review_started", object_id=str(review_app.pk))
    AuditEvent.objects.filter(pk=started.pk).update(created_at=timezone.now() - datetime.timedelta(hours=5))
    transition(review_app, to=Status.NOTES_SENT, actor=reviewer, changes={"notation_count": 1})
    data = office_dashboard()
    counts = {row["status"]: row["count"] for row in data["status_rows"]}
    assert counts["notes_sent"] == 1
    stage = next(s for s in data["stages"] if s.status == "in_review")
    assert stage.count == 1 and 4.9 < stage.median_hours < 5.1
