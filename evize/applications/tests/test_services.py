"""Services: creating, saving ("Kaydet" → "Evet"), discarding ("Vazgeç") and copying applications."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import (
    Application,
    ApplicationEngineer,
    Building,
    RegistrationCounter,
    Round,
    Status,
    TitleDeed,
)
from evize.applications.sections import get_section
from evize.applications.selectors import ApplicationLocked
from evize.applications.services import (
    SubmitRefused,
    application_copy,
    application_create,
    application_discard,
    application_field_save,
    application_submit,
    section_row_delete,
    section_save,
)
from evize.applications.tests.helpers import attach_document, complete_application, item
from evize.applications.workflow import transition
from evize.audit.models import AuditEvent
from evize.catalog import models as catalog
from evize.registry.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def events(app, action):
    return AuditEvent.objects.filter(
        object_type="applications.application", object_id=str(app.pk), action=action
    )


# --- creating -----------------------------------------------------------------------------------------


def test_create_makes_the_applicant_the_first_engineer_from_the_registry():
    user = UserFactory(member__with_office=True)
    app = application_create(actor=user)
    engineer = app.engineers.get()
    member = user.member
    assert engineer.is_applicant and engineer.member == member
    assert (engineer.email, engineer.national_id, engineer.phone) == (
        member.email,
        member.national_id,
        member.phone,
    )
    assert engineer.works_as_office and engineer.office_name == member.office_name
    assert app.status == Status.DRAFT and app.registration_number is None
    assert events(app, "evize.application.created").count() == 1


@pytest.mark.parametrize("trait", ["suspended", "dues_unpaid"])
def test_members_not_in_good_standing_cannot_create(trait):
    user = UserFactory(**{f"member__{trait}": True})
    with pytest.raises(PermissionDenied):
        application_create(actor=user)
    assert not Application.objects.exists()


# --- draft changes ------------------------------------------------------------------------------------


def test_section_save_and_delete_are_audited():
    user = UserFactory()
    app = application_create(actor=user)
    section = get_section("title_deeds")
    form = section.form_class(
        {
            "district": item(catalog.District, "lefkosa").pk,
            "village": item(catalog.Village, "gonyeli").pk,
            "sheet_map": "XXI/23",
            "parcel": "345",
            "title_deed_no": "K-1",
            "area": "1.234,5",
            "owner": "Hüseyin Çelik",
        },
        application=app,
    )
    assert form.is_valid(), form.errors
    row = section_save(actor=user, application=app, section=section, form=form)
    assert row.area == Decimal("1234.5") and row.application == app
    saved = events(app, "evize.application.section_saved").get()
    assert saved.data["section"] == "title_deeds" and saved.data["created"] is True and saved.actor == user
    row_pk = row.pk
    section_row_delete(actor=user, application=app, section=section, row=row)
    assert not TitleDeed.objects.exists()
    assert events(app, "evize.application.section_row_deleted").get().data["row"] == row_pk


def test_the_applicant_row_cannot_be_deleted():
    user = UserFactory()
    app = application_create(actor=user)
    with pytest.raises(PermissionDenied):
        section_row_delete(
            actor=user, application=app, section=get_section("engineers"), row=app.engineers.get()
        )


def test_field_save_is_audited_only_when_it_changes():
    user = UserFactory()
    app = application_create(actor=user)
    assert application_field_save(
        actor=user, application=app, field="construction_cost", value=Decimal("1500000")
    )
    assert not application_field_save(
        actor=user, application=app, field="construction_cost", value=Decimal("1500000")
    )
    app.refresh_from_db()
    assert app.construction_cost == Decimal("1500000")
    assert events(app, "evize.application.field_saved").get().data == {
        "field": "construction_cost",
        "value": "1500000",
    }


def test_a_saved_application_cannot_be_changed():
    app = complete_application()
    application_submit(actor=app.created_by, application=app, acknowledge_warnings=False)
    with pytest.raises(ApplicationLocked):
        application_field_save(actor=app.created_by, application=app, field="note_to_office", value="geç")
    with pytest.raises(ApplicationLocked):
        section_row_delete(
            actor=app.created_by,
            application=app,
            section=get_section("title_deeds"),
            row=app.title_deeds.first(),
        )


# --- "Kaydet" → "Evet" --------------------------------------------------------------------------------


def test_submit_gives_the_number_moves_on_and_freezes_a_round():
    app = complete_application()
    moved = application_submit(actor=app.created_by, application=app)
    assert moved.status == Status.AWAITING_SIGNATURE
    assert moved.registration_number == f"{YEAR}/00001"
    assert (moved.registration_year, moved.registration_seq) == (YEAR, 1)
    assert moved.submitted_at is not None
    event = events(app, "evize.application.submitted").get()
    assert event.data["registration_number"] == f"{YEAR}/00001" and event.data["to"] == "awaiting_signature"
    snapshot = Round.objects.get(application=app, number=1).snapshot
    assert snapshot["application"]["registration_number"] == f"{YEAR}/00001"
    assert snapshot["application"]["work_type"] == {
        "code": "yeni-yapi",
        "name": "Yeni yapı",
        "name_en": "New building",
    }
    assert snapshot["sections"]["building"]["total_area"] == "1250.50"
    assert [d["parcel"] for d in snapshot["sections"]["title_deeds"]] == ["345", "346"]
    assert snapshot["sections"]["title_deeds"][0]["village"]["code"] == "gonyeli"
    assert snapshot["sections"]["engineers"][0]["member"]["sicil_no"] == app.created_by.member.sicil_no
    assert len(snapshot["documents"]) == 9 and all(len(d["sha256"]) == 64 for d in snapshot["documents"])
    second = complete_application()
    assert (
        application_submit(actor=second.created_by, application=second).registration_number == f"{YEAR}/00002"
    )


def test_errors_refuse_saving_and_no_number_is_used():
    app = complete_application()
    Building.objects.filter(application=app).delete()
    with pytest.raises(SubmitRefused) as refused:
        application_submit(actor=app.created_by, application=app, acknowledge_warnings=True)
    assert any(f.code == "required.missing" for f in refused.value.findings)
    app.refresh_from_db()
    assert app.status == Status.DRAFT and app.registration_number is None
    assert not RegistrationCounter.objects.filter(last__gt=0).exists()
    assert not events(app, "evize.application.submitted").exists()


def test_warnings_need_acknowledgement():
    app = complete_application()
    Building.objects.filter(application=app).update(height=Decimal("40"))
    with pytest.raises(SubmitRefused) as refused:
        application_submit(actor=app.created_by, application=app, acknowledge_warnings=False)
    assert refused.value.needs_acknowledgement
    moved = application_submit(actor=app.created_by, application=app, acknowledge_warnings=True)
    assert moved.status == Status.AWAITING_SIGNATURE
    assert events(app, "evize.application.submitted").get().data["warnings"] == ["building.storey_height"]


def test_saving_twice_is_refused():
    app = complete_application()
    application_submit(actor=app.created_by, application=app)
    with pytest.raises(SubmitRefused):
        application_submit(actor=app.created_by, application=app)
    assert RegistrationCounter.objects.get(year=YEAR).last == 1


def test_saving_after_notes_starts_a_new_round_with_the_same_number():
    app = complete_application()
    app = application_submit(actor=app.created_by, application=app)
    for target in (Status.AWAITING_REGISTRATION_FEE, Status.REGISTERED, Status.IN_REVIEW, Status.NOTES_SENT):
        app = transition(app, to=target, actor=None)
    moved = application_submit(actor=app.created_by, application=app)
    assert moved.status == Status.AWAITING_RESIGNATURE
    assert moved.registration_number == f"{YEAR}/00001"
    assert list(Round.objects.filter(application=app).values_list("number", flat=True)) == [1, 2]
    assert events(app, "evize.application.corrected").get().data["round"] == 2


# --- "Vazgeç" -----------------------------------------------------------------------------------------


def test_discard_deletes_the_draft_with_its_documents_and_is_audited():
    from evize.documents.models import Document

    app = complete_application()
    first = Document.objects.filter(application=app).first()
    newer = attach_document(app, first.document_type, uploaded_by=app.created_by, name="yeni.pdf")
    Document.objects.filter(pk=first.pk).update(state=Document.State.REPLACED)
    Document.objects.filter(pk=newer.pk).update(previous=first)
    pk = app.pk
    application_discard(actor=app.created_by, application=app)
    assert not Application.objects.filter(pk=pk).exists()
    assert not Document.objects.filter(application_id=pk).exists()
    event = AuditEvent.objects.get(action="evize.application.discarded", object_id=str(pk))
    assert event.data["sections"]["title_deeds"] == 2


def test_only_the_applicant_can_discard():
    app = complete_application()
    second = UserFactory()
    ApplicationEngineer.objects.create(
        application=app,
        member=second.member,
        position=2,
        email="x@example.org",
        national_id=second.member.national_id,
        phone="+90 533 000 00 00",
    )
    with pytest.raises(PermissionDenied):
        application_discard(actor=second, application=app)
    assert Application.objects.filter(pk=app.pk).exists()


def test_only_unsaved_drafts_can_be_discarded():
    app = complete_application()
    application_submit(actor=app.created_by, application=app)
    with pytest.raises(ApplicationLocked):
        application_discard(actor=app.created_by, application=app)
    assert Application.objects.filter(pk=app.pk).exists()


# --- copying ------------------------------------------------------------------------------------------


def test_copy_prefills_every_section_but_not_documents_number_or_status():
    source = complete_application()
    co = MemberFactory(first_name="Mehmet", last_name="Öztürk")
    ApplicationEngineer.objects.create(
        application=source,
        member=co,
        position=2,
        email="m@example.org",
        national_id=co.national_id,
        phone="+90 533 000 00 00",
    )
    source = application_submit(actor=source.created_by, application=source)
    copy = application_copy(actor=source.created_by, source=source)
    assert copy.pk != source.pk and copy.status == Status.DRAFT and copy.registration_number is None
    assert copy.work_type == source.work_type and copy.construction_cost == source.construction_cost
    for related in (
        "title_deeds",
        "project_records",
        "subjects",
        "materials",
        "coefficients",
        "superstructures",
        "slabs",
        "foundations",
        "foundation_data",
        "feature_choices",
    ):
        assert getattr(copy, related).count() == getattr(source, related).count() > 0, related
    assert copy.building.address == source.building.address and copy.ductility.ductility_level_id
    assert [(e.member, e.is_applicant) for e in copy.engineers.all()] == [
        (source.created_by.member, True),
        (co, False),
    ]
    assert not copy.documents.exists() and source.documents.count() == 9
    assert source.title_deeds.count() == 2  # the source is untouched
    event = events(copy, "evize.application.copied").get()
    assert event.data == {"source": source.pk, "source_number": source.registration_number}


def test_a_second_engineer_copying_becomes_the_applicant_of_the_copy():
    source = complete_application()
    co_user = UserFactory()
    ApplicationEngineer.objects.create(
        application=source,
        member=co_user.member,
        position=2,
        email="m@example.org",
        national_id=co_user.member.national_id,
        phone="+90 533 000 00 00",
    )
    copy = application_copy(actor=co_user, source=source)
    assert [(e.member, e.is_applicant) for e in copy.engineers.all()] == [
        (co_user.member, True),
        (source.created_by.member, False),
    ]


def test_copying_someone_elses_application_is_refused():
    source = complete_application()
    with pytest.raises(PermissionDenied):
        application_copy(actor=UserFactory(), source=source)
    assert Application.objects.count() == 1
