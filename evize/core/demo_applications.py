"""Demo applications in every state, made by driving the real services as the people would.

    load_demo_applications()   # after load_demo (accounts) and demo_pki (certificates)

Each demo application (DEMO_APPLICATIONS) is written by its engineer through the form's own
dialog forms and services, gets generated drawings through the documents service, is saved
("Kaydet" → "Evet"), signed with the engineers' demo PKCS#12 files through the signer agent's
session protocol (start → certificate → signatures), paid through the NestPay provider and the
sandbox bank (the engineer's pages, the bank's card and 3-D Secure pages, its signed answer),
assigned by the clerk (vize.buro), reviewed by the control engineer (kontrol: notes, notations,
approval), and visa'd by the visa officer (vize.yetkili) with the demo PKI.

A demo application is known by the tag at the start of its note to the visa office
("[demo:<key>]"). Re-running continues an application a previous run left half-way and leaves
finished ones alone (an audit event `evize.demo.application_loaded` marks them finished), so
running `make run` again never duplicates and never undoes what someone did in the demo.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from evize.accounts.models import User
from evize.applications.models import Application, Status
from evize.audit.models import AuditEvent
from evize.audit.services import audit_record
from evize.catalog import models as catalog

from .demo import DEMO_STAFF
from .demo_drawings import SheetInfo, document_pdf

logger = logging.getLogger(__name__)

LOADED_ACTION = "evize.demo.application_loaded"
PKCS12_PASSWORD = "demo"  # noqa: S105 - the demo PKI's documented password (manage.py demo_pki)
APPROVED_CARD = "4111111111111111"  # the sandbox bank's "approved" test card
CLERK, CONTROL_ENGINEER, VISA_OFFICER = (spec.username for spec in DEMO_STAFF[:3])
EARTHQUAKE_CODE = "tbdy-2018"
MAX_STEPS = 60


class DemoError(Exception):
    """The demo could not be built (a missing prerequisite or a refused step), with the reason."""


# --- what the demo contains -----------------------------------------------------------------------


@dataclass(frozen=True)
class Parcel:
    sheet_map: str
    block: str
    parcel: str
    title_deed_no: str
    area: str  # as typed on the form (Turkish format)
    owner: str


@dataclass(frozen=True)
class Subject:
    characteristic: str
    purpose: str
    floors: int
    area: str
    units: int


@dataclass(frozen=True)
class DemoApplication:
    key: str
    target: Status
    applicant: str  # sicil no of the engineer who starts it
    title: str  # building name
    district: str
    village: str
    municipality: str
    address: str
    owners: str
    parcels: tuple[Parcel, ...]
    subjects: tuple[Subject, ...]
    storeys: int
    height: str
    total_area: str
    units: int
    cost: str
    building_class: str = "iii-b"
    basement: int = 0
    characteristic: str = "apartman"
    second: str | None = None  # sicil no of the second engineer
    architect: str = ""
    notations: int = 0  # notations the control engineer sends before approving (or cancelling)
    withdraw_reason: str = ""  # withdrawn by the applicant while in review
    second_signs: bool = True  # False: only the applicant has signed (awaiting the other engineer)
    notes: tuple[str, ...] = field(default=())

    @property
    def tag(self) -> str:
        return f"[demo:{self.key}]"


DEMO_APPLICATIONS: tuple[DemoApplication, ...] = (
    DemoApplication(
        key="taslak",
        target=Status.DRAFT,
        applicant="1847",
        title="Aksoy Müstakil Konutu",
        district="girne",
        village="karaoglanoglu",
        municipality="girne",
        address="Zeytin Sokak No: 7, Karaoğlanoğlu",
        owners="Hasan Aksoy, Meryem Aksoy",
        parcels=(Parcel("XII/4", "21", "118", "K-20418", "812,40", "Hasan Aksoy"),),
        subjects=(Subject("mustakil-konut", "konut", 2, "286,50", 1),),
        storeys=2,
        height="6,60",
        total_area="286,50",
        units=1,
        cost="1.180.000,00",
        building_class="iii-a",
        characteristic="mustakil-konut",
        architect="Deniz Kıral",
    ),
    DemoApplication(
        key="imza-bekliyor",
        target=Status.AWAITING_SIGNATURE,
        applicant="1847",
        second="2015",
        second_signs=False,
        title="Denizkızı Apartmanı",
        district="girne",
        village="alsancak",
        municipality="alsancak-camlibel",
        address="Sahil Yolu No: 41, Alsancak",
        owners="Denizkızı Yapı Ltd.",
        parcels=(
            Parcel("XI/20", "7", "233", "K-31207", "705,00", "Denizkızı Yapı Ltd."),
            Parcel("XI/20", "7", "234", "K-31208", "688,25", "Denizkızı Yapı Ltd."),
        ),
        subjects=(
            Subject("apartman", "konut", 5, "1.420,00", 10),
            Subject("apartman", "otopark", 1, "310,00", 0),
        ),
        storeys=5,
        basement=1,
        height="15,75",
        total_area="1.730,00",
        units=10,
        cost="3.960.000,00",
        architect="Elif Sarper",
    ),
    DemoApplication(
        key="kayit-ucreti",
        target=Status.AWAITING_REGISTRATION_FEE,
        applicant="2015",
        title="Kumsal Konutları",
        district="lefkosa",
        village="kumsal",
        municipality="lefkosa-turk-belediyesi",
        address="Şehit Mustafa Ruso Caddesi No: 18, Kumsal",
        owners="Ahmet Tuncel",
        parcels=(Parcel("XXI/46", "3", "512", "K-11873", "540,00", "Ahmet Tuncel"),),
        subjects=(Subject("apartman", "konut", 4, "920,00", 8),),
        storeys=4,
        height="12,40",
        total_area="920,00",
        units=8,
        cost="2.150.000,00",
        architect="Kerem Dağlı",
    ),
    DemoApplication(
        key="incelemede",
        target=Status.IN_REVIEW,
        applicant="2233",
        second="1847",
        title="Gönyeli İş Merkezi",
        district="lefkosa",
        village="gonyeli",
        municipality="gonyeli-alaykoy",
        address="Yenikent Caddesi No: 5, Gönyeli",
        owners="Ertaç Ticaret Ltd., Sevim Karaca",
        parcels=(Parcel("XXI/23", "12", "347", "K-40521", "1.150,00", "Ertaç Ticaret Ltd."),),
        subjects=(
            Subject("ticari-bina", "dukkan", 1, "480,00", 6),
            Subject("ticari-bina", "buro", 3, "1.260,00", 18),
        ),
        storeys=4,
        height="14,20",
        total_area="1.740,00",
        units=24,
        cost="4.320.000,00",
        building_class="iii-b",
        characteristic="ticari-bina",
        architect="Selda Uzun",
    ),
    DemoApplication(
        key="notlar-gonderildi",
        target=Status.NOTES_SENT,
        applicant="1847",
        title="Lapta Tatil Evleri",
        district="girne",
        village="lapta",
        municipality="lapta",
        address="Başpınar Yolu No: 3, Lapta",
        owners="Zehra Baykal",
        parcels=(Parcel("XII/1", "44", "86", "K-07716", "1.320,00", "Zehra Baykal"),),
        subjects=(Subject("turistik-tesis", "otel", 2, "640,00", 8),),
        storeys=2,
        height="6,80",
        total_area="640,00",
        units=8,
        cost="1.640.000,00",
        characteristic="turistik-tesis",
        architect="Can Ersoy",
        notations=1,
        notes=(
            "Statik hesapta zemin sınıfı ZC alınmış; zemin etüdünde ZD verilmiştir. "
            "Hesabı ZD ile yenileyiniz.",
            "S-01 paftasında perde donatı detayları eksiktir.",
        ),
    ),
    DemoApplication(
        key="vize-ucreti",
        target=Status.AWAITING_VISA_FEE,
        applicant="2233",
        title="Hamitköy Konut Sitesi",
        district="lefkosa",
        village="hamitkoy",
        municipality="lefkosa-turk-belediyesi",
        address="Gelibolu Sokak No: 22, Hamitköy",
        owners="Kıbrıs Yapı Kooperatifi",
        parcels=(Parcel("XXI/38", "9", "1204", "K-52930", "2.480,00", "Kıbrıs Yapı Kooperatifi"),),
        subjects=(Subject("toplu-konut", "konut", 3, "1.860,00", 12),),
        storeys=3,
        height="9,45",
        total_area="1.860,00",
        units=12,
        cost="3.720.000,00",
        characteristic="toplu-konut",
        architect="Murat Önal",
    ),
    DemoApplication(
        key="vizelendi",
        target=Status.VISAED,
        applicant="1847",
        second="2233",
        title="Çatalköy Villaları",
        district="girne",
        village="catalkoy",
        municipality="esentepe-tatlisu",
        address="Kaplıca Yolu No: 12, Çatalköy",
        owners="Orhan Güven, Leyla Güven",
        parcels=(
            Parcel("XIII/2", "18", "402", "K-66104", "960,00", "Orhan Güven"),
            Parcel("XIII/2", "18", "403", "K-66105", "955,50", "Leyla Güven"),
        ),
        subjects=(Subject("ikiz-konut", "konut", 2, "520,00", 2),),
        storeys=2,
        height="6,90",
        total_area="520,00",
        units=2,
        cost="1.560.000,00",
        building_class="iii-a",
        characteristic="ikiz-konut",
        architect="Aslı Tanrıverdi",
        notations=1,
        notes=("Tapu vaziyet planında parsel 403'ün çekme mesafeleri gösterilmemiştir.",),
    ),
    DemoApplication(
        key="iptal",
        target=Status.CANCELLED,
        applicant="2015",
        title="Yenikent Apartmanı",
        district="lefkosa",
        village="yenikent",
        municipality="gonyeli-alaykoy",
        address="Turgut Özal Caddesi No: 64, Yenikent",
        owners="Sinan Kurtoğlu",
        parcels=(Parcel("XXI/22", "5", "781", "K-38812", "610,00", "Sinan Kurtoğlu"),),
        subjects=(Subject("apartman", "konut", 5, "1.150,00", 10),),
        storeys=5,
        height="15,50",
        total_area="1.150,00",
        units=10,
        cost="2.780.000,00",
        architect="Nazlı Berk",
        notations=3,
        notes=(
            "Kolon boyutları mimari proje ile uyuşmuyor (S-02 ile A-03 karşılaştırınız).",
            "Temel hesabında yeraltı suyu etkisi dikkate alınmamış.",
            "Düzeltme yapılmadan tekrar gönderilmiştir; önceki notlar geçerlidir.",
        ),
    ),
    DemoApplication(
        key="geri-cekildi",
        target=Status.CANCELLED,
        applicant="2015",
        title="Ozanköy Bağ Evi",
        district="girne",
        village="ozankoy",
        municipality="girne",
        address="Bellapais Yolu No: 9, Ozanköy",
        owners="Nevin Akıncı",
        parcels=(Parcel("XII/14", "30", "55", "K-09342", "1.045,00", "Nevin Akıncı"),),
        subjects=(Subject("mustakil-konut", "konut", 1, "185,00", 1),),
        storeys=1,
        height="3,40",
        total_area="185,00",
        units=1,
        cost="640.000,00",
        building_class="iii-a",
        characteristic="mustakil-konut",
        architect="Kerem Dağlı",
        withdraw_reason="Mal sahibi projeyi değiştirmeye karar verdi; yeni proje ile tekrar başvurulacak.",
    ),
)


@dataclass
class LoadedApplication:
    key: str
    application: Application
    owner: str  # login of the engineer who applied
    created: bool

    @property
    def summary(self) -> str:
        app = self.application
        number = app.registration_number or f"(taslak #{app.pk})"
        return f"{number}  {Status(app.status).label}  {self.owner}  {self.key}"


# --- helpers: people, files, the form ---------------------------------------------------------------


def _user(login: str) -> User:
    user = User.objects.filter(username=login).first() or User.objects.filter(member__sicil_no=login).first()
    if user is None:
        raise DemoError(f"demo user {login} is missing: run `manage.py load_demo` first")
    return user


def _fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def _pk(model: type, code: str) -> str:
    return str(model.objects.get(code=code).pk)


def _sheet(spec: DemoApplication, document_name: str, revision: int = 0) -> SheetInfo:
    engineer = _user(spec.applicant).get_full_name()
    district = catalog.District.objects.get(code=spec.district).name
    place = f"{district} / {catalog.Village.objects.get(code=spec.village).name}"
    parcels = ", ".join(f"{p.block}/{p.parcel}" for p in spec.parcels)
    return SheetInfo(
        project=spec.title,
        place=f"{place}, ada/parsel {parcels}",
        owner=spec.owners,
        engineer=engineer,
        document=document_name,
        revision=revision,
    )


def _upload(*, actor, application: Application, document_type, data: bytes, file_name: str, replaces=None):
    """Through the documents service, as the upload's last step does (every check runs)."""
    from evize.documents.services import document_create_from_file

    tmp_dir = Path(settings.EVIZE_UPLOAD_TMP_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".pdf", delete=False) as tmp:
        tmp.write(data)
    return document_create_from_file(
        actor=actor,
        application=application,
        document_type=document_type,
        path=Path(tmp.name),
        file_name=file_name,
        replaces=replaces,
    )


