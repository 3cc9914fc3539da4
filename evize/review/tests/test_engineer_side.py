"""The engineer's side (guide step 25): the notes on the application page and at the bottom of the
form, "notation n of 3", the downloads, the answers, and "where is my application"."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Application, Status
from evize.review.models import Note
from evize.review.selectors import _clock, working_days_between
from evize.review.services import notation_send, note_add, note_resolve

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def noted_app(review_app, reviewer):
    """Notation 1 sent: a located note on the drawing and a note without a place."""
    note_add(
        actor=reviewer,
        application=review_app,
        category="correction_needed",
        text="Kolon donatısı eksik",
        document=review_app.drawing,
        page=1,
        rect={"x": 100, "y": 100, "w": 60, "h": 40},
    )
    note_add(actor=reviewer, application=review_app, category="missing_document", text="Zemin etüdü yok")
    review_app.notation = notation_send(actor=reviewer, application=review_app)
    return review_app


def test_application_page_shows_the_notes_downloads_and_where_it_is(client, noted_app, engineer_user):
    client.force_login(engineer_user)
    page = client.get(reverse("applications:detail", args=[noted_app.pk]), **EN).content.decode()
    assert 'id="notlama"' in page and "Kolon donatısı eksik" in page and "Zemin etüdü yok" in page
    assert "notation 1 / 3" in page
    assert reverse("review:notation_file", args=[noted_app.notation.pk, "notes"]) in page
    assert reverse("review:notation_file", args=[noted_app.notation.pk, "annotated"]) in page
    assert page.count('name="answer"') == 2
    # where is my application: waiting on the engineer, the office's clock paused
    assert "Where is my application?" in page and "Waiting for you" in page
    assert "the office&#x27;s clock is paused" in page or "the office's clock is paused" in page


def test_form_page_has_the_notes_first_and_answers_return_there(client, noted_app, engineer_user):
    client.force_login(engineer_user)
    form_url = reverse("applications:form", args=[noted_app.pk])
    page = client.get(form_url, **EN).content.decode()
    assert 'id="notlama"' in page and page.index('id="notlama"') < page.index('id="section-engineers"')
    note = Note.objects.get(text="Zemin etüdü yok")
    response = client.post(
        reverse("review:note_answer", args=[note.pk]), {"answer": "Eklendi", "next": form_url}
    )
    assert response.status_code == 302 and response["Location"] == f"{form_url}#notlama"
    note.refresh_from_db()
    assert note.status == Note.State.ANSWERED and note.answer == "Eklendi"
    # an empty answer is refused with a message, nothing changes
    response = client.post(reverse("review:note_answer", args=[note.pk]), {"answer": "  ", "next": form_url})
    note.refresh_from_db()
    assert note.answer == "Eklendi"
    # an outside "next" is not followed
    response = client.post(
        reverse("review:note_answer", args=[note.pk]), {"answer": "x", "next": "//evil.example/"}
    )
    assert response["Location"] == reverse("applications:detail", args=[noted_app.pk]) + "#notlama"


def test_turkish_page_says_notlama(client, noted_app, engineer_user):
    client.force_login(engineer_user)
    page = client.get(
        reverse("applications:detail", args=[noted_app.pk]), HTTP_ACCEPT_LANGUAGE="tr"
    ).content.decode()
    assert "notlama 1 / 3" in page and "Başvurum nerede?" in page and "Notları indir (PDF)" in page


def test_another_engineer_sees_nothing(client, noted_app):
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(reverse("applications:detail", args=[noted_app.pk])).status_code == 404
    assert client.get(reverse("applications:form", args=[noted_app.pk])).status_code == 404
    note = Note.objects.first()
    assert client.post(reverse("review:note_answer", args=[note.pk]), {"answer": "x"}).status_code == 404
    for kind in ("notes", "annotated"):
        url = reverse("review:notation_file", args=[noted_app.notation.pk, kind])
        assert client.get(url).status_code == 404
    assert (
        client.get(reverse("review:notation_file", args=[noted_app.notation.pk, "other"])).status_code == 404
    )
    note.refresh_from_db()
    assert note.answer == ""


def test_office_sees_the_clock_but_no_answer_boxes(staff_client, noted_app, clerk):
    page = staff_client(clerk).get(reverse("applications:detail", args=[noted_app.pk]), **EN).content.decode()
    assert "Review clock" in page and "Waiting for the engineers" in page
    assert 'name="answer"' not in page and "Kolon donatısı eksik" not in page


def test_engineer_is_warned_before_the_cancelling_notation(client, noted_app, reviewer, engineer_user):
    client.force_login(engineer_user)
    url = reverse("applications:detail", args=[noted_app.pk])
    assert "will be cancelled" not in client.get(url, **EN).content.decode()
    # corrected and signed again (done by other apps), then a second notation
    Application.objects.filter(pk=noted_app.pk).update(status=Status.IN_REVIEW)
    noted_app.refresh_from_db()
    located = Note.objects.get(text="Kolon donatısı eksik")
    note_resolve(actor=reviewer, note=located)
    notation_send(actor=reviewer, application=noted_app)
    page = client.get(url, **EN).content.decode()
    assert "notation 2 / 3" in page
    assert "that will be notation 3 and the application will be cancelled" in page
    # only the carried-forward note is in notation 2; the resolved one is listed as earlier
    current, earlier = page.split("earlier note, resolved", 1)[0], page.split("earlier note, resolved", 1)[1]
    assert "Zemin etüdü yok" in current and "Kolon donatısı eksik" not in current
    assert "Kolon donatısı eksik" in earlier


# --- the clock ------------------------------------------------------------------------------------------


def _at(day: int, hour: int) -> datetime.datetime:
    """A moment in the week of Monday 30 November 2026 (local time)."""
    start = datetime.datetime(2026, 11, 30, hour, 0, tzinfo=timezone.get_current_timezone())
    return start + datetime.timedelta(days=day)


def test_working_days_skip_the_weekend():
    assert working_days_between(_at(0, 10), _at(2, 10)) == pytest.approx(2.0)  # Monday → Wednesday
    assert working_days_between(_at(4, 12), _at(7, 12)) == pytest.approx(1.0)  # Friday → Monday
    assert working_days_between(_at(5, 9), _at(6, 20)) == 0.0  # the weekend
    assert working_days_between(_at(3, 10), _at(2, 10)) == 0.0


def test_clock_counts_office_time_and_pauses_while_with_the_engineers(settings):
    settings.EVIZE_REVIEW_WORKING_DAYS = 4
    events = [
        (_at(0, 9), {"from": "awaiting_registration_fee", "to": "registered"}),
        (_at(0, 10), {"from": "registered", "to": "in_review"}),
        (_at(2, 10), {"from": "in_review", "to": "notes_sent"}),
        (_at(4, 10), {"from": "notes_sent", "to": "awaiting_resignature"}),
        (_at(7, 10), {"from": "awaiting_resignature", "to": "in_review"}),
    ]
    waiting = _clock(SimpleNamespace(status=Status.NOTES_SENT), events[:3], _at(4, 9))
    assert waiting.holder == "engineer" and waiting.paused
    assert waiting.office_days == pytest.approx(2.0, abs=0.05)
    assert [s.status for s in waiting.spans] == ["registered", "in_review", "notes_sent"]
    assert waiting.spans[-1].running and waiting.spans[-1].days == pytest.approx(2.0, abs=0.05)
    # a week later: the days with the engineers (including the weekend) are not counted
    later = _clock(SimpleNamespace(status=Status.IN_REVIEW), events, _at(8, 10))
    assert later.holder == "office" and not later.paused
    assert later.office_days == pytest.approx(3.0, abs=0.05)
    assert later.engineer_days == pytest.approx(3.0, abs=0.05)
    assert [s.review_round for s in later.spans if s.status == "in_review"] == [1, 2]
    assert not later.overdue
    overdue = _clock(SimpleNamespace(status=Status.IN_REVIEW), events, _at(9, 12))
    assert overdue.office_days > 4 and overdue.overdue


def test_clock_starts_at_the_office():
    events = [(_at(0, 9), {"from": "draft", "to": "awaiting_signature"})]
    assert not _clock(SimpleNamespace(status=Status.AWAITING_SIGNATURE), events, _at(1, 9)).started
