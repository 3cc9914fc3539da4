"""Slots per document type; which are required comes from the work type."""

import pytest

from evize.catalog.models import DocumentRequirement, DocumentType, WorkType
from evize.documents.selectors import document_slots, missing_required_documents

from .conftest import tus_upload
from .factories import DocumentTypeFactory
from .pdfs import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def work_type(multi_type, single_type):
    work = WorkType.objects.create(code="test-yeni-yapi", name_tr="Yeni yapı (test)", sort_order=999)
    DocumentRequirement.objects.create(work_type=work, document_type=multi_type, required=True)
    DocumentRequirement.objects.create(work_type=work, document_type=single_type, required=False)
    return work


def test_without_work_type_every_active_type_is_a_slot(application, multi_type):
    DocumentTypeFactory(is_active=False, code="test-emekli")
    slots = document_slots(application)
    codes = [slot.document_type.code for slot in slots]
    assert codes == [
        dt.code for dt in DocumentType.objects.filter(is_active=True).order_by("sort_order", "name_tr")
    ]
    assert "test-emekli" not in codes
    assert not any(slot.required for slot in slots)


def test_reference_list_has_the_guide_slots(application):
    names = {slot.document_type.code for slot in document_slots(application)}
    assert {
        "proje-paftalari",
        "tapu-kocani",
        "tapu-vaziyet-plani",
        "istatistik-formu",
        "proje-sozlesmesi",
        "teknik-sartname",
        "statik-hesap",
        "mimari-proje",
        "diger-kurum-belgeleri",
    } <= names


def test_work_type_decides_slots_and_missing(owner_client, application, work_type, multi_type, single_type):
    slots = document_slots(application, work_type)
    assert [(s.document_type, s.required) for s in slots] == [(multi_type, True), (single_type, False)]
    assert missing_required_documents(application, work_type) == [multi_type]
    tus_upload(owner_client, application, multi_type, make_pdf())
    assert missing_required_documents(application, work_type) == []


def test_page_shows_what_is_missing_for_the_applications_work_type(
    owner_client, application, work_type, multi_type
):
    type(application).objects.filter(pk=application.pk).update(work_type=work_type)
    html = owner_client.get(f"/belgeler/basvuru/{application.pk}/").content.decode()
    assert "Eksik belgeler" in html
    assert 'class="slot card required missing"' in html
    tus_upload(owner_client, application, multi_type, make_pdf())
    html = owner_client.get(f"/belgeler/basvuru/{application.pk}/").content.decode()
    assert "Eksik belgeler" not in html
    assert "all-documents-present" in html


def test_slot_that_holds_files_stays_visible_after_its_type_is_retired(owner_client, application, multi_type):
    tus_upload(owner_client, application, multi_type, make_pdf())
    DocumentType.objects.filter(pk=multi_type.pk).update(is_active=False)
    slots = document_slots(application)
    retired = [s for s in slots if s.document_type.pk == multi_type.pk]
    assert len(retired) == 1 and len(retired[0].documents) == 1


def test_slot_fragment(owner_client, application, multi_type):
    tus_upload(owner_client, application, multi_type, make_pdf(), name="pafta.pdf")
    response = owner_client.get(f"/belgeler/basvuru/{application.pk}/slot/{multi_type.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section")
    assert "pafta.pdf" in html


def test_slot_fragment_brings_the_missing_list_up_to_date(owner_client, application, work_type, multi_type):
    type(application).objects.filter(pk=application.pk).update(work_type=work_type)
    url = f"/belgeler/basvuru/{application.pk}/slot/{multi_type.pk}/"
    before = owner_client.get(url).content.decode()
    assert 'id="missing-documents" hx-swap-oob="outerHTML"' in before and "Eksik belgeler" in before
    tus_upload(owner_client, application, multi_type, make_pdf())
    after = owner_client.get(url).content.decode()
    assert "Eksik belgeler" not in after and "all-documents-present" in after
