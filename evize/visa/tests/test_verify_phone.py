"""The verification page is opened from the stamp's QR code, on a phone: at a phone's width the
page must not scroll sideways (long SHA-256 values and file names wrap) and the verdict is shown
first, in Turkish."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from evize.applications.models import Status
from evize.core.testing import require_tool
from evize.payments.tests.factories import application_in

from .helpers import make_visa

CHROMIUM = os.environ.get("EVIZE_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}

pytestmark = pytest.mark.django_db(transaction=True)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM in the test thread, beside Playwright


@pytest.fixture
def phone(live_server):
    require_tool(CHROMIUM, "the phone layout is checked in Debian's Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            locale="tr-TR", base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize(("state", "verdict"), [("valid", "GEÇERLİ VİZE"), ("revoked", "İPTAL EDİLMİŞ VİZE")])
def test_verification_page_fits_a_phone(phone, state, verdict):
    cache.clear()
    long_name = "Betonarme-kolon-kiriş-detayları-ve-donatı-açılımları-bodrum-kat-" * 2 + "vize.pdf"
    from evize.documents.tests.pdfs import make_pdf

    visa = make_visa(
        application_in(Status.VISAED),
        state=state,
        files=[(long_name, make_pdf(text="a")), ("Statik hesap.pdf", make_pdf(text="b"))],
    )

    phone.goto(f"/dogrula/{visa.slug}/")

    banner = phone.locator(f'[data-visa-state="{state}"]')
    assert verdict in banner.inner_text()
    assert banner.bounding_box()["y"] < PHONE["height"]  # the verdict is on the first screen
    assert sideways_overflow(phone) <= 0
    for sha in visa.files.values_list("sha256", flat=True):
        box = phone.locator(f"code:text('{sha}')").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    phone.goto("/dogrula/")
    assert sideways_overflow(phone) <= 0
    phone.fill("#id_number", visa.number)
    phone.get_by_role("button", name="Doğrula").click()
    phone.wait_for_url(f"**/dogrula/{visa.slug}/")
    assert verdict in phone.locator(f'[data-visa-state="{state}"]').inner_text()
