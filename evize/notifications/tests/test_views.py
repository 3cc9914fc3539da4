"""Pages: the local mailbox, outbox, previews, downloads and the user's notification list."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from evize.accounts.tests.factories import UserFactory
from evize.audit.models import AuditEvent
from evize.notifications.models import OutboxMessage
from evize.notifications.registry import all_kinds
from evize.notifications.services import Attachment, notification_queue

from .helpers import BASE_URL, PDF_NOTES, notes_attachments, queue_notes, queue_received

Status = OutboxMessage.Status


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- who may see what -----------------------------------------------------------------------------

STAFF_PAGES = [
    ("notifications:mailbox", {}),
    ("notifications:outbox", {}),
    ("notifications:preview_index", {}),
    ("notifications:preview", {"code": "application.received", "language": "tr"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), STAFF_PAGES)
def test_staff_pages_refuse_anonymous_and_engineers(client, engineer, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert _login(engineer).get(url).status_code == 403


@pytest.mark.django_db
def test_staff_need_two_factor_for_the_mailbox(outbox_mode):
    clerk = UserFactory(clerk=True)
    response = _login(clerk).get(reverse("notifications:mailbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


@pytest.mark.django_db
def test_mailbox_shows_kept_mail_rendered_with_attachments(
    outbox_mode, staff_client, engineer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_notes(engineer, attachments=notes_attachments())
    message.refresh_from_db()
    assert message.status == Status.HELD  # no SMTP configured: kept, not sent
    assert AuditEvent.objects.filter(action="evize.notification.held", object_id=str(message.pk)).exists()

    client = staff_client(UserFactory(clerk=True))
    listing = client.get(reverse("notifications:mailbox"))
    assert listing.status_code == 200
    assert message.subject in listing.content.decode()

    detail = client.get(reverse("notifications:mailbox_detail", args=[message.pk]))
    page = detail.content.decode()
    assert detail.status_code == 200
    body_url = reverse("notifications:body", args=[message.pk])
    assert f'src="{body_url}"' in page
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page
    assert "Zemin etüdü eksik." in page  # the plain-text version

    body = client.get(body_url)
    assert body.status_code == 200
    assert body["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script-src" not in body["Content-Security-Policy"]
    assert body["X-Frame-Options"] == "SAMEORIGIN"
    assert body.content.decode() == message.body_html

    notes = message.attachments.get(filename="notlar-2026-00007-1.pdf")
    download = client.get(reverse("notifications:attachment", args=[notes.public_id]))
    assert download.status_code == 200
    assert _content(download) == PDF_NOTES
    assert "notlar-2026-00007-1.pdf" in download["Content-Disposition"]


@pytest.mark.django_db
def test_mailbox_lists_in_constant_queries(outbox_mode, staff_client, django_assert_max_num_queries):
    client = staff_client(UserFactory(clerk=True))
    for user in UserFactory.create_batch(3):
        queue_received(user)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("notifications:outbox"))
    for user in UserFactory.create_batch(12):
        queue_notes(user, attachments=[Attachment("n.pdf", content=b"%PDF n")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("notifications:outbox"))
    assert response.content.decode().count("/yeniden-gonder/") == 15  # a resend form per row


@pytest.mark.django_db
def test_outbox_filters_by_status(outbox_mode, staff_client):
    sent = queue_received(UserFactory(), number="2026/00001")
    failed = queue_received(UserFactory(), number="2026/00002")
    OutboxMessage.objects.filter(pk=sent.pk).update(status=Status.SENT)
    OutboxMessage.objects.filter(pk=failed.pk).update(status=Status.FAILED, last_error="SMTPDataError: 554")
    client = staff_client(UserFactory(visa_officer=True))
    page = client.get(reverse("notifications:outbox"), {"status": "failed"}).content.decode()
    assert failed.to_email in page and "SMTPDataError: 554" in page
    assert sent.to_email not in page


@pytest.mark.django_db
def test_resend_by_staff_is_audited_and_engineers_cannot(
    outbox_mode, staff_client, engineer, django_capture_on_commit_callbacks
):
    message = queue_received(engineer)
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.FAILED, attempts=12)
    url = reverse("notifications:resend", args=[message.pk])

    assert _login(engineer).post(url).status_code == 403
    assert not AuditEvent.objects.filter(action="evize.notification.resent").exists()

    clerk = UserFactory(clerk=True)
    client = staff_client(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": reverse("notifications:outbox") + "?status=failed"})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:outbox") + "?status=failed"
    message.refresh_from_db()
    assert message.status == Status.HELD  # delivered again (to the local mailbox in this mode)
    event = AuditEvent.objects.get(action="evize.notification.resent")
    assert event.actor_id == clerk.pk and event.object_id == str(message.pk)


@pytest.mark.django_db
def test_resend_refuses_a_message_being_sent(outbox_mode, staff_client, engineer):
    message = queue_received(engineer)
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.SENDING)
    client = staff_client(UserFactory(clerk=True))
    response = client.post(reverse("notifications:resend", args=[message.pk]), follow=True)
    assert (
        "being sent right now" in response.content.decode()
        or "şu anda gönderiliyor" in response.content.decode()
    )
    assert not AuditEvent.objects.filter(action="evize.notification.resent").exists()


# --- previews -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.code)
def test_preview_renders_every_kind_in_both_languages(staff_client, settings, kind):
    settings.EVIZE_BASE_URL = BASE_URL
    client = staff_client(UserFactory(clerk=True))
    subjects = {}
    for language in ("tr", "en"):
        page = client.get(reverse("notifications:preview", args=[kind.code, language]))
        assert page.status_code == 200
        subjects[language] = page.context["rendered"].subject
        assert page.context["rendered"].text.strip()
        body = client.get(reverse("notifications:preview_body", args=[kind.code, language]))
        assert body.status_code == 200
        assert body["Content-Security-Policy"].startswith("default-src 'none'")
        html = body.content.decode()
        assert f'<html lang="{language}">' in html
        assert "{{" not in html and "{%" not in html
    assert subjects["tr"] != subjects["en"]


# --- downloads by link ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_big_attachment_becomes_a_link_that_opens_only_for_the_recipient_after_login(
    smtp_server, settings, engineer, staff_client, django_capture_on_commit_callbacks
):
    settings.EVIZE_EMAIL_ATTACHMENT_MAX_BYTES = 4000
    small = b"%PDF-1.4 visa'd project" * 10
    big = bytes(range(256)) * 40  # 10 240 bytes
    with django_capture_on_commit_callbacks(execute=True):
        message = notification_queue(
            kind="visa.delivered",
            to_user=engineer,
            context={
                "registration_number": "2026/00007",
                "visa_number": "V-1",
                "details_url": "/basvurular/7/",
            },
            attachments=[
                Attachment("vizeli-proje.pdf", content=small, content_type="application/pdf"),
                Attachment("vizeli-statik-hesap.pdf", content=big, content_type="application/pdf"),
            ],
        )
    got = smtp_server.received[0]
    assert got.attachments == {"vizeli-proje.pdf": ("application/pdf", small)}
    match = re.search(re.escape(BASE_URL) + r"(/bildirimler/indir/[^\s/]+/)", got.text)
    assert match, got.text
    path = match.group(1)
    assert f'href="{BASE_URL}{path}"' in got.html
    assert "vizeli-statik-hesap.pdf" in got.text
    big_row = message.attachments.get(filename="vizeli-statik-hesap.pdf")
    assert big_row.as_link and big_row.size == len(big)

    # Not logged in: to the login page, and back here afterwards.
    anonymous = Client().get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert "next=" in anonymous["Location"]
    # Another engineer: nothing.
    assert _login(UserFactory()).get(path).status_code == 404
    # The recipient: the file.
    response = _login(engineer).get(path)
    assert response.status_code == 200
    assert _content(response) == big
    # Office staff (two-factor verified) too.
    assert _content(staff_client(UserFactory(clerk=True)).get(path)) == big

    # A forged token is refused; an expired one says so.
    forged = path.replace("/indir/", "/indir/x")
    assert _login(engineer).get(forged).status_code == 404
    settings.EVIZE_EMAIL_LINK_MAX_AGE_SECONDS = -1
    expired = _login(engineer).get(path)
    assert expired.status_code == 410


@pytest.mark.django_db
def test_one_time_account_links_are_hidden_from_staff_once_smtp_is_on(
    smtp_server, staff_client, engineer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = notification_queue(
            kind="account.password_reset",
            to_user=engineer,
            context={"reset_url": f"{BASE_URL}/hesap/parola-sifirla/MQ/abc-123/", "valid_days": 3},
        )
    assert f"{BASE_URL}/hesap/parola-sifirla/MQ/abc-123/" in smtp_server.received[0].text
    client = staff_client(UserFactory(clerk=True))
    page = client.get(reverse("notifications:mailbox_detail", args=[message.pk])).content.decode()
    assert "abc-123" not in page
    assert client.get(reverse("notifications:body", args=[message.pk])).status_code == 404
    # Its recipient may read it.
    assert _login(engineer).get(reverse("notifications:body", args=[message.pk])).status_code == 200


# --- the user's notifications ---------------------------------------------------------------------


@pytest.mark.django_db
def test_notification_list_shows_only_own_messages_unread_first(outbox_mode, engineer):
    other = UserFactory()
    old = queue_received(engineer, number="2026/00001")
    newer = queue_received(engineer, number="2026/00002")
    queue_received(other, number="2026/00003")
    notification_queue(kind="account.activation", to_user=engineer, context={"activation_url": "/hesap/x/"})
    OutboxMessage.objects.filter(pk=newer.pk).update(read_at=newer.created_at)

    client = _login(engineer)
    response = client.get(reverse("notifications:list"))
    listed = list(response.context["page"].object_list)
    assert listed == [old, newer]  # unread first; no account e-mail, nothing of others
    assert response.context["unread"] == 1

    # Opening it shows its content and marks it read.
    detail = client.get(reverse("notifications:detail", args=[old.pk]))
    assert detail.status_code == 200
    assert "2026/00001" in detail.content.decode()
    old.refresh_from_db()
    assert old.read_at is not None

    # Someone else's notification does not exist for this user.
    theirs = OutboxMessage.objects.get(to_email=other.email)
    assert client.get(reverse("notifications:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:body", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404


@pytest.mark.django_db
def test_mark_all_read_and_the_unread_count_tag(outbox_mode, engineer):
    for number in ("2026/00001", "2026/00002"):
        queue_received(engineer, number=number)
    request = RequestFactory().get("/")
    request.user = engineer
    template = Template(
        "{% load notifications %}{% notifications_unread_count as n %}[{{ n }}]{% notifications_menu_item %}"
    )
    rendered = template.render(Context({"request": request}))
    assert "[2]" in rendered
    assert (
        f'href="{reverse("notifications:list")}"' in rendered and '<span class="badge">2</span>' in rendered
    )

    response = _login(engineer).post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not OutboxMessage.objects.filter(recipient=engineer, read_at__isnull=True).exists()
    assert "[0]" in template.render(Context({"request": request}))


@pytest.mark.django_db
def test_notification_list_needs_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_timeline_entry_shows_the_email_and_its_files(outbox_mode, engineer):
    from django.template.loader import render_to_string

    from evize.notifications.selectors import notifications_for_target

    queue_notes(engineer, attachments=notes_attachments(), target=engineer.member)
    (message,) = notifications_for_target(engineer.member)
    html = render_to_string("notifications/_timeline_entry.html", {"message": message})
    assert "Zemin etüdü eksik." in html
    for attachment in message.attachments.all():
        assert reverse("notifications:attachment", args=[attachment.public_id]) in html


@pytest.mark.django_db
def test_admin_lists_the_outbox_read_only(outbox_mode, staff_client, engineer):
    message = queue_notes(engineer, attachments=notes_attachments())
    client = staff_client(UserFactory(chamber_admin=True))
    assert client.get(reverse("admin:notifications_outboxmessage_changelist")).status_code == 200
    page = client.get(reverse("admin:notifications_outboxmessage_change", args=[message.pk]))
    assert page.status_code == 200
    assert message.message_id.strip("<>") in page.content.decode()
    assert client.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403
