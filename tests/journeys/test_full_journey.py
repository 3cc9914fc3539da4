"""The whole journey in a real browser, every part real and on loopback: the e-mails go through an
SMTP server and are read from it (their links followed), signing is done by the e-Vize signer agent
with keys on a SoftHSM2 token, fees are paid at the sandbox bank with 3-D Secure, staff log in
with their TOTP code. axe-core checks every page visited (serious and critical violations fail).

1. From the public home page to a valid visa: sign-up, the form with a second engineer, documents,
   "Kaydet"/"Evet", signing by both engineers, registration fee, assignment, notes, correction and
   re-signing, approval, visa fee, the visa officer's signature, delivery and public verification.
2. An application cancelled at the third notation.

With EVIZE_SCREENSHOTS=1 the first journey writes the README's screenshots (docs/screenshots/)."""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evize.accounts.tests.factories import UserFactory, totp_device_for
from evize.applications.models import Application, Status
from evize.core.testing import require_tool
from evize.documents.tests.pdfs import make_pdf
from evize.registry.tests.factories import MemberFactory, make_tckn
from evize.signatures.models import SigningRound
from evize.signatures.testing.scenario import signer_certificate
from evize.visa.models import OfficerProfile, Visa

from .helpers import (
    VIEWPORT,
    A11y,
    add_second_engineer,
    engineer_login,
    fill_form_sections,
    readme_shot,
    staff_login,
    submit_form,
    upload,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Yeni-Parola-2026!"
OFFICER_NATIONAL_ID = "10000093216"


@pytest.fixture
def people(browser, live_server):
    """A browser context per person (each keeps their own session), every page checked by axe."""
    a11y = A11y()
    contexts = []

    def open_page():
        context = browser.new_context(locale="tr-TR", base_url=live_server.url, viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        a11y.watch(page)
        return page

    yield open_page, a11y
    for context in contexts:
        context.close()


def sign_in_browser(page, application, agents, name: str) -> None:
    """ "İmzala" on the signing page with `name`'s agent; wait until the page shows the signature."""
    agents.use(name)
    page.goto(f"/imza/basvuru/{application.pk}/")
    page.get_by_role("button", name="İmzala").click()
    page.locator(".round-summary .callout-success").wait_for(timeout=60_000)


def pay_at_sandbox_bank(page, a11y, *, shot: str | None = None) -> None:
    """On a fee page: "Öde", the bank's card page, the 3-D Secure SMS page, back to e-Vize."""
    page.get_by_role("button", name="Öde", exact=True).click()
    page.wait_for_url("**/sandbox-banka/kart/**")
    a11y.check(page, "sandbox bank: card")
    page.get_by_label("Kart numarası").fill("4111 1111 1111 1111")
    page.get_by_label("Kart üzerindeki ad").fill("ÖZLEM ÇAĞLAR")
    page.get_by_label("Ay").fill("12")
    page.get_by_label("Yıl").fill("35")
    page.get_by_label("Güvenlik kodu (CVV)").fill("123")
    page.get_by_role("button", name="Devam").click()
    page.wait_for_url("**/sandbox-banka/3d/**")
    a11y.check(page, "sandbox bank: 3-D Secure")
    if shot:
        readme_shot(page, shot)
    page.get_by_label("Doğrulama kodu").fill(page.locator(".sms strong").inner_text())
    page.get_by_role("button", name="Onayla").click()
    page.wait_for_url("**/odeme/sonuc/**")
    expect(page.get_by_role("heading", name="Ödemeniz alındı")).to_be_visible()
    a11y.check(page, "payment result")


def decoded_qr_urls(pdf: bytes, tmp_path) -> set[str]:
    pdftoppm = require_tool("pdftoppm", "the stamp is rendered with poppler-utils")
    zbarimg = require_tool("zbarimg", "the stamp's QR code is decoded with zbar-tools")
    path = tmp_path / "vizeli.pdf"
    path.write_bytes(pdf)
    subprocess.run([pdftoppm, "-r", "150", "-png", str(path), str(tmp_path / "p")], check=True)  # noqa: S603
    urls = set()
    for png in sorted(tmp_path.glob("p-*.png")):
        result = subprocess.run([zbarimg, "-q", "--raw", str(png)], capture_output=True, text=True)  # noqa: S603
        urls.update(line.strip() for line in result.stdout.splitlines() if line.strip())
    return urls


def test_from_the_home_page_to_a_valid_visa(people, live_server, mailbox, signer_agents, settings, tmp_path):
    settings.EVIZE_NOTATION_LIMIT = 3
    open_page, a11y = people
    member = MemberFactory(
        sicil_no="2480", first_name="Özlem", last_name="Çağlar", national_id=make_tckn(480),
        email="ozlem.caglar@example.org",
    )  # fmt: skip
    second = MemberFactory(
        sicil_no="5120", first_name="Mehmet", last_name="Öztürk", national_id=make_tckn(77),
        email="mehmet.ozturk@example.org", with_office=True,
    )  # fmt: skip
    UserFactory(member=second)  # the second engineer has an account: he signs in his own session
    clerk = UserFactory(clerk=True, first_name="Vize", last_name="Büro")
    control = UserFactory(control_engineer=True, first_name="Kemal", last_name="Kontrol")
    officer = UserFactory(visa_officer=True, first_name="Vize", last_name="Yetkili")
    OfficerProfile.objects.create(user=officer, national_id=OFFICER_NATIONAL_ID)
    devices = {user.pk: totp_device_for(user) for user in (clerk, control, officer)}

    # --- The public home page, sign-up, the activation e-mail ----------------------------------
    page = open_page()
    page.goto("/")
    expect(page.get_by_role("heading", name="Başvuru yapabilmeniz için ihtiyaçlarınız")).to_be_visible()
    a11y.check(page, "home")
    readme_shot(page, "01-home.png")
    page.get_by_role("link", name="Hesap oluştur").first.click()
    page.wait_for_url("**/hesap/kayit/")
    a11y.check(page, "sign-up")
    page.get_by_label("Sicil no").fill(member.sicil_no)
    page.get_by_label("Kimlik numarası").fill(member.national_id)
    page.get_by_role("button", name="Etkinleştirme bağlantısı gönder").click()
    page.wait_for_url("**/hesap/kayit/gonderildi/")
    a11y.check(page, "sign-up sent")
    activation = mailbox.wait("account.activation", to=member.email)
    page.goto(mailbox.link(activation, "/hesap/etkinlestir/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("etkinleştirin")
    a11y.check(page, "activation")
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Hesabı etkinleştir").click()
    page.wait_for_url("**/panel/")
    expect(page.get_by_role("heading", name="Başvurularım")).to_be_visible()
    a11y.check(page, "dashboard (new account)")

    # --- The form, with a second engineer --------------------------------------------------------
    page.get_by_role("button", name="Yeni başvuru").click()
    page.wait_for_url(re.compile(r".*/basvuru/\d+/form/$"))
    application = Application.objects.get(created_by__member=member)
    expect(page.locator("#section-engineers")).to_contain_text("Özlem Çağlar")
    a11y.check(page, "form (new)")
    add_second_engineer(page, second, email=second.email)
    fill_form_sections(page)
    page.locator("#section-documents").scroll_into_view_if_needed()
    a11y.check(page, "form (filled)")

    # --- Documents ----------------------------------------------------------------------------------
    page.get_by_role("link", name="Belgeleri yükle").click()
    page.wait_for_url(f"**/belgeler/basvuru/{application.pk}/")
    a11y.check(page, "documents")
    required = page.locator("section.slot.required")
    assert required.count() >= 1
    for index in range(required.count()):
        slot = required.nth(index)
        name = re.sub(r"[^\w ]+", "", slot.locator("h2").inner_text()).strip()[:40]
        upload(page, slot, f"{name}.pdf", make_pdf(pages=2, text=name[:20]))
    page.reload()  # (the "still missing" list at the top is drawn with the page, not per upload)
    expect(page.locator(".all-documents-present")).to_be_visible()
    a11y.check(page, "documents (all attached)")
    readme_shot(page, "03-documents.png")

    # --- "Kaydet" → "Evet": the number e-mail -----------------------------------------------------------
    page.goto(f"/basvuru/{application.pk}/form/")
    expect(page.locator("#prechecks .finding-error")).to_have_count(0)
    readme_shot(page, "02-form.png")
    submit_form(page)
    page.wait_for_url("**/panel/")
    number = f"{timezone.localdate().year}/00001"
    expect(page.get_by_text(f"{number} kayıt numarasıyla kaydedildi")).to_be_visible()
    a11y.check(page, "dashboard (saved)")
    received = mailbox.wait("application.received", to=member.email)
    assert number in received.message["Subject"]
    mailbox.wait("application.received", to=second.email)
    sign_request = mailbox.wait("application.sign_request", to=member.email)

    # --- Signing: both engineers, each with the agent on their own computer -------------------------------
    signer_agents.start("ozlem", signer_certificate(signer_agents.pki.intermediate, member))
    signer_agents.start("mehmet", signer_certificate(signer_agents.pki.intermediate, second))
    page.goto(mailbox.link(sign_request, f"/{application.pk}/"))
    signer_agents.use("ozlem")
    if "/imza/" not in page.url:
        page.get_by_role("link", name="İmzala").first.click()
    page.wait_for_url(f"**/imza/basvuru/{application.pk}/")
    a11y.check(page, "signing")
    readme_shot(page, "04-signing.png")
    sign_in_browser(page, application, signer_agents, "ozlem")
    a11y.check(page, "signing (signed, waiting for the other engineer)")
    second_page = open_page()
    engineer_login(second_page, second.sicil_no, a11y=a11y)
    sign_in_browser(second_page, application, signer_agents, "mehmet")
    expect(second_page.locator(".sign-state-locked")).to_be_visible()
    a11y.check(second_page, "signing (locked)")
    application.refresh_from_db()
    assert application.status == Status.AWAITING_REGISTRATION_FEE
    assert signer_agents.prompts["ozlem"].plans[0]["application"] == number

    # --- Registration fee with 3-D Secure; the "registered" e-mail ------------------------------------
    fee_due = mailbox.wait("fee.registration_due", to=member.email)
    page.goto(mailbox.link(fee_due, "/odeme/"))
    expect(page.get_by_role("heading", name="Kayıt ücreti", exact=True)).to_be_visible()
    a11y.check(page, "registration fee")
    pay_at_sandbox_bank(page, a11y, shot="05-payment-3ds.png")
    application.refresh_from_db()
    assert application.status == Status.REGISTERED
    registered = mailbox.wait("application.registered", to=member.email)
    mailbox.wait("payment.receipt", to=member.email)
    page.goto(mailbox.link(registered, f"/{application.pk}/"))
    expect(page.get_by_role("heading", name=f"{number} numaralı başvuru")).to_be_visible()
    a11y.check(page, "application page (registered)")

    # --- The clerk assigns a control engineer ----------------------------------------------------------
    office = open_page()
    staff_login(office, clerk, devices[clerk.pk], a11y=a11y)
    a11y.check(office, "staff home (clerk)")
    office.goto("/ofis/inceleme/")
    row = office.locator("table.queue tbody tr", has_text=number)
    expect(row).to_contain_text("Vize bürosuna kaydedildi")
    a11y.check(office, "queue")
    readme_shot(office, "06-office-queue.png")
    row.get_by_label("Kontrol mühendisi").select_option(label=control.get_full_name())
    row.get_by_role("button", name="Ata").click()
    expect(office.get_by_text(f"{number} numaralı başvuru atandı.")).to_be_visible()
    a11y.check(office, "queue (assigned)")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW

    # --- The control engineer writes a note and sends the notes (notation 1) -------------------------
    reviewer = open_page()
    staff_login(reviewer, control, devices[control.pk], a11y=a11y)
    reviewer.goto("/ofis/inceleme/")
    a11y.check(reviewer, "queue (control engineer)")
    reviewer.get_by_role("link", name=number).click()
    reviewer.wait_for_url(f"**/ofis/inceleme/basvuru/{application.pk}/")
    a11y.check(reviewer, "review workspace")
    note_form = reviewer.locator("#note-form")
    note_form.locator("textarea[name=text]").fill(
        "Zemin etüt raporunun tarihi ve firması notlarda belirtilmeli."
    )
    note_form.get_by_role("button", name="Notu kaydet").click()
    expect(reviewer.locator("#notes")).to_contain_text("Zemin etüt raporunun tarihi")
    a11y.check(reviewer, "review workspace (note added)")
    readme_shot(reviewer, "07-review-workspace.png")
    reviewer.locator("#decision").get_by_role("button", name="Notları gönder").click()
    expect(reviewer.locator("#notations")).to_contain_text("1 / 3")
    a11y.check(reviewer, "review workspace (notes sent)")
    application.refresh_from_db()
    assert application.status == Status.NOTES_SENT

    # --- The engineer follows the e-mail, downloads the notes, corrects and re-signs ---------------------
    notes_mail = mailbox.wait("review.notes_sent", to=member.email)
    assert "Zemin etüt raporunun tarihi" in notes_mail.text
    assert any(
        name.startswith("notlar-")
        for name in (p.get_filename() for p in notes_mail.message.iter_attachments())
    )
    page.goto(mailbox.link(notes_mail, f"/{application.pk}/"))
    notes = page.locator("#notlama")
    expect(notes).to_contain_text("Zemin etüt raporunun tarihi")
    a11y.check(page, "notes for the engineer")
    readme_shot(page, "08-notes-engineer.png")
    with page.expect_download() as download:
        notes.get_by_role("link", name="Notları indir (PDF)").click()
    assert download.value.suggested_filename.startswith("notlar-")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    assert "/form/" in page.url  # the e-mail lands on the form, where the corrections are made
    notes.get_by_label("Yanıtınız").fill("Zemin etüdü: 12.03.2026, Jeoteknik Ltd. (Notlar bölümüne eklendi).")
    notes.get_by_role("button", name="Yanıtı kaydet").click()
    page.wait_for_url(f"**/basvuru/{application.pk}/form/**")
    expect(page.locator("#notlama")).to_contain_text("Jeoteknik Ltd.")
    a11y.check(page, "form (correcting)")
    page.get_by_role("textbox", name="Notlar").fill(
        "Statik hesaplar ektedir. Zemin etüdü: 12.03.2026, Jeoteknik Ltd."
    )
    expect(page.locator("#status-note_to_office")).to_contain_text("Kaydedildi")
    submit_form(page)
    page.wait_for_url(re.compile(r".*/(panel|basvuru/\d+|imza/basvuru/\d+)/$"))
    a11y.check(page, "after the correction is saved")
    application.refresh_from_db()
    assert application.status == Status.AWAITING_RESIGNATURE
    mailbox.wait("application.correction_received", to=member.email)
    resign = mailbox.wait("application.resign_request", to=member.email)
    page.goto(mailbox.link(resign, f"/{application.pk}/"))
    sign_in_browser(page, application, signer_agents, "ozlem")
    a11y.check(page, "re-signing")
    sign_in_browser(second_page, application, signer_agents, "mehmet")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    # The round signed again is the corrected one.
    latest = SigningRound.objects.filter(application=application).order_by("-round__number").first()
    assert latest.round.number == 2 and latest.state == SigningRound.State.LOCKED
    assert "Jeoteknik" in str(latest.round.snapshot)
    assert signer_agents.prompts["mehmet"].plans[-1]["application"] == number

    # --- Approval: the note resolved, the checklist ticked --------------------------------------------
    reviewer.goto(f"/ofis/inceleme/basvuru/{application.pk}/")
    expect(reviewer.locator("#changes")).to_be_visible()
    expect(reviewer.locator("#notes")).to_contain_text("Jeoteknik Ltd.")  # the engineer's answer
    a11y.check(reviewer, "review workspace (round 2)")
    reviewer.locator("#notes").get_by_role("button", name="Çözüldü olarak işaretle").click()
    expect(reviewer.locator("#notes")).to_contain_text("Çözüldü")
    checklist = reviewer.locator("#checklist")
    if checklist.locator("input[type=checkbox]").count():
        for index in range(checklist.locator("input[type=checkbox]").count()):
            checklist.locator("input[type=checkbox]").nth(index).check()
        checklist.get_by_role("button", name="Kontrol listesini kaydet").click()
        expect(reviewer.get_by_text("Kontrol listesi kaydedildi.")).to_be_visible()
    reviewer.locator("#decision").get_by_role("button", name="Onayla").click()
    expect(reviewer.locator(".status-badge").first).to_contain_text("Vize ücreti bekliyor")
    a11y.check(reviewer, "review workspace (approved)")
    application.refresh_from_db()
    assert application.status == Status.AWAITING_VISA_FEE

    # --- The visa fee -------------------------------------------------------------------------------------
    visa_due = mailbox.wait("fee.visa_due", to=member.email)
    page.goto(mailbox.link(visa_due, "/odeme/"))
    expect(page.get_by_role("heading", name="Vize ücreti", exact=True)).to_be_visible()
    a11y.check(page, "visa fee")
    pay_at_sandbox_bank(page, a11y)
    application.refresh_from_db()
    assert application.status == Status.VISA_ISSUING

    # --- The visa officer signs the visa'd files through the agent ------------------------------------------
    issued_cert = signer_agents.pki.intermediate.issue_signer(
        given_name="Vize", surname="Yetkili", national_id=OFFICER_NATIONAL_ID, id_prefix="PNOTR-"
    )
    signer_agents.start("yetkili", issued_cert, server_path="/vize")
    signer_agents.use("yetkili")
    visa_office = open_page()
    staff_login(visa_office, officer, devices[officer.pk], a11y=a11y)
    visa_office.goto("/vize/")
    visa = Visa.objects.get(application=application)
    expect(visa_office.get_by_role("link", name=visa.number)).to_be_visible()
    a11y.check(visa_office, "visa office")
    readme_shot(visa_office, "09-visa-officer.png")
    visa_office.get_by_role("button", name="Seçilen vizeleri imzala").click()
    visa_office.wait_for_url("**/vize/imzala/")
    a11y.check(visa_office, "visa signing")
    visa_office.wait_for_url(re.compile(r".*/vize/$"), timeout=90_000)
    a11y.check(visa_office, "visa office (issued)")
    visa.refresh_from_db()
    assert visa.state == Visa.State.VALID
    application.refresh_from_db()
    assert application.status == Status.VISAED
    assert visa.number in signer_agents.prompts["yetkili"].plans[0]["application"]
    # The visa'd files are those of the corrected, re-signed round.
    assert {f.round_file.signing_round_id for f in visa.files.all()} == {latest.pk}

    # --- Delivery e-mail; the QR code's URL shows the visa valid ----------------------------------------
    delivered = mailbox.wait("visa.delivered", to=member.email)
    mailbox.wait("visa.delivered", to=second.email)
    attachments = {p.get_filename(): p.get_payload(decode=True) for p in delivered.message.iter_attachments()}
    assert attachments and all(visa.slug in name for name in attachments), list(attachments)
    verify_path = mailbox.link(delivered, "/dogrula/")
    qr_urls = decoded_qr_urls(next(iter(attachments.values())), tmp_path)
    assert qr_urls == {live_server.url + verify_path}, qr_urls
    public = open_page()
    public.goto(verify_path)
    expect(public.get_by_text("Bu vize geçerlidir.")).to_be_visible()
    a11y.check(public, "public verification")
    readme_shot(public, "10-verify-valid.png")

    # The engineer's application page: visa'd, with the visa'd files to download.
    page.goto(f"/basvuru/{application.pk}/")
    expect(page.locator(".status-badge").first).to_contain_text("Vizelendi")
    a11y.check(page, "application page (visa'd)")
    with page.expect_download() as download:
        page.locator("#section-visa").get_by_role("link", name="İndir").first.click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"

    a11y.assert_clean()


def sign_in_thread(engineer, issued, application) -> None:
    """Sign a round through the services (the signature validation runs its own event loop, which
    cannot nest in the browser driver's loop running in this thread)."""
    from django.db import connection

    from evize.signatures.tests.helpers import sign_round

    def run():
        try:
            sign_round(engineer, issued, application)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def attach_pdfs(application, engineer) -> None:
    """A real PDF in every required slot, through the documents service (checked, stored)."""
    import tempfile
    from pathlib import Path

    from django.conf import settings as django_settings

    from evize.catalog.selectors import required_document_types
    from evize.documents.services import document_create_from_file

    application.refresh_from_db()
    tmp_dir = Path(django_settings.EVIZE_UPLOAD_TMP_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    for document_type in required_document_types(application.work_type):
        with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".pdf", delete=False) as tmp:
            tmp.write(make_pdf(pages=2, text=document_type.code))
        document_create_from_file(
            actor=engineer,
            application=application,
            document_type=document_type,
            path=Path(tmp.name),
            file_name=f"{document_type.code}.pdf",
        )


def correct_and_resign(application, engineer, issued) -> None:
    """The engineer's side between two notations, through the services: save again, sign again."""
    from evize.applications.services import application_submit

    application_submit(actor=engineer, application=application, acknowledge_warnings=True)
    sign_in_thread(engineer, issued, application)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def send_notes(reviewer, a11y, application, *, text: str, notation: int) -> None:
    reviewer.goto(f"/ofis/inceleme/basvuru/{application.pk}/")
    a11y.check(reviewer, f"review workspace (before notation {notation})")
    note_form = reviewer.locator("#note-form")
    note_form.locator("textarea[name=text]").fill(text)
    note_form.get_by_role("button", name="Notu kaydet").click()
    expect(reviewer.locator("#notes")).to_contain_text(text)
    decision = reviewer.locator("#decision")
    if notation == 3:
        expect(decision.locator(".callout-warning")).to_contain_text("iptal")
        a11y.check(reviewer, "review workspace (the notation that cancels)")
        decision.get_by_label("Başvurunun iptal edileceğini anlıyorum.").check()
    decision.get_by_role("button", name="Notları gönder").click()
    expect(reviewer.locator("#notations")).to_contain_text(f"{notation} / 3")
    a11y.check(reviewer, f"review workspace (notation {notation} sent)")


def test_cancelled_at_the_third_notation(
    people, live_server, mailbox, signing_settings, pki_server, settings
):
    """In review quickly through the services; the three notations, the cancellation e-mail and the
    cancelled application's page in the browser."""
    from evize.applications.services import application_submit
    from evize.applications.tests.helpers import complete_application
    from evize.payments.models import Fee
    from evize.payments.services import fee_override
    from evize.review.services import review_assign

    settings.EVIZE_NOTATION_LIMIT = 3
    open_page, a11y = people
    engineer = UserFactory(member__first_name="Gülşen", member__last_name="Ertaç")
    clerk = UserFactory(clerk=True)
    control = UserFactory(control_engineer=True, first_name="Kemal", last_name="Kontrol")
    issued = signer_certificate(pki_server.pki.intermediate, engineer.member)
    application = complete_application(user=engineer, documents=False)
    attach_pdfs(application, engineer)
    application_submit(actor=engineer, application=application, acknowledge_warnings=True)
    sign_in_thread(engineer, issued, application)
    fee = Fee.objects.get(application=application, kind="registration")
    fee_override(actor=clerk, fee=fee, amount=0, reason="Yolculuk testi: ücretsiz kayıt")
    review_assign(actor=clerk, application=application, reviewer=control)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    number = application.registration_number

    reviewer = open_page()
    staff_login(reviewer, control, totp_device_for(control), a11y=a11y)
    a11y.check(reviewer, "staff home (control engineer)")
    send_notes(reviewer, a11y, application, text="Kolon donatı detayları eksik.", notation=1)
    mailbox.wait("review.notes_sent", to=engineer.email)
    correct_and_resign(application, engineer, issued)
    send_notes(reviewer, a11y, application, text="Kiriş açıklıkları paftada okunmuyor.", notation=2)
    mailbox.wait("review.notes_sent", to=engineer.email)
    correct_and_resign(application, engineer, issued)
    send_notes(reviewer, a11y, application, text="Temel planı statik hesapla uyuşmuyor.", notation=3)
    expect(reviewer.locator(".status-badge").first).to_contain_text("İptal edildi")
    application.refresh_from_db()
    assert application.status == Status.CANCELLED
    assert application.notation_count == 3

    # The engineer gets the cancellation (not a fourth "notes" e-mail) and follows its link.
    cancelled = mailbox.wait("application.cancelled", to=engineer.email)
    assert number in cancelled.message["Subject"]
    assert mailbox.kinds_to(engineer.email).count("review.notes_sent") == 2
    page = open_page()
    engineer_login(page, engineer.username, a11y=a11y)
    a11y.check(page, "dashboard")
    page.goto(mailbox.link(cancelled, f"/{application.pk}/"))
    expect(page.get_by_role("heading", name=f"{number} numaralı başvuru")).to_be_visible()
    expect(page.locator(".status-badge").first).to_contain_text("İptal edildi")
    expect(page.get_by_text("İptal nedeni:")).to_be_visible()
    expect(page.locator("#notlama")).to_contain_text("3 / 3")
    a11y.check(page, "application page (cancelled)")
    # Nothing can be done with it any more: no signing, no correcting.
    expect(page.get_by_role("link", name="Formu düzelt")).to_have_count(0)
    a11y.assert_clean()
