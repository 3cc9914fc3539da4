"""A newcomer's first minutes, in a real browser: the Turkish home page, log in, the dashboard."""

import pytest

from evize.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_login_dashboard_logout(page, shot):
    engineer = UserFactory(member__first_name="Ayşe", member__last_name="Yılmaz")
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "tr"
    assert page.get_by_role("heading", name="Başvuru yapabilmeniz için ihtiyaçlarınız").is_visible()
    shot(page, "home")

    page.get_by_role("link", name="E-Vize işlemler").click()
    page.wait_for_url("**/hesap/giris/**")
    page.get_by_label("Sicil no veya e-posta").fill(engineer.member.sicil_no)
    page.get_by_label("Parola").fill(PASSWORD)
    page.get_by_role("button", name="Giriş yap").click()
    page.wait_for_url("**/panel/")
    assert page.get_by_role("heading", name="Başvurularım").is_visible()
    assert page.get_by_text("Henüz başvurunuz yok").is_visible()
    assert page.get_by_text("Ayşe Yılmaz").first.is_visible()
    shot(page, "dashboard-empty")

    page.get_by_role("button", name="Çıkış").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Giriş yap", exact=True).is_visible()


def test_english_switch(page):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="What you need to apply").is_visible()
