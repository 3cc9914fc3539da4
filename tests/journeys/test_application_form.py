"""The application form as a new user meets it (guide steps 4-19), in a real browser: log in, start an
application, fill every section (two parcels, two subjects, a second engineer), leave, come back
from the dashboard, finish, "Kaydet" → "Evet", and find the registration number on the dashboard."""

import re

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from evize.accounts.tests.factories import PASSWORD, UserFactory
from evize.applications.models import Application, Status
from evize.applications.tests.helpers import attach_required_documents
from evize.registry.tests.factories import MemberFactory, make_tckn
from tests.journeys.conftest import SCREENSHOTS
from tests.journeys.helpers import (
    choose,
    fill_project_and_material_steps,
    fill_structural_steps,
    open_dialog,
    save_close,
    settle,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def view(page, name: str):
    """A screenshot of what is on the screen (a dialog sits in the viewport, not at the page top)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_fill_leave_return_and_save(page, shot):
    engineer = UserFactory(member__first_name="Ayşe", member__last_name="Yılmaz", member__sicil_no="4711")
    second = MemberFactory(
        sicil_no="5120", first_name="Mehmet", last_name="Öztürk", with_office=True, national_id=make_tckn(77)
    )

    server_errors = []
    page.on("response", lambda r: server_errors.append(r.url) if r.status >= 500 else None)

    # Log in through the login page.
    page.goto("/hesap/giris/?next=/panel/")
    page.get_by_label("Sicil no veya e-posta").fill(engineer.member.sicil_no)
    page.get_by_label("Parola").fill(PASSWORD)
    page.get_by_role("button", name="Giriş yap").click()
    page.wait_for_url("**/panel/")
    page.get_by_role("button", name="Yeni başvuru").click()
    page.wait_for_url(re.compile(r".*/basvuru/\d+/form/$"))
    expect(page.get_by_role("heading", name="e-Vize Başvuru Formu")).to_be_visible()
    # The applicant is already the first engineer.
    expect(page.locator("#section-engineers")).to_contain_text("Ayşe Yılmaz")
    shot(page, "form-01-new")

    # Step 4: a second engineer, found by registry number; the name fills in and cannot be typed.
    dialog = open_dialog(page, "engineers")
    dialog.get_by_role("combobox", name="Sicil no").fill("512")
    dialog.get_by_role("option", name=re.compile("5120 · Mehmet Öztürk")).click()
    settle(page)
    expect(dialog.get_by_label("Mühendisin adı soyadı")).to_have_value("Mehmet Öztürk")
    expect(dialog.get_by_label("Mühendisin adı soyadı")).not_to_be_editable()
    expect(dialog.get_by_label("Büro adı")).to_have_value("Yapı Statik Mühendislik Ltd.")
    dialog.get_by_label("E-posta").fill("mehmet.ozturk@example.org")
    dialog.get_by_label("Kimlik numarası").fill("12345678901")  # a bad checksum first
    dialog.get_by_label("Telefon").fill("+90 533 111 22 33")
    dialog.get_by_role("button", name="Kaydet/Kapat").click()
    expect(dialog.get_by_text("doğrulama haneleri tutmuyor")).to_be_visible()
    expect(dialog.get_by_label("E-posta")).to_have_value("mehmet.ozturk@example.org")  # nothing else lost
    view(page, "form-02-engineer-error")
    dialog.get_by_label("Kimlik numarası").fill(second.national_id)
    save_close(page, dialog, "engineers", "Mehmet Öztürk")

    # Step 5: Yapı Bilgileri (the village list follows the district).
    dialog = open_dialog(page, "building")
    dialog.get_by_label("İşin türü").select_option(label="Yeni yapı")
    choose(page, dialog, "İlçe", "Lefkoşa")
    dialog.get_by_label("Köy / mahalle").select_option(label="Gönyeli")
    dialog.get_by_label("Belediye").select_option(label="Gönyeli-Alayköy Belediyesi")
    dialog.get_by_label("Adres").fill("Atatürk Caddesi No: 12")
    dialog.get_by_label("Mal sahibi").fill("Hüseyin Çelik")
    dialog.get_by_label("Yapının adı").fill("Çelik Apartmanı")
    dialog.get_by_label("Bodrum kat sayısı").fill("1")
    dialog.get_by_label("Zemin üstü kat sayısı").fill("4")
    dialog.get_by_label("Toplam inşaat alanı").fill("1.250,50")
    dialog.get_by_label("Yapı yüksekliği").fill("12,60")
    dialog.get_by_label("Yapı sınıfı").select_option(label="III. sınıf B grubu")
    dialog.get_by_label("Bağımsız bölüm sayısı").fill("8")
    view(page, "form-03-building-dialog")
    save_close(page, dialog, "building", "Gönyeli")
    # The pre-checks beside the form follow every save.
    expect(page.locator("#prechecks")).not_to_contain_text("“Yapı Bilgileri” henüz doldurulmadı.")
    expect(page.locator("#section-building")).to_contain_text("1.250,50 m²")

    # Step 6: two parcels ("Yeni Ekle" keeps the window open for the next one).
    dialog = open_dialog(page, "title_deeds")
    for sheet, block, parcel, deed, area, owner in (
        ("XXI/23", "12", "345", "K-1001", "620,25", "Hüseyin Çelik"),
        ("XXI/23", "12", "346", "K-1002", "580", "Gülşen Çelik"),
    ):
        choose(page, dialog, "İlçe", "Lefkoşa")
        dialog.get_by_label("Köy / mahalle").select_option(label="Gönyeli")
        dialog.get_by_label("Pafta / harita").fill(sheet)
        dialog.get_by_label("Ada").fill(block)
        dialog.get_by_label("Parsel").fill(parcel)
        dialog.get_by_label("Koçan no").fill(deed)
        dialog.get_by_label("Alan").fill(area)
        dialog.get_by_label("Malik").fill(owner)
        if parcel == "345":
            dialog.get_by_role("button", name="Yeni Ekle").click()
            expect(page.locator("#section-title_deeds")).to_contain_text("K-1001")
            settle(page)
            expect(dialog.get_by_label("Koçan no")).to_have_value("")
        else:
            save_close(page, dialog, "title_deeds", "K-1002")

    # Steps 7-9 (as the journey helpers fill them); step 10: Mevcut Malzeme Bilgileri.
    fill_project_and_material_steps(page)
    dialog = open_dialog(page, "existing_materials")
    dialog.get_by_label("Taşıyıcı eleman").select_option(label="Temel")
    dialog.get_by_label("Ölçülen beton dayanımı").fill("abc")
    dialog.get_by_label("Not").fill("Komşu parseldeki eski duvar temeli")
    dialog.get_by_role("button", name="Kaydet/Kapat").click()
    expect(dialog.get_by_text("harf kullanılamaz")).to_be_visible()
    expect(dialog.get_by_label("Not")).to_have_value("Komşu parseldeki eski duvar temeli")
    dialog.get_by_label("Ölçülen beton dayanımı").fill("18,5")
    save_close(page, dialog, "existing_materials", "18,5 MPa")

    # Steps 11-16 (the journey helpers fill them the same way).
    fill_structural_steps(page)
    shot(page, "form-04-filled")

    # Leave (the draft is on the server), come back from the dashboard.
    page.get_by_role("link", name="Başvurularım").first.click()
    page.wait_for_url("**/panel/")
    row = page.locator("table.applications-list tbody tr").first
    expect(row).to_contain_text("Taslak")
    expect(row).to_contain_text("Gönyeli")
    shot(page, "form-05-dashboard-draft")
    row.get_by_role("link", name="Devam et").click()
    page.wait_for_url(re.compile(r".*/basvuru/\d+/form/$"))
    expect(page.locator("#section-title_deeds")).to_contain_text("K-1002")
    expect(page.locator("#section-engineers")).to_contain_text("Mehmet Öztürk")

    # Step 17: the cost (typed, saved as typed) and the fee type; step 19: the note.
    page.get_by_role("textbox", name="İnşaat toplam maliyeti (TL)").fill("2.450.000,00")
    expect(page.locator("#status-construction_cost")).to_contain_text("Kaydedildi")
    page.get_by_label("Proje ücreti tipi").select_option(label="Asgari ücret tarifesine göre (tam ücret)")
    expect(page.locator("#status-fee_type")).to_contain_text("Kaydedildi")
    page.get_by_role("textbox", name="Notlar").fill("Statik hesaplar ektedir.")
    expect(page.locator("#status-note_to_office")).to_contain_text("Kaydedildi")
    application = Application.objects.get(created_by=engineer)
    attach_required_documents(application, uploaded_by=engineer)  # the documents step (own journey)
    page.reload()
    expect(page.locator("#prechecks .finding-error")).to_have_count(0)
    shot(page, "form-06-ready")
    view(page, "form-06-ready-screen")

    # "Kaydet" → are you sure? → "Evet" (the warnings are read and accepted).
    page.get_by_role("button", name="Kaydet", exact=True).click()
    dialog = page.locator("#section-dialog")
    expect(dialog.get_by_text("Kaydetmek istediğinize emin misiniz?")).to_be_visible()
    dialog.get_by_label("Uyarıları okudum, yine de kaydetmek istiyorum.").check()
    view(page, "form-07-confirm")
    dialog.get_by_role("button", name="Evet").click()
    page.wait_for_url("**/panel/")
    number = f"{timezone.localdate().year}/00001"
    expect(page.get_by_text(f"{number} kayıt numarasıyla kaydedildi")).to_be_visible()
    row = page.locator("table.applications-list tbody tr").first
    expect(row).to_contain_text(number)
    expect(row).to_contain_text("İmza bekliyor")
    expect(row.get_by_role("link", name="İmzala")).to_be_visible()
    shot(page, "form-08-dashboard-number")

    application.refresh_from_db()
    assert application.status == Status.AWAITING_SIGNATURE
    assert application.registration_number == number
    assert application.title_deeds.count() == 2 and application.subjects.count() == 2
    assert application.engineers.count() == 2

    # The application page: read-only, with its timeline.
    row.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", name=f"{number} numaralı başvuru")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Kaydedildi: kayıt numarası verildi")
    expect(page.get_by_role("button", name="+ Yeni Kayıt Ekle")).to_have_count(0)
    shot(page, "form-09-application-page")
    if connection.vendor == "postgresql":
        # (The SQLite in-memory test database refuses concurrent session writes now and then when
        # the browser fires requests faster than a person would; PostgreSQL has no such limit.)
        assert server_errors == []
