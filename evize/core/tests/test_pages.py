import pytest
from django.urls import reverse

from evize.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_is_turkish_by_default_and_explains_what_is_needed(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="tr">' in html
    assert "E-Vize işlemler" in html
    assert "Başvuru yapabilmeniz için ihtiyaçlarınız" in html
    assert "sicil" in html.lower()


def test_language_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html and "What you need to apply" in html
    response = client.post(reverse("set_language"), {"language": "tr", "next": "/"}, follow=True)
    assert '<html lang="tr">' in response.content.decode()


def test_security_headers_are_sent(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_health(client):
    assert client.get("/saglik/").json() == {"status": "ok"}


def test_anonymous_is_sent_to_login_from_private_pages(client):
    for url in ("/panel/", "/ofis/", "/e-vize/"):
        response = client.get(url)
        assert response.status_code == 302 and "/hesap/giris/" in response["Location"], url


def test_engineer_dashboard_empty_state(client, engineer):
    client.force_login(engineer)
    html = client.get("/panel/").content.decode()
    assert "Henüz başvurunuz yok" in html
    assert engineer.member.sicil_no in html


def test_engineer_not_in_good_standing_sees_why(client):
    user = UserFactory(member__suspended=True)
    client.force_login(user)
    html = client.get("/panel/").content.decode()
    assert "Yeni başvuru başlatamazsınız" in html
    assert "askıda" in html


def test_evize_entry_routes_by_role(client, engineer, staff_client):
    client.force_login(engineer)
    assert client.get("/e-vize/")["Location"] == "/panel/"
    clerk_client = staff_client(UserFactory(clerk=True))
    assert clerk_client.get("/e-vize/")["Location"] == "/ofis/"


@pytest.mark.parametrize("trait", ["clerk", "control_engineer", "visa_officer", "chamber_admin"])
def test_staff_roles_see_staff_home_and_not_engineer_dashboard(staff_client, trait):
    client = staff_client(UserFactory(**{trait: True}))
    assert client.get("/ofis/").status_code == 200
    assert client.get("/panel/").status_code == 403


def test_engineer_is_refused_staff_home(client, engineer):
    client.force_login(engineer)
    assert client.get("/ofis/").status_code == 403