def _save_section(*, actor, application: Application, key: str, data: dict[str, Any]) -> Any:
    """One dialog of the form, posted with `data` and saved as the dialog view does."""
    from evize.applications.sections import SET, SINGLE, get_section
    from evize.applications.services import section_save

    application = _fresh(application)
    section = get_section(key)
    kwargs: dict[str, Any] = {"application": application}
    if section.mode != SET:
        kwargs["instance"] = section.row(application, None) if section.mode == SINGLE else None
    form = section.form_class(data, **kwargs)
    if not form.is_valid():
        raise DemoError(f"section {key}: {form.errors.as_text()}")
    return section_save(actor=actor, application=application, section=section, form=form)


def _save_field(*, actor, application: Application, name: str, value: str) -> None:
    from evize.applications.forms.single import ApplicationFieldsForm
    from evize.applications.services import application_field_save

    application = _fresh(application)
    form = ApplicationFieldsForm({name: value}, application=application, only=name)
    if not form.is_valid():
        raise DemoError(f"field {name}: {form.errors.as_text()}")
    application_field_save(actor=actor, application=application, field=name, value=form.cleaned_data[name])


def _coefficient_value(kind) -> str:
    typical = {"ss": "0,85", "s1": "0,24", "sds": "0,98", "sd1": "0,39", "pga": "0,35"}
    if kind.code in typical:
        return typical[kind.code]
    low, high = kind.min_value or Decimal(0), kind.max_value or Decimal(1)
    return str((low + high) / 2).replace(".", ",")


