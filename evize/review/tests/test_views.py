import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Application, Status
from evize.applications.tests.factories import ApplicationFactory
from evize.review.models import Assignment, Note
from evize.review.services import notation_send, note_add

pytestmark = pytest.mark.django_db


def test_queue_refuses_engineers(client, engineer_user):
    client.force_login(engineer_user)
    assert client.get(reverse("review:queue")).status_code == 403


def test_clerk_assigns_from_the_queue(staff_client, registered_app, clerk, reviewer):
    client = staff_client(clerk)
    page = client.get(reverse("review:queue"))
    assert page.status_code == 200 and "2026/00042" in page.content.decode()
    response = client.post(reverse("review:assign", args=[registered_app.pk]), {"reviewer": reviewer.pk})
    assert response.status_code == 302
    registered_app.refresh_from_db()
    assert registered_app.status == Status.IN_REVIEW
    assert Assignment.objects.get(application=registered_app, active=True).reviewer == reviewer


def test_control_engineer_cannot_assign(staff_client, registered_app, reviewer):
    response = staff_client(reviewer).post(
        reverse("review:assign", args=[registered_app.pk]), {"reviewer": reviewer.pk}
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_other_control_engineer_gets_404(staff_client, review_app):
    other = UserFactory(control_engineer=True)
    client = staff_client(other)
    assert client.get(reverse("review:workspace", args=[review_app.pk])).status_code == 404
    response = client.post(
        reverse("review:note_add", args=[review_app.pk]), {"category": "missing_document", "text": "x"}
    )
    assert response.status_code == 404
    assert "2026/00042" not in client.get(reverse("review:queue")).content.decode()


def test_engineer_cannot_open_the_workspace(client, review_app, engineer_user):
    client.force_login(engineer_user)
    assert client.get(reverse("review:workspace", args=[review_app.pk])).status_code == 403


def test_reviewer_adds_a_note_with_a_rectangle(staff_client, review_app, reviewer):
    client = staff_client(reviewer)
    assert client.get(reverse("review:workspace", args=[review_app.pk])).status_code == 200
    response = client.post(
        reverse("review:note_add", args=[review_app.pk]),
        {
            "category": "correction_needed",
            "document": review_app.drawing.pk,
            "page": 1,
            "x": 10,
            "y": 20,
            "w": 30,
            "h": 40,
            "text": "Detay",
        },
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.rect == {"x": 10.0, "y": 20.0, "w": 30.0, "h": 40.0} and note.page == 1
    bad = client.post(
        reverse("review:note_add", args=[review_app.pk]),
        {"category": "correction_needed", "x": 5, "y": 5, "text": "x"},
    )
    assert bad.status_code == 422 and Note.objects.count() == 1


def test_warning_before_the_cancelling_notation(staff_client, review_app, reviewer):
    client = staff_client(reviewer)
    note_add(actor=reviewer, application=review_app, category="missing_document", text="Eksik")
    page = client.get(
        reverse("review:workspace", args=[review_app.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "notation 1 of 3" in page and "cancels the application" not in page
    Application.objects.filter(pk=review_app.pk).update(notation_count=2)
    page = client.get(
        reverse("review:workspace", args=[review_app.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "notation 3 of 3" in page and "cancels the application" in page
    # without the confirmation box nothing is sent
    client.post(reverse("review:notation_send", args=[review_app.pk]))
    review_app.refresh_from_db()
    assert review_app.status == Status.IN_REVIEW
    client.post(reverse("review:notation_send", args=[review_app.pk]), {"confirm": "1"})
    review_app.refresh_from_db()
    assert review_app.status == Status.CANCELLED


def test_turkish_page_says_notlama(staff_client, review_app, reviewer):
    client = staff_client(reviewer)
    note_add(actor=reviewer, application=review_app, category="missing_document", text="Eksik")
    page = client.get(
        reverse("review:workspace", args=[review_app.pk]), HTTP_ACCEPT_LANGUAGE="tr"
    ).content.decode()
    assert "notlama 0 / 3" in page and "Notları gönder" in page


def _queue_app(reviewer, clerk, n):
    from evize.review.services import review_assign

    for _i in range(n):
        app = ApplicationFactory(
            status=Status.REGISTERED, registration_number=f"2026/{Application.objects.count() + 100:05d}"
        )
        review_assign(actor=clerk, application=app, reviewer=reviewer)


def test_queue_uses_a_constant_number_of_queries(
    staff_client, clerk, reviewer, django_assert_max_num_queries
):
    client = staff_client(clerk)
    _queue_app(reviewer, clerk, 1)
    client.get(reverse("review:queue"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("review:queue"), {"q": "2026"}).status_code == 200
    _queue_app(reviewer, clerk, 14)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("review:queue"), {"q": "2026"})
    assert response.content.decode().count("status-in_review") == 15


def test_engineer_answers_and_downloads(client, review_app, reviewer, engineer_user):
    note = note_add(
        actor=reviewer,
        application=review_app,
        category="correction_needed",
        text="Açıkla",
        document=review_app.drawing,
        page=1,
    )
    notation = notation_send(actor=reviewer, application=review_app)
    client.force_login(engineer_user)
    response = client.post(reverse("review:note_answer", args=[note.pk]), {"answer": "Tamam"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.answer == "Tamam"
    download = client.get(reverse("review:notation_file", args=[notation.pk, "annotated"]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(reverse("review:notation_file", args=[notation.pk, "notes"])).status_code == 404
    assert client.post(reverse("review:note_answer", args=[note.pk]), {"answer": "x"}).status_code == 404


def test_engineer_include_lists_the_notes(review_app, reviewer, engineer_user):
    note_add(actor=reviewer, application=review_app, category="correction_needed", text="Kolon kesiti")
    notation_send(actor=reviewer, application=review_app)
    review_app.refresh_from_db()
    request = RequestFactory().get("/")
    request.user = engineer_user
    html = Template("{% load review_tags %}{% review_engineer_notes application %}").render(
        Context({"application": review_app, "request": request, "csrf_token": "t"})
    )
    assert 'id="notlama"' in html and "Kolon kesiti" in html and 'name="answer"' in html
    request.user = UserFactory()
    html = Template("{% load review_tags %}{% review_engineer_notes application %}").render(
        Context({"application": review_app, "request": request})
    )
    assert "Kolon kesiti" not in html


def test_dashboard_draws_its_charts_on_the_server(staff_client, review_app, clerk):
    page = staff_client(clerk).get(reverse("review:dashboard"), HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert page.count('<svg class="chart-svg"') == 1  # per status; no stage has ended yet
    assert "<script" not in page.split("<main", 1)[-1] and "cdn" not in page.lower()
    # coordinates are never localised (no decimal commas in the SVG)
    import re

    assert all("," not in value for value in re.findall(r'(?:width|x|y)="([^"]*)"', page))


def test_dashboard_counts_overdue_and_keeps_its_queries_constant(
    staff_client, clerk, reviewer, settings, django_assert_max_num_queries
):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from evize.applications.workflow import transition
    from evize.audit.models import AuditEvent

    settings.EVIZE_REVIEW_WORKING_DAYS = 10
    client = staff_client(clerk)
    _queue_app(reviewer, clerk, 1)
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("review:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    _queue_app(reviewer, clerk, 9)
    for app in Application.objects.filter(status=Status.IN_REVIEW)[:3]:
        transition(app, to=Status.NOTES_SENT, actor=reviewer, changes={"notation_count": 1})
    # everything happened a month ago: the 7 still at the office are over their 10 working days
    AuditEvent.objects.filter(object_type="applications.application").update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("review:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count('<svg class="chart-svg"') == 2
    assert '?overdue=1">7</a>' in page


def test_approve_view(staff_client, review_app, reviewer):
    response = staff_client(reviewer).post(reverse("review:approve", args=[review_app.pk]))
    assert response.status_code == 302
    review_app.refresh_from_db()
    assert review_app.status == Status.AWAITING_VISA_FEE


def test_three_notations_through_the_pages_warn_then_cancel(
    staff_client, client, review_app, reviewer, engineer_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    office = staff_client(reviewer)
    workspace = reverse("review:workspace", args=[review_app.pk])
    send = reverse("review:notation_send", args=[review_app.pk])
    office.post(
        reverse("review:note_add", args=[review_app.pk]), {"category": "missing_document", "text": "Eksik"}
    )
    for number in (1, 2):
        page = office.get(workspace, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f"notation {number} of 3" in page and "cancels the application" not in page
        office.post(send)
        review_app.refresh_from_db()
        assert review_app.status == Status.NOTES_SENT and review_app.notation_count == number
        # the engineers corrected and signed again (tested in test_correction_round)
        Application.objects.filter(pk=review_app.pk).update(status=Status.IN_REVIEW)
    page = office.get(workspace, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Warning: this will be notation 3 of 3" in page and 'name="confirm"' in page
    office.post(send)  # not confirmed: nothing happens
    review_app.refresh_from_db()
    assert review_app.status == Status.IN_REVIEW and review_app.notation_count == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        office.post(send, {"confirm": "1"})
    review_app.refresh_from_db()
    assert review_app.status == Status.CANCELLED and review_app.notation_count == 3
    assert len(mail.outbox) == 1 and not mail.outbox[0].attachments
    client.force_login(engineer_user)
    page = client.get(reverse("applications:detail", args=[review_app.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "The application was cancelled at notation 3." in page.content.decode()
