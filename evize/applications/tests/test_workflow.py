import itertools

import pytest
from django.db import transaction

from evize.applications.models import FINAL_STATUSES, Application, Status
from evize.applications.tests.factories import ApplicationFactory
from evize.applications.workflow import MOVES, TABLE, TransitionNotAllowed, allowed_targets, transition
from evize.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _app_in(status: str) -> Application:
    app = ApplicationFactory(registration_number="2026/00001" if status != Status.DRAFT else None)
    Application.objects.filter(pk=app.pk).update(status=status)
    app.refresh_from_db()
    return app


@pytest.mark.parametrize("move", MOVES, ids=lambda m: f"{m.source}->{m.target}")
def test_each_allowed_move(move, engineer):
    app = _app_in(move.source)
    changes = {"cancel_reason": "withdrawn by the applicant"} if move.target == Status.CANCELLED else None
    if move.source == Status.DRAFT:
        Application.objects.filter(pk=app.pk).update(registration_number="2026/00002")
    with transaction.atomic():
        moved = transition(app, to=move.target, actor=engineer, changes=changes)
    assert moved.status == move.target
    app.refresh_from_db()
    assert app.status == move.target and app.status_changed_at is not None
    event = AuditEvent.objects.get(action=f"evize.application.{move.code}", object_id=str(app.pk))
    assert event.actor == engineer
    assert event.data["from"] == move.source and event.data["to"] == move.target


REFUSED = [
    (source, target)
    for source, target in itertools.product([s.value for s in Status], [s.value for s in Status])
    if (source, target) not in TABLE
]


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=lambda v: v)
def test_each_refused_move_changes_nothing(source, target, engineer):
    app = _app_in(source)
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionNotAllowed):
        transition(app, to=target, actor=engineer, changes={"cancel_reason": "x"})
    app.refresh_from_db()
    assert app.status == source
    assert AuditEvent.objects.count() == before


def test_final_states_have_no_way_out():
    for status in FINAL_STATUSES:
        assert allowed_targets(status) == []


def test_submit_guard_requires_a_registration_number(engineer):
    app = _app_in(Status.DRAFT)
    with pytest.raises(TransitionNotAllowed, match="kayıt numarası|registration number"):
        transition(app, to=Status.AWAITING_SIGNATURE, actor=engineer)


def test_cancel_guard_requires_a_reason(engineer):
    app = _app_in(Status.IN_REVIEW)
    with pytest.raises(TransitionNotAllowed):
        transition(app, to=Status.CANCELLED, actor=engineer)
    transition(
        app, to=Status.CANCELLED, actor=engineer, changes={"cancel_reason": "Başvuru sahibi geri çekti"}
    )
    app.refresh_from_db()
    assert app.cancel_reason == "Başvuru sahibi geri çekti"


def test_stale_expected_status_is_refused(engineer):
    app = _app_in(Status.IN_REVIEW)
    with pytest.raises(TransitionNotAllowed):
        transition(app, to=Status.APPROVED, actor=engineer, expected=Status.NOTES_SENT)
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW


def test_side_effects_run_only_after_commit(engineer, django_capture_on_commit_callbacks):
    app = _app_in(Status.IN_REVIEW)
    ran = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transition(app, to=Status.APPROVED, actor=engineer, on_commit=[lambda: ran.append("mail")])
    assert ran == ["mail"] and len(callbacks) == 1


def test_rolled_back_transition_runs_no_side_effect_and_leaves_no_audit(engineer):
    app = _app_in(Status.IN_REVIEW)
    ran = []
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(app, to=Status.APPROVED, actor=engineer, on_commit=[lambda: ran.append("mail")])
        raise RuntimeError("something after the transition failed")
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW and ran == []
    assert not AuditEvent.objects.filter(action="evize.application.approved").exists()
