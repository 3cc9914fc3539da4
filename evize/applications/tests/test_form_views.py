"""The form's dialogs and fields over HTTP: bad values give a translated message next to the field
and lose nothing else typed; the sicil type-ahead; autosave; "Kaydet" → "Evet"; "Vazgeç"."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Application, ApplicationEngineer, Building, Status
from evize.applications.services import application_create
from evize.applications.tests.helpers import complete_application, item
from evize.audit.models import AuditEvent
from evize.catalog import models as catalog
from evize.registry.tests.factories import MemberFactory, make_tckn

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def user():
    return UserFactory(member__first_name="Ayşe", member__last_name="Yılmaz")


@pytest.fixture
def draft(user):
    return application_create(actor=user)


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def dialog_url(app, key, row=None):
    if row is None:
        return reverse("applications:section_new", args=[app.pk, key])
    return reverse("applications:section_edit", args=[app.pk, key, row])


def field_error(html: str, name: str) -> str:
    """The error text shown next to field `name`."""
    match = re.search(rf'id="field-{name}".*?<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S)
    assert match, f"no error next to {name}"
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip()


def value_of(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else ""


def title_deed_data(**overrides):
    return {
        "district": item(catalog.District, "lefkosa").pk,
        "village": item(catalog.Village, "gonyeli").pk,
        "sheet_map": "XXI/23",
        "block": "12",
        "parcel": "345",
        "title_deed_no": "K-1001",
        "area": "620,25",
        "owner": "Hüseyin Çelik",
        **overrides,
    }


# --- bad values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12a", "Sayıyı yalnızca rakamlarla girin (örneğin 1.234,56); harf kullanılamaz."),
        ("-5", "0\xa0m² değerinden büyük bir değer girin."),
        ("0", "0\xa0m² değerinden büyük bir değer girin."),
        ("1,234", "Virgülden sonra en fazla 2 basamak kullanın."),
        ("1,2,3", "Geçerli bir sayı girin (örneğin 1.234,56)."),
    ],
)
def test_bad_area_is_explained_next_to_the_field_and_nothing_else_is_lost(logged_in, draft, value, message):
    response = logged_in.post(dialog_url(draft, "title_deeds"), title_deed_data(area=value), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert field_error(html, "area") == message
    assert value_of(html, "area") == value
    assert value_of(html, "owner") == "Hüseyin Çelik" and value_of(html, "title_deed_no") == "K-1001"
    assert "selected>Gönyeli</option>" in html
    assert not draft.title_deeds.exists()


@pytest.mark.parametrize("typed", ["1.234,56", "1234,56", "1234.56"])
def test_turkish_and_plain_decimals_are_accepted(logged_in, draft, typed):
    response = logged_in.post(dialog_url(draft, "title_deeds"), title_deed_data(area=typed), **HTMX)
    assert response.status_code == 200 and response["HX-Trigger"]
    assert str(draft.title_deeds.get().area) == "1234.56"
    assert "1.234,56\xa0m²" in response.content.decode()  # the table, in Turkish format


def test_over_long_text_is_refused_with_a_message(logged_in, draft):
    response = logged_in.post(dialog_url(draft, "title_deeds"), title_deed_data(owner="Ç" * 201), **HTMX)
    html = response.content.decode()
    assert "en fazla 200 karakter" in field_error(html, "owner")
    assert value_of(html, "parcel") == "345"


def test_english_messages_in_english(logged_in, draft):
    logged_in.cookies["evize_language"] = "en"
    html = logged_in.post(
        dialog_url(draft, "title_deeds"), title_deed_data(area="abc"), **HTMX
    ).content.decode()
    assert "letters are not allowed" in field_error(html, "area")


def test_building_values_are_validated(logged_in, draft):
    data = {
        "work_type": item(catalog.WorkType, "yeni-yapi").pk,
        "district": item(catalog.District, "lefkosa").pk,
        "village": item(catalog.Village, "gonyeli").pk,
        "municipality": item(catalog.Municipality, "gonyeli-alaykoy").pk,
        "address": "Atatürk Caddesi 1",
        "owners": "Hüseyin Çelik",
        "basement_storeys": "0",
        "storeys_above_ground": "iki",
        "total_area": "1.250,50",
        "height": "-3",
        "building_class": item(catalog.BuildingClass, "iii-b").pk,
        "independent_units": "8",
    }
    url = reverse("applications:section_single", args=[draft.pk, "building"])
    html = logged_in.post(url, data, **HTMX).content.decode()
    assert field_error(html, "storeys_above_ground") == "Tam bir sayı girin."
    assert field_error(html, "height") == "0\xa0m değerinden büyük bir değer girin."
    assert value_of(html, "total_area") == "1.250,50"
    data.update(storeys_above_ground="4", height="12,60")
    response = logged_in.post(url, data, **HTMX)
    assert json.loads(response["HX-Trigger"]) == {"evize:saved": {"close": True}}
    draft.refresh_from_db()
    assert draft.work_type.code == "yeni-yapi" and str(draft.building.height) == "12.60"


def test_village_list_follows_the_district(logged_in, draft):
    girne = item(catalog.District, "girne")
    url = dialog_url(draft, "title_deeds") + f"?_refresh=1&district={girne.pk}&owner=Ali"
    html = logged_in.get(url, **HTMX).content.decode()
    assert "Karaoğlanoğlu" in html and "Gönyeli" not in html
    assert value_of(html, "owner") == "Ali"


# --- engineers ----------------------------------------------------------------------------------------


def engineer_data(member, **overrides):
    return {
        "sicil_no": member.sicil_no,
        "email": "ikinci@example.org",
        "national_id": member.national_id,
        "phone": "+90 533 111 22 33",
        **overrides,
    }


def test_second_engineer_is_added_by_registry_number(logged_in, draft):
    member = MemberFactory(first_name="Mehmet", last_name="Öztürk")
    response = logged_in.post(dialog_url(draft, "engineers"), engineer_data(member), **HTMX)
    assert "Mehmet Öztürk" in response.content.decode()
    second = draft.engineers.get(is_applicant=False)
    assert second.member == member and second.position == 2 and not second.works_as_office


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda: "99999", "“99999” sicil numaralı bir üye yok."),
        (
            lambda: MemberFactory(suspended=True).sicil_no,
            "Bu mühendisin oda üyeliği etkin değil; başvuruya eklenemez.",
        ),
        (
            lambda: MemberFactory(dues_unpaid=True).sicil_no,
            "Bu mühendisin üyelik aidatları güncel değil; başvuruya eklenemez.",
        ),
    ],
    ids=["not-in-registry", "suspended", "dues-unpaid"],
)
def test_registry_number_must_be_an_active_member(logged_in, draft, setup, message):
    sicil = setup()
    data = {
        "sicil_no": sicil,
        "email": "x@example.org",
        "national_id": make_tckn(5),
        "phone": "+90 533 111 22 33",
    }
    html = logged_in.post(dialog_url(draft, "engineers"), data, **HTMX).content.decode()
    assert message in html
    assert value_of(html, "email") == "x@example.org"
    assert draft.engineers.count() == 1


def test_bad_national_id_checksum_is_refused(logged_in, draft):
    member = MemberFactory()
    bad = member.national_id[:-1] + str((int(member.national_id[-1]) + 1) % 10)
    html = logged_in.post(dialog_url(draft, "engineers"), engineer_data(member, national_id=bad), **HTMX)
    html = html.content.decode()
    assert field_error(html, "national_id") == "Kimlik numarası geçerli değil (doğrulama haneleri tutmuyor)."
    assert value_of(html, "phone") == "+90 533 111 22 33"


def test_office_details_are_required_only_when_working_as_an_office(logged_in, draft):
    member = MemberFactory()
    html = logged_in.post(
        dialog_url(draft, "engineers"), engineer_data(member, works_as_office="on"), **HTMX
    ).content.decode()
    assert "Bu alan zorunludur." in field_error(html, "office_name")
    response = logged_in.post(
        dialog_url(draft, "engineers"),
        engineer_data(
            member, works_as_office="on", office_tax_no="VD-1", office_name="Büro", office_registration_no="1"
        ),
        **HTMX,
    )
    assert response.status_code == 200 and draft.engineers.get(member=member).office_name == "Büro"


def test_at_most_two_engineers_and_no_duplicates(logged_in, draft, user):
    html = logged_in.post(dialog_url(draft, "engineers"), engineer_data(user.member), **HTMX).content.decode()
    assert "Bu mühendis zaten başvuruda ekli." in html
    logged_in.post(dialog_url(draft, "engineers"), engineer_data(MemberFactory()), **HTMX)
    html = logged_in.get(dialog_url(draft, "engineers"), **HTMX).content.decode()
    assert "en fazla 2 kayıt olabilir" in html


def test_the_applicant_keeps_their_row(logged_in, draft, user):
    row = draft.engineers.get()
    html = logged_in.get(dialog_url(draft, "engineers", row.pk), **HTMX).content.decode()
    assert re.search(r'name="sicil_no"[^>]*disabled', html)
    other = MemberFactory()
    logged_in.post(
        dialog_url(draft, "engineers", row.pk), engineer_data(other, email="yeni@example.org"), **HTMX
    )
    row.refresh_from_db()
    assert row.member == user.member and row.email == "yeni@example.org"
    delete = reverse("applications:section_delete", args=[draft.pk, "engineers", row.pk])
    assert logged_in.post(delete, **HTMX).status_code == 403


def test_type_ahead_lists_active_members_by_number_and_name_only(logged_in, draft):
    found = MemberFactory(sicil_no="5120", first_name="Mehmet", last_name="Öztürk", email="gizli@example.org")
    MemberFactory(sicil_no="5121", suspended=True)
    MemberFactory(sicil_no="5122", dues_unpaid=True)
    search = reverse("applications:engineer_search", args=[draft.pk])
    html = logged_in.get(search, {"sicil_no": "512"}, **HTMX).content.decode()
    assert "5120" in html and "Mehmet Öztürk" in html
    assert "5121" not in html and "5122" not in html
    assert found.national_id not in html and "gizli@example.org" not in html
    assert "Mehmet Öztürk" in logged_in.get(search, {"sicil_no": "öztürk"}, **HTMX).content.decode()
    # Neither the national ID nor the e-mail can be used to probe the registry.
    for probe in (found.national_id[:6], "gizli@"):
        assert "Mehmet" not in logged_in.get(search, {"sicil_no": probe}, **HTMX).content.decode()


def test_choosing_an_engineer_fills_the_name_and_only_public_details(logged_in, draft):
    other = MemberFactory(sicil_no="5120", first_name="Mehmet", last_name="Öztürk", with_office=True)
    url = dialog_url(draft, "engineers") + "?pick_sicil=5120&email=typed@example.org"
    html = logged_in.get(url, **HTMX).content.decode()
    assert 'id="engineer-name" value="Mehmet Öztürk" readonly' in html
    assert value_of(html, "office_name") == "Yapı Statik Mühendislik Ltd."
    assert value_of(html, "email") == "typed@example.org"  # what was typed stays
    assert other.national_id not in html and other.email not in html


# --- rows, "Yeni Ekle", deleting ----------------------------------------------------------------------


def test_new_keeps_the_dialog_open_with_an_empty_form(logged_in, draft):
    response = logged_in.post(
        dialog_url(draft, "title_deeds"), {**title_deed_data(), "_another": "1"}, **HTMX
    )
    html = response.content.decode()
    assert json.loads(response["HX-Trigger"]) == {"evize:saved": {"close": False}}
    assert value_of(html, "parcel") == ""  # the fresh form
    assert 'id="section-title_deeds" hx-swap-oob="outerHTML"' in html and "K-1001" in html
    assert 'id="draft-status" class="draft-status" hx-swap-oob="true"' in html
    assert draft.title_deeds.count() == 1


def test_edit_and_delete_a_row(logged_in, draft):
    logged_in.post(dialog_url(draft, "title_deeds"), title_deed_data(), **HTMX)
    deed = draft.title_deeds.get()
    html = logged_in.get(dialog_url(draft, "title_deeds", deed.pk), **HTMX).content.decode()
    assert value_of(html, "area") == "620,25"
    logged_in.post(dialog_url(draft, "title_deeds", deed.pk), title_deed_data(parcel="999"), **HTMX)
    deed.refresh_from_db()
    assert deed.parcel == "999" and draft.title_deeds.count() == 1
    delete = reverse("applications:section_delete", args=[draft.pk, "title_deeds", deed.pk])
    assert "Kayıt silinsin mi?" in logged_in.get(delete, **HTMX).content.decode()
    html = logged_in.post(delete, **HTMX).content.decode()
    assert not draft.title_deeds.exists() and "Henüz kayıt yok." in html


def test_coefficient_dialog_offers_the_options_of_the_code(logged_in, draft):
    html = logged_in.get(dialog_url(draft, "coefficients"), **HTMX).content.decode()
    assert '<select name="kind"' in html and "Bina önem katsayısı" not in html  # no code chosen yet
    draft.earthquake_code = item(catalog.EarthquakeCode, "tbdy-2018")
    draft.save()
    kind = item(catalog.CoefficientKind, "bina-onem-katsayisi")
    html = logged_in.get(
        dialog_url(draft, "coefficients") + f"?_refresh=1&kind={kind.pk}", **HTMX
    ).content.decode()
    assert "BKS = 1, I = 1,5" in html and "I = 1,4" not in html  # 1,4 is a 2007 option
    sds = item(catalog.CoefficientKind, "sds")
    response = logged_in.post(dialog_url(draft, "coefficients"), {"kind": sds.pk, "value": "7,5"}, **HTMX)
    assert field_error(response.content.decode(), "value") == "En fazla 5 olan bir değer girin."
    logged_in.post(dialog_url(draft, "coefficients"), {"kind": sds.pk, "value": "0,85"}, **HTMX)
    assert str(draft.coefficients.get().value) == "0.8500"


def test_superstructure_factors_are_prefilled_from_the_code(logged_in, draft):
    draft.earthquake_code = item(catalog.EarthquakeCode, "tbdy-2018")
    draft.save()
    system = item(catalog.SuperstructureSystem, "rc-cerceve")
    high = item(catalog.DuctilityLevel, "high")
    url = (
        dialog_url(draft, "superstructure")
        + f"?_refresh=1&direction=x&system={system.pk}&ductility_level={high.pk}"
    )
    html = logged_in.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME="ductility_level").content.decode()
    assert value_of(html, "r") == "8" and value_of(html, "d") == "3"
    assert "Tablo 4.1 A11" in html
    assert 'hx-select="#field-r"' in html and 'hx-select-oob="#field-d"' in html


def test_system_features_are_ticked(logged_in, draft):
    regular = item(catalog.SystemFeature, "duzensizlik-yok")
    url = reverse("applications:section_single", args=[draft.pk, "system_features"])
    html = logged_in.post(url, {}, **HTMX).content.decode()
    assert "En az bir kutucuğu işaretleyin" in html
    logged_in.post(url, {"features": [regular.pk]}, **HTMX)
    assert list(draft.feature_choices.values_list("feature__code", flat=True)) == ["duzensizlik-yok"]


# --- autosave -----------------------------------------------------------------------------------------


def test_autosave_of_single_fields(logged_in, draft):
    url = reverse("applications:field_save", args=[draft.pk, "construction_cost"])
    response = logged_in.post(url, {"construction_cost": "2.450.000,00"}, **HTMX)
    html = response.content.decode()
    assert "Kaydedildi" in html and "Taslak kaydedildi" in html
    draft.refresh_from_db()
    assert str(draft.construction_cost) == "2450000.00"
    html = logged_in.post(url, {"construction_cost": "iki milyon"}, **HTMX).content.decode()
    assert "harf kullanılamaz" in html
    draft.refresh_from_db()
    assert str(draft.construction_cost) == "2450000.00"  # the last good value stays
    note = reverse("applications:field_save", args=[draft.pk, "note_to_office"])
    assert (
        "en fazla 4000 karakter"
        in logged_in.post(note, {"note_to_office": "a" * 4001}, **HTMX).content.decode()
    )
    assert (
        logged_in.post(reverse("applications:field_save", args=[draft.pk, "status"]), **HTMX).status_code
        == 403
    )


def test_form_page_shows_every_section_in_the_guides_words(logged_in, draft):
    html = logged_in.get(reverse("applications:form", args=[draft.pk])).content.decode()
    for title in (
        "Yapı Bilgileri",
        "Koçan ve Arazi Bilgileri",
        "Proje Bilgileri",
        "Proje Konusu",
        "Malzeme Bilgileri",
        "Mevcut Malzeme Bilgileri",
        "Projede Kullanılan Katsayılar",
        "Sistem Özellikleri",
        "Üst Yapı Taşıyıcı Sistemi",
        "Süneklik Düzeyi",
        "Döşeme Sistemi",
        "Temel Sistemi",
        "Temel Sistemi Verileri",
        "İnşaat Toplam Maliyeti ve Proje Ücreti",
        "+ Yeni Kayıt Ekle",
        "Kaydet",
        "Vazgeç",
    ):
        assert title in html, title
    assert "<script>" not in html and "Ön kontroller" in html


# --- "Kaydet" → "Evet" --------------------------------------------------------------------------------


def test_save_asks_and_lists_errors(logged_in, draft):
    html = logged_in.get(reverse("applications:submit", args=[draft.pk]), **HTMX).content.decode()
    assert "Yukarıdaki hatalar düzeltilene kadar başvuru kaydedilemez." in html and ">Evet<" not in html
    response = logged_in.post(reverse("applications:submit", args=[draft.pk]), **HTMX)
    assert "Formda kaydetmeden önce düzeltilmesi gereken hatalar var." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_save_with_warnings_needs_the_box_then_gives_the_number(client):
    app = complete_application()
    Building.objects.filter(application=app).update(height=40)
    client.force_login(app.created_by)
    url = reverse("applications:submit", args=[app.pk])
    html = client.get(url, **HTMX).content.decode()
    assert "Kaydetmek istediğinize emin misiniz?" in html and ">Evet<" in html and "Uyarıları okudum" in html
    html = client.post(url, **HTMX).content.decode()
    assert "Lütfen uyarıları okuyun" in html
    response = client.post(url, {"acknowledge": "1"}, **HTMX)
    assert response["HX-Redirect"] == "/panel/"
    number = f"{timezone.localdate().year}/00001"
    html = client.get("/panel/").content.decode()
    assert f"Başvurunuz {number} kayıt numarasıyla kaydedildi" in html
    assert number in html and "İmza bekliyor" in html and "İmzala" in html


# --- "Vazgeç" -----------------------------------------------------------------------------------------


def test_discard_needs_two_confirmations(logged_in, draft):
    url = reverse("applications:discard", args=[draft.pk])
    first = logged_in.get(url, **HTMX).content.decode()
    assert "tüm veri girişleri iptal edilecek" in first and "?adim=2" in first
    second = logged_in.get(url + "?adim=2", **HTMX).content.decode()
    assert "Tehlikeli, 2 kez düşününüz" in second
    html = logged_in.post(url, **HTMX).content.decode()
    assert "Onaylamak için kutucuğu işaretleyin." in html
    assert Application.objects.filter(pk=draft.pk).exists()
    response = logged_in.post(url, {"confirm": "1"}, **HTMX)
    assert response["HX-Redirect"] == "/panel/"
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action="evize.application.discarded", object_id=str(draft.pk)).exists()


def test_copy_from_the_dashboard(client):
    app = complete_application()
    client.force_login(app.created_by)
    response = client.post(reverse("applications:copy"), {"source": app.pk}, follow=True)
    copy = Application.objects.exclude(pk=app.pk).get()
    assert response.redirect_chain[-1][0] == reverse("applications:form", args=[copy.pk])
    assert "yeni bir taslak dolduruldu" in response.content.decode()
    assert copy.title_deeds.count() == 2


def test_second_engineer_row_in_snapshot_of_pdf_sections(draft):
    from evize.applications.formpdf import form_sections

    app = complete_application()
    ApplicationEngineer.objects.filter(application=app)  # engineers are in the PDF's own first part
    sections = form_sections(app)
    titles = [s.title for s in sections]
    assert titles[0] == "Adım 5 · Yapı Bilgileri" and titles[-1].endswith(
        "İnşaat Toplam Maliyeti ve Proje Ücreti"
    )
    deeds = next(s for s in sections if s.title.endswith("Koçan ve Arazi Bilgileri"))
    assert (
        deeds.rows[0][0] == "1."
        and "Parsel: 345" in deeds.rows[0][1]
        and "Alan: 620,25\xa0m²" in deeds.rows[0][1]
    )
    cost = sections[-1]
    assert cost.rows[0] == ("İnşaat toplam maliyeti (TL)", "2.450.000,00 TL")


def test_after_the_office_notes_the_form_opens_again_and_saves_a_correction(client):
    from evize.applications.services import application_submit
    from evize.applications.workflow import transition

    app = complete_application()
    app = application_submit(actor=app.created_by, application=app)
    for target in (Status.AWAITING_REGISTRATION_FEE, Status.REGISTERED, Status.IN_REVIEW, Status.NOTES_SENT):
        app = transition(app, to=target, actor=None)
    client.force_login(app.created_by)
    html = client.get(reverse("applications:form", args=[app.pk])).content.decode()
    assert "Vize bürosu notlama gönderdi" in html and "Vazgeç</button>" not in html
    response = client.post(reverse("applications:submit", args=[app.pk]), **HTMX)
    assert response["HX-Redirect"] == "/panel/"
    app.refresh_from_db()
    assert app.status == Status.AWAITING_RESIGNATURE and app.rounds.count() == 2
    assert "Düzeltmeleriniz kaydedildi" in client.get("/panel/").content.decode()
