"""Review tests: private storage per test, and an application in review with a real PDF drawing."""

from __future__ import annotations

import io

import pytest

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Application, Round, Status
from evize.applications.tests.helpers import complete_application


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.EVIZE_UPLOAD_TMP_DIR = tmp_path / "uploads"
    settings.EVIZE_NOTATION_LIMIT = 3
    return tmp_path / "private"


def drawing_pdf(pages: int = 2) -> bytes:
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=landscape(A3))
    for page in range(1, pages + 1):
        c.drawString(72, 72, f"Pafta S-0{page}")
        c.showPage()
    c.save()
    return out.getvalue()


def attach_pdf(application, *, uploaded_by, name="statik-proje.pdf"):
    from evize.catalog.selectors import required_document_types
    from evize.documents.models import Document
    from evize.review.pdfs import store_pdf

    blob = store_pdf(drawing_pdf())
    document_type = required_document_types(application.work_type).first()
    return Document.objects.create(
        application=application,
        document_type=document_type,
        blob=blob,
        file_name=name,
        uploaded_by=uploaded_by,
    )


@pytest.fixture
def engineer_user(db):
    return UserFactory()


@pytest.fixture
def clerk(db):
    return UserFactory(clerk=True)


@pytest.fixture
def reviewer(db):
    return UserFactory(control_engineer=True)


@pytest.fixture
def registered_app(engineer_user):
    app = complete_application(user=engineer_user, documents=False)
    Round.objects.create(
        application=app,
        number=1,
        created_by=engineer_user,
        snapshot={"sections": {"building": {"address": "Eski"}}},
    )
    Application.objects.filter(pk=app.pk).update(status=Status.REGISTERED, registration_number="2026/00042")
    app.refresh_from_db()
    app.drawing = attach_pdf(app, uploaded_by=engineer_user)
    return app


@pytest.fixture
def review_app(registered_app, clerk, reviewer):
    from evize.review.services import review_assign

    review_assign(actor=clerk, application=registered_app, reviewer=reviewer)
    drawing = registered_app.drawing
    registered_app.refresh_from_db()
    registered_app.drawing = drawing
    return registered_app
