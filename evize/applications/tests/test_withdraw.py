"""Withdrawing an application ("Başvuruyu geri çek"): the service and its confirmation page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Application, ApplicationEngineer, Status
from evize.applications.services import application_submit, application_withdraw, can_withdraw
from evize.applications.tests.helpers import complete_application
from evize.applications.workflow import TransitionNotAllowed, transition
from evize.audit.models import AuditEvent
from evize.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

REASON = "Mal sahibi projeden vazgeçti."


def saved(user=None) -> Application:
    app = complete_application(user=user)
    return application_submit(actor=app.created_by, application=app)


def add_engineer(app: Application):
    other = UserFactory()
    ApplicationEngineer.objects.create(
        application=app,
        member=other.member,
        position=2,
        email=other.member.email,
        national_id=other.member.national_id,
        phone="+90 533 000 00 01",
    )
    return other


def test_withdrawal_cancels_audits_and_tells_every_engineer(engineer):
    app = saved(engineer)
    other = add_engineer(app)
    OutboxMessage.objects.all().delete()

    moved = application_withdraw(actor=engineer, application=app, reason_text=f"  {REASON}  ")

    app.refresh_from_db()
    assert moved.status == app.status == Status.CANCELLED
    assert REASON in app.cancel_reason
    event = AuditEvent.objects.get(action="evize.application.cancelled", object_id=str(app.pk))
    assert event.actor == engineer
    assert event.data["from"] == Status.AWAITING_SIGNATURE
    assert event.data["reason"] == "withdrawn" and event.data["explanation"] == REASON
    messages = OutboxMessage.objects.filter(kind="application.cancelled")
    assert sorted(messages.values_list("recipient", flat=True)) == sorted([engineer.pk, other.pk])
    assert all(REASON in m.body_text for m in messages)
    assert (
        AuditEvent.objects.filter(
            action="evize.notification.queued", data__kind="application.cancelled"
        ).count()
        == 2
    )


@pytest.mark.parametrize(
    "status", [Status.AWAITING_REGISTRATION_FEE, Status.REGISTERED, Status.IN_REVIEW, Status.NOTES_SENT]
)
def test_withdrawal_works_in_every_open_status(engineer, status):
    app = saved(engineer)
    for target in (Status.AWAITING_REGISTRATION_FEE, Status.REGISTERED, Status.IN_REVIEW, Status.NOTES_SENT):
        app = transition(app, to=target, actor=None)
        if target == status:
            break
    assert can_withdraw(engineer, app)
    assert (
        application_withdraw(actor=engineer, application=app, reason_text=REASON).status == Status.CANCELLED
    )


def test_only_the_applicant_may_withdraw(engineer):
    app = saved(engineer)
    other = add_engineer(app)
    assert not can_withdraw(other, app)
    with pytest.raises(PermissionDenied):
        application_withdraw(actor=other, application=app, reason_text=REASON)
    app.refresh_from_db()
    assert app.status == Status.AWAITING_SIGNATURE


def test_a_draft_or_a_finished_application_is_not_withdrawn(engineer):
    draft = complete_application(user=engineer)
    assert not can_withdraw(engineer, draft)
    with pytest.raises(TransitionNotAllowed):
        application_withdraw(actor=engineer, application=draft, reason_text=REASON)
    cancelled = saved(engineer)
    application_withdraw(actor=engineer, application=cancelled, reason_text=REASON)
    cancelled.refresh_from_db()
    assert not can_withdraw(engineer, cancelled)
    with pytest.raises(TransitionNotAllowed):
        application_withdraw(actor=engineer, application=cancelled, reason_text=REASON)
    assert OutboxMessage.objects.filter(kind="application.cancelled").count() == 1


def test_a_reason_is_required(engineer):
    app = saved(engineer)
    with pytest.raises(TransitionNotAllowed):
        application_withdraw(actor=engineer, application=app, reason_text="   ")
    app.refresh_from_db()
    assert app.status == Status.AWAITING_SIGNATURE


# --- the page --------------------------------------------------------------------------------------


def test_the_applicant_sees_the_button_and_confirms_on_its_own_page(client, engineer):
    app = saved(engineer)
    client.force_login(engineer)
    url = reverse("applications:withdraw", args=[app.pk])

    detail = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert url in detail
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode() and 'name="confirm"' in page.content.decode()

    # Without the tick nothing happens.
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    app.refresh_from_db()
    assert app.status == Status.AWAITING_SIGNATURE

    response = client.post(url, {"reason": REASON, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "applications:detail", args=[app.pk]
    )
    app.refresh_from_db()
    assert app.status == Status.CANCELLED
    assert OutboxMessage.objects.filter(kind="application.cancelled", recipient=engineer).exists()
    detail = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert url not in detail and REASON in detail


def test_other_engineers_and_drafts_have_no_withdrawal(client, engineer):
    app = saved(engineer)
    other = add_engineer(app)
    client.force_login(other)
    url = reverse("applications:withdraw", args=[app.pk])
    assert url not in client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert client.post(url, {"reason": REASON, "confirm": "1"}).status_code == 403
    app.refresh_from_db()
    assert app.status == Status.AWAITING_SIGNATURE

    draft = complete_application(user=engineer)
    client.force_login(engineer)
    response = client.post(
        reverse("applications:withdraw", args=[draft.pk]), {"reason": REASON, "confirm": "1"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
