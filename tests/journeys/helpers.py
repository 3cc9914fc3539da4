"""Shared pieces of the browser journeys: logging in (engineers by password, staff with the TOTP
code), the application form's dialogs, uploads, e-mail read from a real SMTP server on loopback,
axe-core accessibility checks on every page, and the README's screenshots."""

from __future__ import annotations

import io
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from evize.accounts.tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
README_SCREENSHOTS = ROOT / "docs" / "screenshots"
SCREENSHOT_MAX_BYTES = 300 * 1024
VIEWPORT = {"width": 1280, "height": 800}
URL_RE = re.compile(r"https?://[^\s\"'<>]+")


# --- logging in ----------------------------------------------------------------------------------


def log_in(page, live_server, user) -> None:
    """Put a logged-in session cookie into the browser (for tests about a later step)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def totp_code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def engineer_login(page, username: str, password: str = PASSWORD, *, a11y=None) -> None:
    page.goto("/hesap/giris/")
    if a11y:
        a11y.check(page, "login")
    page.get_by_label("Sicil no veya e-posta").fill(username)
    page.get_by_label("Parola").fill(password)
    page.get_by_role("button", name="Giriş yap").click()
    page.wait_for_url("**/panel/**")


def staff_login(page, user, device, password: str = PASSWORD, *, a11y=None) -> None:
    """The staff login as people do it: user name and password, then the authenticator's code."""
    page.goto("/hesap/giris/")
    if a11y:
        a11y.check(page, "login")
    page.get_by_label("Sicil no veya e-posta").fill(user.username)
    page.get_by_label("Parola").fill(password)
    page.get_by_role("button", name="Giriş yap").click()
    page.wait_for_url("**/hesap/iki-adim/**")
    if a11y:
        a11y.check(page, "two-factor code")
    page.get_by_label("6 haneli kod").fill(totp_code(device))
    page.get_by_role("button", name="Doğrula").click()
    page.wait_for_url("**/ofis/**")


# --- the application form ------------------------------------------------------------------------


