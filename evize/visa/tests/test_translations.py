"""The app's pages render in Turkish (catalog completeness: evize/core/tests/test_translations.py)."""


def test_pages_render_in_turkish(client, db):
    response = client.get("/dogrula/", HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vize doğrula" in html  # "Vize doğrula" / "Vize doğrulama": the title (core has the same msgid)
    assert "Vize numarası" in html and "vizelenmiş bir PDF dosyası" in html