def _preferred_option(spec: DemoApplication, kind_code: str) -> str:
    """The start of the option an engineer would choose for this building (TBDY 2018)."""
    height = Decimal(spec.height.replace(".", "").replace(",", "."))
    building_height_class = "BYS = 8" if height <= Decimal("10.5") else "BYS = 7"
    return {
        "yer-hareketi-duzeyi": "DD-2",
        "bina-onem-katsayisi": "BKS = 3",
        "yerel-zemin-sinifi": "ZC",
        "deprem-tasarim-sinifi": "DTS = 1",
        "bina-yukseklik-sinifi": building_height_class,
        "hareketli-yuk-katilim": "n = 0,30",
    }.get(kind_code, "")


def _fill_form(spec: DemoApplication, application: Application, actor) -> None:
    """Every section, as the engineer fills it in (steps 4–17 and 19)."""
    from evize.catalog.selectors import coefficient_kinds_for, coefficient_options, superstructure_factors

    def save(key: str, data: dict[str, Any]) -> None:
        _save_section(actor=actor, application=application, key=key, data=data)

    if spec.second:
        member = _user(spec.second).member
        save(
            "engineers",
            {
                "sicil_no": member.sicil_no,
                "email": member.email,
                "national_id": member.national_id,
                "phone": member.phone or "+90 533 845 12 34",
            },
        )
    district, village = _pk(catalog.District, spec.district), _pk(catalog.Village, spec.village)
    save(
        "building",
        {
            "work_type": _pk(catalog.WorkType, "yeni-yapi"),
            "district": district,
            "village": village,
            "municipality": _pk(catalog.Municipality, spec.municipality),
            "address": spec.address,
            "owners": spec.owners,
            "building_name": spec.title,
            "basement_storeys": str(spec.basement),
            "storeys_above_ground": str(spec.storeys),
            "total_area": spec.total_area,
            "height": spec.height,
            "building_class": _pk(catalog.BuildingClass, spec.building_class),
            "independent_units": str(spec.units),
        },
    )
    for parcel in spec.parcels:
        save(
            "title_deeds",
            {
                "district": district,
                "village": village,
                "sheet_map": parcel.sheet_map,
                "block": parcel.block,
                "parcel": parcel.parcel,
                "title_deed_no": parcel.title_deed_no,
                "area": parcel.area,
                "owner": parcel.owner,
            },
        )
    save(
        "project_records",
        {
            "project_type": _pk(catalog.ProjectType, "betonarme"),
            "description": f"{spec.storeys} katlı betonarme yapı",
            "sheet_count": str(8 + spec.storeys * 2),
            "architect": spec.architect,
        },
    )
    for subject in spec.subjects:
        save(
            "subjects",
            {
                "building_characteristic": _pk(catalog.BuildingCharacteristic, subject.characteristic),
                "purpose_of_use": _pk(catalog.PurposeOfUse, subject.purpose),
                "floor_count": str(subject.floors),
                "area": subject.area,
                "unit_count": str(subject.units),
            },
        )
    save(
        "materials",
        {
            "structural_element": _pk(catalog.StructuralElement, "tum-elemanlar"),
            "concrete_class": _pk(catalog.ConcreteClass, "c30-37"),
            "reinforcing_steel": _pk(catalog.ReinforcingSteel, "b420c"),
        },
    )
    code = catalog.EarthquakeCode.objects.get(code=EARTHQUAKE_CODE)
    _save_field(actor=actor, application=application, name="earthquake_code", value=str(code.pk))
    for kind in coefficient_kinds_for(code):
        if kind.input_type == kind.InputType.CHOICE:
            options = list(coefficient_options(code, kind))
            wanted = _preferred_option(spec, kind.code)
            option = next((o for o in options if wanted and o.name.startswith(wanted)), options[0])
            save("coefficients", {"kind": str(kind.pk), "option": str(option.pk)})
        else:
            save("coefficients", {"kind": str(kind.pk), "value": _coefficient_value(kind)})
    save("system_features", {"features": [_pk(catalog.SystemFeature, "duzensizlik-yok")]})
    system = catalog.SuperstructureSystem.objects.get(code="rc-cerceve-perde")
    high = catalog.DuctilityLevel.objects.get(code="high")
    factor = superstructure_factors(code, system, high)
    for direction in ("x", "y"):
        save(
            "superstructure",
            {
                "direction": direction,
                "system": str(system.pk),
                "ductility_level": str(high.pk),
                "r": str(factor.r).replace(".", ","),
                "d": "" if factor.d is None else str(factor.d).replace(".", ","),
            },
        )
    save("ductility", {"ductility_level": str(high.pk), "note": ""})
    save(
        "slabs",
        {"slab_system": _pk(catalog.SlabSystem, "kirisli-plak"), "thickness": "15", "floors": "Tüm katlar"},
    )
    save("foundations", {"foundation_system": _pk(catalog.FoundationSystem, "kirisli-radye"), "note": ""})
    save(
        "foundation_data",
        {
            "part": "",
            "allowable_soil_stress": "250",
            "subgrade_modulus": "30.000",
            "foundation_depth": "2,50",
            "groundwater_depth": "6,00",
            "soil_report": "Zemin etüt raporu, Yer Bilim Müh. Ltd., 12.01.2026",
        },
    )
    _save_field(actor=actor, application=application, name="construction_cost", value=spec.cost)
    _save_field(
        actor=actor, application=application, name="fee_type", value=_pk(catalog.FeeType, "asgari-tarife")
    )