def settle(page):
    """Wait until htmx has finished its requests and swaps (the new content is live)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def open_dialog(page, section: str, button: str = "+ Yeni Kayıt Ekle"):
    page.locator(f"#section-{section}").get_by_role("button", name=button).click()
    dialog = page.locator("#section-dialog")
    expect(dialog).to_be_visible()
    settle(page)
    return dialog


def choose(page, dialog, label: str, option: str | None = None, index: int | None = None):
    """Choose in a list that may re-render the fields depending on it."""
    if index is not None:
        dialog.get_by_label(label).select_option(index=index)
    else:
        dialog.get_by_label(label).select_option(label=option)
    settle(page)


def save_close(page, dialog, section: str, expect_text: str):
    dialog.get_by_role("button", name="Kaydet/Kapat").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(f"#section-{section}")).to_contain_text(expect_text)


def add_second_engineer(page, member, *, email: str, phone: str = "+90 533 111 22 33") -> None:
    dialog = open_dialog(page, "engineers")
    dialog.get_by_role("combobox", name="Sicil no").fill(member.sicil_no[:3])
    dialog.get_by_role("option", name=re.compile(f"{member.sicil_no} · {member.full_name}")).click()
    settle(page)
    expect(dialog.get_by_label("Mühendisin adı soyadı")).to_have_value(member.full_name)
    dialog.get_by_label("E-posta").fill(email)
    dialog.get_by_label("Kimlik numarası").fill(member.national_id)
    dialog.get_by_label("Telefon").fill(phone)
    save_close(page, dialog, "engineers", member.full_name)


def fill_form_sections(page) -> None:
    """Every section of the form (guide steps 5-17, 19) with consistent values: a new 4-storey
    reinforced-concrete building in Gönyeli, one parcel, two subjects adding up to the total area."""
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
    save_close(page, dialog, "building", "Gönyeli")

    dialog = open_dialog(page, "title_deeds")
    choose(page, dialog, "İlçe", "Lefkoşa")
    dialog.get_by_label("Köy / mahalle").select_option(label="Gönyeli")
    dialog.get_by_label("Pafta / harita").fill("XXI/23")
    dialog.get_by_label("Ada").fill("12")
    dialog.get_by_label("Parsel").fill("345")
    dialog.get_by_label("Koçan no").fill("K-1001")
    dialog.get_by_label("Alan").fill("1.200,25")
    dialog.get_by_label("Malik").fill("Hüseyin Çelik")
    save_close(page, dialog, "title_deeds", "K-1001")

    fill_project_and_material_steps(page)
    fill_structural_steps(page)

    page.get_by_role("textbox", name="İnşaat toplam maliyeti (TL)").fill("2.450.000,00")
    expect(page.locator("#status-construction_cost")).to_contain_text("Kaydedildi")
    page.get_by_label("Proje ücreti tipi").select_option(label="Asgari ücret tarifesine göre (tam ücret)")
    expect(page.locator("#status-fee_type")).to_contain_text("Kaydedildi")
    page.get_by_role("textbox", name="Notlar").fill("Statik hesaplar ektedir.")
    expect(page.locator("#status-note_to_office")).to_contain_text("Kaydedildi")


def fill_project_and_material_steps(page) -> None:
    """Steps 7-9: Proje Bilgileri, two subjects adding up to the total area, Malzeme Bilgileri."""
    dialog = open_dialog(page, "project_records")
    dialog.get_by_label("Proje türü").select_option(label="Betonarme statik proje")
    dialog.get_by_label("Açıklama").fill("4 katlı konut, statik proje")
    dialog.get_by_label("Pafta sayısı").fill("14")
    dialog.get_by_label("Mimar").fill("Özlem Güneş")
    save_close(page, dialog, "project_records", "Betonarme statik proje")

    for characteristic, purpose, floors, area, units in (
        ("Apartman (çok katlı konut)", "Konut", "4", "1.000,50", "8"),
        ("Apartman (çok katlı konut)", "Otopark / garaj", "1", "250", "0"),
    ):
        dialog = open_dialog(page, "subjects")
        dialog.get_by_label("Yapı özelliği").select_option(label=characteristic)
        dialog.get_by_label("Kullanım amacı").select_option(label=purpose)
        dialog.get_by_label("Kat sayısı").fill(floors)
        dialog.get_by_label("Alan").fill(area)
        dialog.get_by_label("Bağımsız bölüm sayısı").fill(units)
        save_close(page, dialog, "subjects", purpose)

    dialog = open_dialog(page, "materials")
    dialog.get_by_label("Taşıyıcı eleman").select_option(label="Tüm taşıyıcı elemanlar")
    dialog.get_by_label("Beton sınıfı").select_option(label="C30/37")
    dialog.get_by_label("Donatı çeliği").select_option(label="B420C")
    save_close(page, dialog, "materials", "C30/37")


def fill_structural_steps(page) -> None:
    """Steps 11-16: the earthquake code and coefficients, system features, superstructure (X and Y;
    R comes from the code's table), ductility, slabs, foundations and foundation data."""
    page.get_by_label("Deprem yönetmeliği").select_option(label="Türkiye Bina Deprem Yönetmeliği (TBDY 2018)")
    expect(page.locator("#status-earthquake_code")).to_contain_text("Kaydedildi")
    dialog = open_dialog(page, "coefficients")
    choose(page, dialog, "Katsayı", "Bina önem katsayısı")
    dialog.get_by_label("Seçilen değer").select_option(index=3)
    dialog.get_by_role("button", name="Yeni Ekle").click()
    expect(page.locator("#section-coefficients")).to_contain_text("Bina önem katsayısı")
    settle(page)
    choose(page, dialog, "Katsayı", "Kısa periyot tasarım spektral ivme katsayısı")
    dialog.get_by_label("S_DS").fill("0,85")
    save_close(page, dialog, "coefficients", "0,85")

    dialog = open_dialog(page, "system_features")
    dialog.get_by_label("Düzensizlik yok (düzenli bina)").check()
    save_close(page, dialog, "system_features", "Düzensizlik yok")

    for direction in ("X yönü", "Y yönü"):
        dialog = open_dialog(page, "superstructure")
        dialog.get_by_label("Yön").select_option(label=direction)
        choose(page, dialog, "Üst yapı taşıyıcı sistemi", "Betonarme çerçeve + boşluksuz perdeli sistem")
        choose(page, dialog, "Süneklik düzeyi", "Yüksek süneklik düzeyi")
        expect(dialog.get_by_label("Taşıyıcı sistem davranış katsayısı R")).to_have_value("7")
        save_close(page, dialog, "superstructure", direction)

    dialog = open_dialog(page, "ductility")
    choose(page, dialog, "Süneklik düzeyi", "Yüksek süneklik düzeyi")
    save_close(page, dialog, "ductility", "Yüksek süneklik düzeyi")
    dialog = open_dialog(page, "slabs")
    dialog.get_by_label("Döşeme sistemi").select_option(label="Kirişli plak döşeme")
    dialog.get_by_label("Döşeme kalınlığı").fill("15")
    save_close(page, dialog, "slabs", "Kirişli plak döşeme")
    dialog = open_dialog(page, "foundations")
    dialog.get_by_label("Temel sistemi").select_option(label="Kirişli radye temel")
    save_close(page, dialog, "foundations", "Kirişli radye temel")
    dialog = open_dialog(page, "foundation_data")
    dialog.get_by_label("Zemin emniyet gerilmesi").fill("250")
    dialog.get_by_label("Yatak katsayısı").fill("30.000")
    dialog.get_by_label("Temel derinliği").fill("2,5")
    dialog.get_by_label("Yeraltı suyu derinliği").fill("6")
    dialog.get_by_label("Zemin etüt raporu").fill("Zemin etüdü, 12.03.2026, Jeoteknik Ltd.")
    save_close(page, dialog, "foundation_data", "30.000 kN/m³")


def submit_form(page) -> None:
    """ "Kaydet" → are you sure? → (warnings read) → "Evet"."""
    page.get_by_role("button", name="Kaydet", exact=True).click()
    dialog = page.locator("#section-dialog")
    expect(dialog.get_by_text("Kaydetmek istediğinize emin misiniz?")).to_be_visible()
    acknowledge = dialog.get_by_label("Uyarıları okudum, yine de kaydetmek istiyorum.")
    if acknowledge.count():
        acknowledge.check()
    dialog.get_by_role("button", name="Evet").click()


def upload(page, slot, name: str, data: bytes) -> None:
    """Choose a PDF in a document slot, "+Yükle ve Ekle", and wait until it is listed."""
    slot.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": data}]
    )
    slot.get_by_role("button", name="+Yükle ve Ekle").click()
    slot.locator(".file-name", has_text=name).wait_for(timeout=30_000)


