"""Step 27 on the application page: the visa and the visa'd files, downloadable by the
application's engineers and the office only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Status
from evize.payments.tests.factories import application_in

from .helpers import make_visa, visa_file_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def engineer(db):
    return UserFactory()


@pytest.fixture
def visaed(engineer):
    return application_in(Status.VISAED, created_by=engineer)


def download_url(visa_file) -> str:
    return reverse("visa:file_download", args=[visa_file.pk])


def test_engineer_downloads_the_visaed_file_with_ranges(client, engineer, visaed):
    visa = make_visa(visaed)
    visa_file = visa.files.get()
    data = visa_file_bytes(visa_file)
    client.force_login(engineer)

    response = client.get(download_url(visa_file))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Zemin%20kat%20plan%C4%B1" in response["Content-Disposition"]
    partial = client.get(download_url(visa_file), HTTP_RANGE="bytes=0-9")
    assert partial.status_code == 206
    assert b"".join(partial.streaming_content) == data[:10]
    assert partial["Content-Range"] == f"bytes 0-9/{len(data)}"
    assert client.get(download_url(visa_file), HTTP_RANGE=f"bytes={len(data) + 5}-").status_code == 416


def test_office_staff_download(staff_client, visaed):
    visa_file = make_visa(visaed).files.get()
    office = staff_client(UserFactory(clerk=True))
    response = office.get(download_url(visa_file))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == visa_file_bytes(visa_file)


def test_nobody_else_downloads(client, engineer, visaed):
    visa_file = make_visa(visaed).files.get()
    # Anonymous: to the login page.
    response = client.get(download_url(visa_file))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    # Another engineer: 404, as if the file did not exist.
    client.force_login(UserFactory())
    assert client.get(download_url(visa_file)).status_code == 404
    # The application's engineer: unknown ids and files of a visa not yet issued are 404 too.
    client.force_login(engineer)
    assert client.get(reverse("visa:file_download", args=[visa_file.pk + 1000])).status_code == 404
    pending_file = make_visa(visaed, state="pending").files.get()
    assert client.get(download_url(pending_file)).status_code == 404
    assert client.post(download_url(visa_file)).status_code == 405


def test_application_page_lists_the_visa_and_its_files(client, engineer, visaed):
    visa = make_visa(visaed)
    visa_file = visa.files.get()
    client.force_login(engineer)

    page = client.get(reverse("applications:detail", args=[visaed.pk]), HTTP_ACCEPT_LANGUAGE="tr")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="section-visa"' in html
    assert visa.number in html
    assert "Vize Yetkili" in html
    assert download_url(visa_file) in html
    assert reverse("visa:verify_number", args=[visa.slug]) in html
    assert visa_file.sha256 in html
    assert reverse("visa:office_detail", args=[visa.pk]) not in html  # office link for staff only


def test_application_page_pending_and_revoked_visas(client, engineer, visaed):
    revoked = make_visa(visaed, state="revoked", revoke_reason="Statik hesapta hata.")
    pending = make_visa(visaed, state="pending")
    client.force_login(engineer)
    html = client.get(
        reverse("applications:detail", args=[visaed.pk]), HTTP_ACCEPT_LANGUAGE="tr"
    ).content.decode()
    assert pending.number in html
    assert download_url(pending.files.get()) not in html
    assert "Statik hesapta hata." in html
    assert download_url(revoked.files.get()) in html


def test_application_page_without_visa_has_no_visa_section(client, engineer):
    application = application_in(Status.IN_REVIEW, created_by=engineer)
    client.force_login(engineer)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'id="section-visa"' not in html


def test_visa_section_queries_do_not_grow_with_visas_and_files(client, engineer, visaed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from evize.documents.tests.pdfs import make_pdf

    url = reverse("applications:detail", args=[visaed.pk])
    client.force_login(engineer)
    make_visa(visaed, state="superseded")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    for n in range(3):
        make_visa(visaed, files=[(f"Pafta {n}-{k}.pdf", make_pdf(text=f"{n}-{k}")) for k in range(3)])
    assert count() == one