def _attach_documents(spec: DemoApplication, application: Application, actor) -> None:
    from evize.catalog.selectors import required_document_types

    application = _fresh(application)
    for document_type in required_document_types(application.work_type):
        data = document_pdf(document_type.code, _sheet(spec, document_type.name))
        _upload(
            actor=actor,
            application=application,
            document_type=document_type,
            data=data,
            file_name=f"{document_type.name}.pdf",
        )


def _create(spec: DemoApplication) -> Application:
    """A new draft with the tag, every section and (unless it stays a draft) its documents; all or
    nothing, so that a half-made draft never stays behind."""
    from evize.applications.services import application_create

    applicant = _user(spec.applicant)
    with transaction.atomic():
        application = application_create(actor=applicant)
        _save_field(
            actor=applicant,
            application=application,
            name="note_to_office",
            value=f"{spec.tag} Bu başvuru e-Vize demosu için hazırlanmış örnek veridir.",
        )
        _fill_form(spec, application, applicant)
        if spec.target != Status.DRAFT:
            _attach_documents(spec, application, applicant)
    return _fresh(application)


# --- signing with the demo PKI, as the signer agent does ---------------------------------------------


def _sign_bytes(key, data: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    raise DemoError("unsupported key type in the demo PKCS#12 file")


def _unsigned(application: Application) -> list[str]:
    """Sicil numbers of the engineers who still have to sign the open round, in order."""
    from evize.signatures.models import SignatureRequest, SigningRound
    from evize.signatures.services import signing_round_ensure

    signing_round = signing_round_ensure(actor=application.created_by, application=application)
    if signing_round is None or signing_round.state != SigningRound.State.OPEN:
        return []
    return list(
        signing_round.requests.exclude(state=SignatureRequest.State.SIGNED)
        .order_by("engineer__position", "pk")
        .values_list("member__sicil_no", flat=True)
    )


def _sign(application: Application, sicil_no: str, pki_dir: Path) -> None:
    from evize.signatures import services as signatures
    from evize.visa.pkcs12 import load

    path = pki_dir / f"{sicil_no}.p12"
    if not path.exists():
        raise DemoError(f"{path} is missing: run `manage.py demo_pki` first")
    key, certificate_der, chain_der = load(path, PKCS12_PASSWORD)
    session, token = signatures.signing_session_start(actor=_user(sicil_no), application=application)
    plan = signatures.signing_session_certificate(
        token=token, certificate_der=certificate_der, chain_der=chain_der, agent="e-Vize demo (PKCS#12)"
    )
    values = {item.ref: _sign_bytes(key, item.to_be_signed) for item in plan.items}
    signatures.signing_session_signatures(token=token, signatures=values)


# --- paying through the sandbox bank --------------------------------------------------------------


class _AutoPostForm(HTMLParser):
    """The auto-submitting form of a page (the way to the bank, and the bank's way back)."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and "data-autopost" in values and self.action is None:
            self.action, self._inside = values.get("action") or "", True
        elif tag == "input" and self._inside and values.get("type") == "hidden" and values.get("name"):
            self.fields[values["name"] or ""] = values.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def _autopost(response) -> tuple[str, dict[str, str]]:
    parser = _AutoPostForm()
    parser.feed(response.content.decode())
    if not parser.action:
        raise DemoError(f"no auto-submitting form on the page ({response.status_code})")
    parts = urlsplit(parser.action)
    return parts.path + (f"?{parts.query}" if parts.query else ""), parser.fields


def _browser():
    """An in-process browser for the engineer's payment pages and the sandbox bank's pages."""
    from django.test import Client

    host = next((h for h in settings.ALLOWED_HOSTS if h and h[0] not in ".*"), "localhost")
    return Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="tr")


def _pay(application: Application, kind: str) -> None:
    """The engineer pays `kind` ("kayit" or "vize") with the approved test card and the SMS code,
    exactly through the pages a person would use; the bank's signed answer confirms it."""
    from evize.payments.sandbox.cards import SMS_CODE

    if not getattr(settings, "EVIZE_SANDBOX_BANK", False):
        raise DemoError("the demo pays its fees at the sandbox bank, which is off (EVIZE_SANDBOX_BANK)")
    browser = _browser()
    browser.force_login(application.created_by)

    def expect(response, *codes: int):
        if response.status_code not in codes:
            raise DemoError(
                f"payment of {application.registration_number}: HTTP {response.status_code} "
                f"at {response.request['PATH_INFO']}"
            )
        return response

    response = expect(browser.post(reverse("payments:pay", args=[application.pk, kind])), 303)
    action, fields = _autopost(expect(browser.get(response["Location"]), 200))
    card_page = expect(browser.post(action, fields), 302)["Location"]
    card = {
        "pan": APPROVED_CARD,
        "holder": application.created_by.get_full_name().upper(),
        "exp_month": "12",
        "exp_year": "35",
        "cvv": "123",
    }
    code_page = expect(browser.post(card_page, card), 302)["Location"]
    action, fields = _autopost(expect(browser.post(code_page, {"code": SMS_CODE}), 200))
    expect(browser.post(action, fields), 303)
    browser.logout()


# --- the visa office ------------------------------------------------------------------------------


def _assign(application: Application) -> None:
    from evize.review.services import review_assign

    review_assign(actor=_user(CLERK), application=application, reviewer=_user(CONTROL_ENGINEER))


def _send_notation(spec: DemoApplication, application: Application) -> None:
    from evize.documents.selectors import current_documents
    from evize.review.models import Note
    from evize.review.services import notation_send, note_add

    reviewer = _user(CONTROL_ENGINEER)
    number = application.notation_count + 1
    texts = spec.notes or ("Statik hesapta deprem yükü kombinasyonları eksiktir.",)
    text = texts[min(number, len(texts)) - 1]
    documents = list(current_documents(application))
    drawing = next((d for d in documents if d.document_type.code == "proje-paftalari"), documents[0])
    note_add(
        actor=reviewer,
        application=application,
        category=Note.Category.CORRECTION_NEEDED,
        text=text,
        document=drawing,
        page=1,
        rect={"x": 120, "y": 200, "w": 260, "h": 140},
    )
    if number == 1 and len(texts) > 1 and spec.notations == 1:
        statik = next((d for d in documents if d.document_type.code == "statik-hesap"), None)
        note_add(
            actor=reviewer,
            application=application,
            category=Note.Category.WRONG_DOCUMENT,
            text=texts[1],
            document=statik,
        )
    # The cancelled demo application reaches the limit: the office confirms, as on the page.
    notation_send(actor=reviewer, application=application, confirm_cancel=True)


def _correct(spec: DemoApplication, application: Application) -> None:
    """The engineer answers the notes, replaces the drawings with a revision and saves again."""
    from evize.applications.services import application_submit
    from evize.documents.selectors import current_documents
    from evize.review.models import Note
    from evize.review.services import note_answer

    engineer = application.created_by
    for note in Note.objects.filter(application=application, notation__isnull=False).exclude(
        status__in=(Note.State.RESOLVED, Note.State.ANSWERED)
    ):
        note_answer(actor=engineer, note=note, text="Not doğrultusunda düzeltildi; revize pafta eklendi.")
    drawing = next(d for d in current_documents(application) if d.document_type.code == "proje-paftalari")
    revision = application.notation_count
    _upload(
        actor=engineer,
        application=application,
        document_type=drawing.document_type,
        data=document_pdf(drawing.document_type.code, _sheet(spec, drawing.document_type.name, revision)),
        file_name=f"{drawing.document_type.name} (Rev. {revision}).pdf",
        replaces=drawing,
    )
    application_submit(actor=engineer, application=_fresh(application), acknowledge_warnings=True)


def _approve(application: Application) -> None:
    from evize.review.models import Note
    from evize.review.services import checklist_missing, checklist_set, note_resolve, review_approve

    reviewer = _user(CONTROL_ENGINEER)
    for note in Note.objects.filter(application=application).exclude(status=Note.State.RESOLVED):
        note_resolve(actor=reviewer, note=note)
    for item in checklist_missing(application):
        checklist_set(actor=reviewer, application=application, item=item, checked=True)
    review_approve(actor=reviewer, application=application)


def _issue_visa(application: Application, pki_dir: Path) -> None:
    from evize.visa.demo import OFFICER_USERNAME, demo_visaed_application

    demo_visaed_application(
        application, pkcs12_path=pki_dir / f"{OFFICER_USERNAME}.p12", password=PKCS12_PASSWORD
    )


def _withdraw(spec: DemoApplication, application: Application) -> None:
    from evize.applications.services import application_withdraw

    application_withdraw(
        actor=application.created_by, application=application, reason_text=spec.withdraw_reason
    )


# --- driving one application to its state -----------------------------------------------------------


def _next_step(spec: DemoApplication, app: Application, pki_dir: Path) -> Callable[[], None] | None:
    """What happens next to `app` on its way to `spec.target`, or None when it is there."""
    from evize.applications.services import application_submit
    from evize.review.services import notation_limit

    status = app.status
    if status == spec.target and status != Status.AWAITING_SIGNATURE:
        return None
    if status == Status.DRAFT:
        return lambda: application_submit(actor=app.created_by, application=app, acknowledge_warnings=True)
    if status in (Status.AWAITING_SIGNATURE, Status.AWAITING_RESIGNATURE):
        unsigned = _unsigned(app)
        if spec.target == Status.AWAITING_SIGNATURE and not spec.second_signs:
            unsigned = [sicil for sicil in unsigned if sicil == spec.applicant]
        if not unsigned:
            return None
        return lambda: _sign(app, unsigned[0], pki_dir)
    if status == Status.AWAITING_REGISTRATION_FEE:
        return lambda: _pay(app, "kayit")
    if status == Status.REGISTERED:
        return lambda: _assign(app)
    if status == Status.IN_REVIEW:
        if spec.withdraw_reason:
            return lambda: _withdraw(spec, app)
        # The cancelled one is cancelled by the notation that reaches the limit (3 unless configured).
        wanted = notation_limit() if spec.target == Status.CANCELLED else spec.notations
        if app.notation_count < wanted:
            return lambda: _send_notation(spec, app)
        return lambda: _approve(app)
    if status == Status.NOTES_SENT:
        return lambda: _correct(spec, app)
    if status == Status.AWAITING_VISA_FEE:
        return lambda: _pay(app, "vize")
    if status == Status.VISA_ISSUING:
        return lambda: _issue_visa(app, pki_dir)
    raise DemoError(
        f"{spec.key}: {app.registration_number} is {status}, which does not lead to {spec.target}"
    )


def _find(spec: DemoApplication) -> Application | None:
    return (
        Application.objects.filter(
            note_to_office__startswith=spec.tag, created_by__member__sicil_no=spec.applicant
        )
        .order_by("pk")
        .first()
    )


def _is_loaded(spec: DemoApplication, application: Application) -> bool:
    return AuditEvent.objects.filter(
        action=LOADED_ACTION, object_id=spec.key, data__application=application.pk
    ).exists()


def load_demo_application(spec: DemoApplication, *, pki_dir: Path) -> LoadedApplication:
    application = _find(spec)
    created = application is None
    if application is not None and _is_loaded(spec, application):
        return LoadedApplication(spec.key, application, spec.applicant, created=False)
    if application is None:
        application = _create(spec)
    for _step in range(MAX_STEPS):
        step = _next_step(spec, application, pki_dir)
        if step is None:
            break
        try:
            step()
        except DemoError:
            raise
        except Exception as exc:  # a refused step: say which application and why
            reason = getattr(exc, "message", "") or str(exc)
            raise DemoError(f"{spec.key} ({application.status}): {type(exc).__name__}: {reason}") from exc
        application = _fresh(application)
    else:  # pragma: no cover - a demo that loops is a bug in this module
        raise DemoError(f"{spec.key}: did not reach {spec.target} in {MAX_STEPS} steps")
    with transaction.atomic():
        audit_record(
            actor=None,
            action=LOADED_ACTION,
            object_type="demo_application",
            object_id=spec.key,
            object_repr=application.registration_number or spec.title,
            data={"application": application.pk, "status": application.status},
        )
    return LoadedApplication(spec.key, application, spec.applicant, created=created)


def load_demo_applications(
    *, pki_dir: Path | None = None, only: list[str] | None = None
) -> list[LoadedApplication]:
    """Load every demo application (or the keys in `only`); safe to run again."""
    pki_dir = pki_dir or Path(settings.DATA_DIR) / "demo-pki"
    specs = [spec for spec in DEMO_APPLICATIONS if not only or spec.key in only]
    loaded = []
    with translation.override("tr"):
        for spec in specs:
            loaded.append(load_demo_application(spec, pki_dir=pki_dir))
    return loaded