# --- e-mail from a real SMTP server ---------------------------------------------------------------


@dataclass
class Mailbox:
    """What the loopback SMTP server received; `wait` finds the next unread message of a kind."""

    server: object
    base_url: str
    read: set[int] = field(default_factory=set)

    def wait(self, kind: str, to: str, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while True:
            for index, got in enumerate(self.server.received):
                if index in self.read:
                    continue
                if got.message["X-Evize-Kind"] == kind and to in got.rcpt_tos:
                    self.read.add(index)
                    return got
            if time.monotonic() > deadline:
                seen = [(r.message["X-Evize-Kind"], r.rcpt_tos) for r in self.server.received]
                raise AssertionError(f"no {kind!r} e-mail to {to} arrived; received: {seen}")
            time.sleep(0.2)

    def kinds_to(self, to: str) -> list[str]:
        return [r.message["X-Evize-Kind"] for r in self.server.received if to in r.rcpt_tos]

    def link(self, got, contains: str = "") -> str:
        """The first link in the e-mail's text containing `contains`, as a path on the test server."""
        links = [url.rstrip(".,;)") for url in URL_RE.findall(got.text)]
        for url in links:
            if contains in url:
                assert url.startswith(self.base_url + "/"), f"link not to this site: {url}"
                return url[len(self.base_url) :]
        raise AssertionError(f"no link containing {contains!r} in: {links}\n{got.text}")


# --- accessibility (axe-core from npm) ------------------------------------------------------------

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '),
                                                      html: n.html.slice(0, 200),
                                                      summary: n.failureSummary}))}));
}"""


def _page_key(url: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", url).split("?", 1)[0].split("#", 1)[0]
    path = re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27,}", "/<uuid>", path)
    path = re.sub(r"/[0-9]+", "/<n>", path)
    return re.sub(r"/[A-Za-z0-9_-]{20,}", "/<token>", path)


class A11y:
    """Runs axe-core in each page visited and keeps the serious and critical violations."""

    def __init__(self) -> None:
        if not AXE_JS.exists():
            raise AssertionError(f"{AXE_JS} is missing: run `npm ci` (make setup installs node_modules)")
        self.source = AXE_JS.read_text(encoding="utf-8")
        self.violations: list[tuple[str, dict]] = []
        self.visited: set[str] = set()
        self.audited: set[str] = set()
        # Pages that hand over at once, before anything can be read or done on them.
        self.transient = {"/odeme/yonlendir/<uuid>/": "auto-submitting hand-off form to the bank"}

    def watch(self, page) -> None:
        """Remember every page the browser lands on, to check at the end that each was audited."""
        page.on(
            "framenavigated",
            lambda frame: (
                frame == page.main_frame
                and frame.url.startswith("http")
                and self.visited.add(_page_key(frame.url))
            ),
        )

    def check(self, page, label: str = "") -> None:
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # The site's Content-Security-Policy (script-src 'self') rightly refuses an inline
            # <script> (page.add_script_tag); the browser's own evaluation is not subject to it.
            page.evaluate(self.source)
        found = page.evaluate(AXE_RUN)
        where = f"{label or page.title()} ({_page_key(page.url)})"
        self.audited.add(_page_key(page.url))
        for violation in found:
            self.violations.append((where, violation))
            print(f"\naxe: {where}: {self.describe(violation)}", file=sys.stderr)

    @staticmethod
    def describe(violation: dict) -> str:
        lines = [f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['url']})"]
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['html']}")
            lines.append("      " + node["summary"].replace("\n", "\n      "))
        return "\n".join(lines)

    def assert_clean(self) -> None:
        unaudited = sorted(self.visited - self.audited - set(self.transient))
        problems = [f"{where}: {self.describe(v)}" for where, v in self.violations]
        if unaudited:
            problems.append("pages visited but not checked with axe: " + ", ".join(unaudited))
        assert not problems, "accessibility (axe-core, serious/critical):\n" + "\n".join(problems)


# --- screenshots for the README -------------------------------------------------------------------


def readme_shot(page, name: str) -> Path | None:
    """docs/screenshots/NAME (the viewport, 1280×800), only when EVIZE_SCREENSHOTS=1."""
    if os.environ.get("EVIZE_SCREENSHOTS") != "1":
        return None
    README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = README_SCREENSHOTS / name
    page.set_viewport_size(VIEWPORT)
    data = page.screenshot(full_page=False)
    if len(data) > SCREENSHOT_MAX_BYTES:
        from PIL import Image

        image = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=128)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        data = out.getvalue()
    path.write_bytes(data)
    return path
