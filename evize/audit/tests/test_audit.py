import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from evize.audit.models import AuditChainHead, AuditEvent
from evize.audit.services import GENESIS, audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _record_three(actor=None):
    return [
        audit_record(
            actor=actor,
            action=f"evize.test.step{i}",
            object_type="test.thing",
            object_id=str(i),
            data={"n": i, "text": "şğüöçıİ"},
        )
        for i in range(3)
    ]


def test_events_form_a_chain(engineer):
    events = _record_three(engineer)
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert events[0].actor == engineer and events[0].actor_repr == engineer.username
    head = AuditChainHead.objects.get()
    assert head.count == 3 and head.last_hash == events[2].hash
    assert list(audit_verify()) == []
    call_command("verify_audit")


def test_rows_cannot_be_changed_or_deleted_through_the_orm():
    (event, *_) = _record_three()
    event.action = "evize.test.changed"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_edited_row_is_detected_and_named(capsys):
    events = _record_three()
    # Someone edits the database directly, bypassing the application.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["forged", events[1].pk])
    problems = list(audit_verify())
    assert [p.event_id for p in problems] == [events[1].pk]
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert f"event #{events[1].pk}" in capsys.readouterr().err


def test_edited_data_with_recomputed_hash_is_still_detected():
    events = _record_three()
    tampered = AuditEvent.objects.get(pk=events[0].pk)
    tampered.data = {"n": 99}
    from evize.audit.services import compute_hash

    tampered.hash = compute_hash(tampered)
    tampered.save(_allow_update=True)
    problems = list(audit_verify())
    # Its own hash now matches, but the next row still points at the original hash.
    assert events[1].pk in [p.event_id for p in problems]


def test_deleted_rows_are_detected():
    events = _record_three()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert events[2].pk in [p.event_id for p in audit_verify()]


def test_deleted_newest_row_is_detected():
    events = _record_three()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    problems = list(audit_verify())
    assert problems and all(p.event_id is None for p in problems)


def test_event_rolls_back_with_the_change_it_describes():
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(actor=None, action="evize.test.rolled_back")
        raise ValueError("the change failed")
    assert not AuditEvent.objects.filter(action="evize.test.rolled_back").exists()
    assert list(audit_verify()) == []


def test_logins_and_failed_logins_are_audited(client, engineer):
    from evize.accounts.tests.factories import PASSWORD

    client.post("/hesap/giris/", {"username": engineer.username, "password": "wrong-password"})
    assert AuditEvent.objects.filter(action="evize.account.login_failed").exists()
    client.post("/hesap/giris/", {"username": engineer.username, "password": PASSWORD})
    login = AuditEvent.objects.get(action="evize.account.logged_in")
    assert login.actor == engineer and login.ip_address == "127.0.0.1"


def test_admin_is_read_only_for_audit_events(staff_client):
    from evize.accounts.tests.factories import UserFactory

    admin = UserFactory(chamber_admin=True)
    event = audit_record(actor=admin, action="evize.test.visible")
    client = staff_client(admin)
    assert client.get("/yonetim/audit/auditevent/").status_code == 200
    assert client.get(f"/yonetim/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.get("/yonetim/audit/auditevent/add/").status_code == 403
    assert client.post(f"/yonetim/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
