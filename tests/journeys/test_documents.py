"""Documents step in a real browser: upload PDFs into their slots (resumable, with progress), see
a refusal with its Turkish reason, view one in the PDF viewer, download one, delete one."""

import hashlib
import io

import pytest

from evize.applications.tests.factories import ApplicationFactory
from evize.documents.models import Document
from evize.documents.tests.factories import DocumentTypeFactory
from evize.documents.tests.pdfs import encrypted_pdf, make_pdf
from tests.journeys.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.EVIZE_UPLOAD_TMP_DIR = tmp_path / "uploads"


def upload(page, document_type, name: str, data: bytes):
    slot = page.locator(f"#slot-{document_type.pk}")
    slot.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": data}]
    )
    slot.get_by_role("button", name="+Yükle ve Ekle").click()
    return slot


def test_upload_view_download_delete(page, live_server, shot, storage):
    application = ApplicationFactory()
    drawings = DocumentTypeFactory(name_tr="Proje paftaları", code="j-pafta", multiple=True, sort_order=1)
    deed = DocumentTypeFactory(name_tr="Tapu koçanı", code="j-tapu", sort_order=2)
    static = DocumentTypeFactory(name_tr="Statik rapor / statik hesap", code="j-statik", sort_order=3)
    files = {
        "Zemin kat planı.pdf": (drawings, make_pdf(pages=3, text="Zemin kat")),
        "Çatı planı.pdf": (drawings, make_pdf(pages=2, text="Cati")),
        "Tapu.pdf": (deed, make_pdf(text="Tapu")),
        "Statik hesap.pdf": (static, make_pdf(pages=4, text="Statik")),
    }
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    log_in(page, live_server, application.created_by)
    page.goto(f"/belgeler/basvuru/{application.pk}/")
    assert page.get_by_role("heading", name="Belgeler", exact=True).is_visible()
    assert page.get_by_text("Biçim: yalnızca PDF").is_visible()

    for name, (document_type, data) in files.items():
        slot = upload(page, document_type, name, data)
        slot = page.locator(f"#slot-{document_type.pk}")
        slot.locator(".file-name", has_text=name).wait_for()
    assert Document.objects.filter(state=Document.State.CURRENT).count() == 4
    shot(page, "documents-uploaded")

    # A refused file: the Turkish reason is shown under its slot, nothing is added.
    slot = upload(page, static, "Şifreli.pdf", encrypted_pdf())
    error = slot.locator(".upload-error")
    error.wait_for(state="visible")
    assert "Bu PDF şifreli veya parola korumalı" in error.inner_text()
    assert Document.objects.filter(state=Document.State.CURRENT).count() == 4
    shot(page, "documents-refused")

    # View one in the browser (PDF.js): the page is drawn on a canvas, thumbnails for every page.
    drawings_slot = page.locator(f"#slot-{drawings.pk}")
    drawings_slot.get_by_role("link", name="Zemin kat planı.pdf dosyasını görüntüle").click()
    page.wait_for_url("**/goruntule/")
    viewer = page.locator("#pdf-viewer[data-state=ready]")
    viewer.wait_for()
    assert page.locator(".page-canvas").get_attribute("data-rendered-page") == "1"
    assert page.locator(".page-count").inner_text() == "3"
    assert page.locator(".thumbnails button").count() == 3
    page.locator(".thumbnails canvas[data-rendered=true]").first.wait_for()
    page.get_by_role("button", name="Sonraki sayfa").click()
    page.wait_for_function("() => document.querySelector('.page-canvas').dataset.renderedPage === '2'")
    before = page.locator(".page-canvas").bounding_box()["width"]
    scale = page.locator(".page-canvas").get_attribute("data-rendered-scale")
    page.get_by_role("button", name="Yakınlaştır").click()
    page.wait_for_function(
        "(s) => document.querySelector('.page-canvas').dataset.renderedScale !== s", arg=scale
    )
    assert page.locator(".page-canvas").bounding_box()["width"] > before
    drawn = page.evaluate(
        """() => {
            const c = document.querySelector('.page-canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let dark = 0;
            for (let i = 0; i < d.length; i += 4) { if (d[i] < 128) dark++; }
            return dark;
        }"""
    )
    assert drawn > 100, "the page canvas shows no drawing"
    shot(page, "documents-viewer")
    # No script or content-security-policy errors (the refused upload's 422 is logged by the browser).
    assert [e for e in console_errors if "422" not in e] == []

    # Download one (↓): the same bytes.
    page.go_back()
    page.wait_for_url(f"**/belgeler/basvuru/{application.pk}/")
    with page.expect_download() as info:
        page.locator(f"#slot-{deed.pk}").get_by_role("link", name="Tapu.pdf dosyasını indir").click()
    download = info.value
    assert download.suggested_filename == "Tapu.pdf"
    downloaded = io.BytesIO(open(download.path(), "rb").read()).getvalue()
    assert hashlib.sha256(downloaded).hexdigest() == hashlib.sha256(files["Tapu.pdf"][1]).hexdigest()

    # Delete one (X), after confirming.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#slot-{drawings.pk}").get_by_role("button", name="Çatı planı.pdf dosyasını sil").click()
    page.get_by_text("“Çatı planı.pdf” silindi.").wait_for()
    assert page.locator(f"#slot-{drawings.pk} .file-name").all_inner_texts() == ["Zemin kat planı.pdf"]
    assert Document.objects.get(file_name="Çatı planı.pdf").state == Document.State.REMOVED
    shot(page, "documents-after-delete")


def test_upload_resumes_after_a_dropped_connection(page, live_server, storage):
    """A 20 MiB drawing set goes up in 8 MiB parts; the second part's connection is cut. The
    browser asks the server where it stopped (HEAD) and continues from there."""
    from evize.documents.tests.pdfs import padded_pdf

    application = ApplicationFactory()
    drawings = DocumentTypeFactory(name_tr="Proje paftaları", code="j-pafta-2", multiple=True, sort_order=1)
    data = padded_pdf(20 * 1024 * 1024)
    seen: list[str] = []
    state = {"cut": False}

    def interfere(route, request):
        seen.append(f"{request.method} {request.headers.get('upload-offset', '')}")
        if request.method == "PATCH" and request.headers.get("upload-offset") == str(8 * 1024 * 1024):
            if not state["cut"]:
                state["cut"] = True
                route.abort("connectionreset")
                return
        route.continue_()

    log_in(page, live_server, application.created_by)
    page.goto(f"/belgeler/basvuru/{application.pk}/")
    page.route("**/belgeler/yukleme/**", interfere)
    slot = upload(page, drawings, "Tüm paftalar.pdf", data)
    page.locator(f"#slot-{drawings.pk} .file-name", has_text="Tüm paftalar.pdf").wait_for(timeout=60_000)

    assert state["cut"]
    assert any(entry.startswith("HEAD") for entry in seen), seen
    assert seen.count("PATCH 0") == 1, seen  # the first part was not sent again
    document = Document.objects.get()
    assert document.blob.sha256 == hashlib.sha256(data).hexdigest()
    assert slot.locator(".upload-error").is_hidden()
