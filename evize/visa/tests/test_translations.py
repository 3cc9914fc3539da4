"""The app's pages render in Turkish (catalog completeness: evize/core/tests/test_translations.py)."""


def test_pages_render_in_turkish(client, db):
    response = client.get("/dogrula/", HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 200
    assert "Vize doğrulama" in response.content.decode()
