"""Load the reference lists the application form needs, with realistic values.

Places of Northern Cyprus (the six districts, their villages and town quarters, the eighteen
municipalities formed in 2022), and values from Turkish structural engineering practice:
TBDY 2018 (Türkiye Bina Deprem Yönetmeliği) and DBYBHY 2007 (Deprem Bölgelerinde Yapılacak
Binalar Hakkında Yönetmelik) coefficients and R / D factors, TS 500 / TS EN 206 concrete classes,
TS 708 reinforcing steels, TS EN 10025 (and the older TS 648) structural steels.

Safe to run again: every row is written with update_or_create on its code (or natural key), so
nothing is duplicated. The chamber edits the lists in the admin afterwards; reversing this
migration leaves the rows in place (they may already be used by applications).
"""

from decimal import Decimal

from django.db import migrations
from django.utils.text import slugify

_TURKISH_ASCII = str.maketrans(
    {"ı": "i", "İ": "i", "ş": "s", "Ş": "s", "ğ": "g", "Ğ": "g", "ç": "c", "Ç": "c",
     "ö": "o", "Ö": "o", "ü": "u", "Ü": "u", "â": "a", "Â": "a", "î": "i", "û": "u"}
)
_TURKISH_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"


def code_of(name):
    return slugify(name.translate(_TURKISH_ASCII).replace("/", "-"))


def turkish_key(text):
    lowered = text.replace("I", "ı").replace("İ", "i").lower()
    return [(_TURKISH_ALPHABET.index(ch) if ch in _TURKISH_ALPHABET else 100 + ord(ch)) for ch in lowered]


def D(value):
    return None if value is None else Decimal(str(value))


# --- places ----------------------------------------------------------------------------------------

DISTRICTS = [
    ("lefkosa", "Lefkoşa", "Lefkoşa (Nicosia)"),
    ("gazimagusa", "Gazimağusa", "Gazimağusa (Famagusta)"),
    ("girne", "Girne", "Girne (Kyrenia)"),
    ("guzelyurt", "Güzelyurt", "Güzelyurt (Morphou)"),
    ("iskele", "İskele", "İskele (Trikomo)"),
    ("lefke", "Lefke", "Lefke (Lefka)"),
]

VILLAGES = {
    "lefkosa": [
        "Köşklüçiftlik", "Yenişehir", "Kumsal", "Selimiye", "Küçük Kaymaklı", "Taşkınköy", "Marmara",
        "Göçmenköy", "Metehan", "Ortaköy", "Hamitköy", "Haspolat", "Kızılbaş", "Gönyeli", "Yenikent",
        "Alayköy", "Kanlıköy", "Yılmazköy", "Değirmenlik", "Akıncılar", "Minareliköy", "Meriç",
        "Yeniceköy", "Demirhan", "Cihangir", "Gaziköy", "Kalavaç", "Beyköy", "Balıkesir", "Düzova",
    ],
    "gazimagusa": [
        "Baykal", "Karakol", "Sakarya", "Dumlupınar", "Çanakkale", "Tuzla", "Mutluyaka", "Yeniboğaziçi",
        "Beyarmudu", "Güvercinlik", "Akdoğan", "Vadili", "İnönü", "Paşaköy", "Geçitkale", "Serdarlı",
        "Görneç", "Pınarlı", "Ergenekon", "Kurudere", "Korkuteli", "Mormenekşe",
    ],
    "girne": [
        "Karaoğlanoğlu", "Zeytinlik", "Karakum", "Ozanköy", "Çatalköy", "Edremit", "Karaman", "Doğanköy",
        "Beylerbeyi", "Alsancak", "Lapta", "Karşıyaka", "Çamlıbel", "Esentepe", "Bahçeli", "Dikmen",
        "Boğazköy", "Ağırdağ", "Koruçam", "Geçitköy", "Kayalar", "Arapköy",
    ],
    "guzelyurt": [
        "Güzelyurt", "Kalkanlı", "Yayla", "Yukarı Bostancı", "Aşağı Bostancı", "Güneşköy", "Aydınköy",
        "Akçay", "Zümrütköy", "Şahinler", "Gayretköy", "Serhatköy", "Mevlevi", "Yuvacık",
    ],
    "iskele": [
        "İskele", "Boğaz", "Boğaztepe", "Bahçeler", "Ötüken", "Kuzucuk", "Aygün", "Sınırüstü", "Altınova",
        "Ağıllar", "Topçuköy", "Yarköy", "Kalecik", "Kurtuluş", "Turnalar", "Ardahan", "Mersinlik",
        "Ergazi", "Kaplıca", "Kilitkaya", "Tuzluca", "Mehmetçik", "Büyükkonuk", "Yeni Erenköy",
        "Dipkarpaz", "Sipahi", "Kumyalı", "Yedikonuk", "Bafra", "Zeybekköy", "Balalan", "Kaleburnu",
    ],
    "lefke": [
        "Lefke", "Gemikonağı", "Yedidalga", "Cengizköy", "Doğancı", "Gaziveren", "Bademliköy", "Bağlıköy",
        "Çamlıköy", "Şirinköy", "Ömerli", "Yeşilırmak", "Yeşilyurt", "Günebakan", "Süleymaniye", "Taşköy",
        "Madenliköy", "Denizli", "Erenköy", "Taşpınar", "Yağmuralan",
    ],
}

# The eighteen municipalities formed by the 2022 merger law. District None: spans two districts.
MUNICIPALITIES = [
    ("lefkosa-turk-belediyesi", "Lefkoşa Türk Belediyesi", "Nicosia Turkish Municipality", "lefkosa"),
    ("gonyeli-alaykoy", "Gönyeli-Alayköy Belediyesi", "Gönyeli-Alayköy Municipality", "lefkosa"),
    ("degirmenlik-akincilar", "Değirmenlik-Akıncılar Belediyesi", "Değirmenlik-Akıncılar Municipality", "lefkosa"),
    ("gazimagusa", "Gazimağusa Belediyesi", "Gazimağusa (Famagusta) Municipality", "gazimagusa"),
    ("beyarmudu", "Beyarmudu Belediyesi", "Beyarmudu Municipality", "gazimagusa"),
    ("mesarya", "Mesarya Belediyesi", "Mesarya Municipality", "gazimagusa"),
    ("gecitkale-serdarli", "Geçitkale-Serdarlı Belediyesi", "Geçitkale-Serdarlı Municipality", "gazimagusa"),
    ("yenibogazici", "Yeniboğaziçi Belediyesi", "Yeniboğaziçi Municipality", "gazimagusa"),
    ("girne", "Girne Belediyesi", "Girne (Kyrenia) Municipality", "girne"),
    ("lapta", "Lapta Belediyesi", "Lapta Municipality", "girne"),
    ("alsancak-camlibel", "Alsancak-Çamlıbel Belediyesi", "Alsancak-Çamlıbel Municipality", "girne"),
    ("dikmen", "Dikmen Belediyesi", "Dikmen Municipality", "girne"),
    ("esentepe-tatlisu", "Esentepe-Tatlısu Belediyesi", "Esentepe-Tatlısu Municipality", None),
    ("guzelyurt", "Güzelyurt Belediyesi", "Güzelyurt (Morphou) Municipality", "guzelyurt"),
    ("iskele", "İskele Belediyesi", "İskele Municipality", "iskele"),
    ("mehmetcik-buyukkonuk", "Mehmetçik-Büyükkonuk Belediyesi", "Mehmetçik-Büyükkonuk Municipality", "iskele"),
    ("dipkarpaz", "Dipkarpaz Belediyesi", "Dipkarpaz Municipality", "iskele"),
    ("lefke", "Lefke Belediyesi", "Lefke (Lefka) Municipality", "lefke"),
]

# --- the building and the project --------------------------------------------------------------------

# (code, Turkish, English, involves an existing building)
WORK_TYPES = [
    ("yeni-yapi", "Yeni yapı", "New building", False),
    ("ek-yapi", "Ek yapı (yatay ilave)", "Addition (horizontal extension)", True),
    ("kat-ilavesi", "Kat ilavesi (düşey ilave)", "Storey addition (vertical extension)", True),
    ("tadilat", "Tadilat", "Alteration", True),
    ("guclendirme", "Güçlendirme", "Seismic retrofit (strengthening)", True),
    ("yasallastirma", "Mevcut yapının yasallaştırılması", "Legalisation of an existing building", True),
    ("proje-revizyonu", "Proje revizyonu (yapım öncesi)", "Project revision (before construction)", False),
]

PROJECT_TYPES = [
    ("betonarme", "Betonarme statik proje", "Reinforced concrete structural project"),
    ("celik", "Çelik yapı statik projesi", "Steel structure structural project"),
    ("karma", "Karma (betonarme + çelik) statik proje", "Composite (concrete + steel) structural project"),
    ("onuretimli", "Önüretimli (prefabrik) yapı statik projesi", "Precast structure structural project"),
    ("yigma", "Yığma yapı statik projesi", "Masonry structure structural project"),
    ("hafif-celik", "Hafif çelik yapı statik projesi", "Light-gauge steel structural project"),
    ("ahsap", "Ahşap yapı statik projesi", "Timber structure structural project"),
    ("guclendirme", "Güçlendirme projesi", "Retrofit project"),
    ("istinat-duvari", "İstinat duvarı projesi", "Retaining wall project"),
    ("havuz-depo", "Yüzme havuzu / su deposu projesi", "Swimming pool / water tank project"),
    ("mimari", "Mimari proje", "Architectural project"),
]

BUILDING_CHARACTERISTICS = [
    ("mustakil-konut", "Müstakil konut (villa)", "Detached house (villa)"),
    ("ikiz-konut", "İkiz konut", "Semi-detached house"),
    ("sira-evler", "Sıra evler", "Terraced houses"),
    ("apartman", "Apartman (çok katlı konut)", "Apartment building"),
    ("toplu-konut", "Toplu konut / site", "Housing estate"),
    ("ticari-bina", "Ticari bina", "Commercial building"),
    ("karma-kullanim", "Karma kullanımlı bina (konut + ticari)", "Mixed-use building (residential + commercial)"),
    ("turistik-tesis", "Turistik tesis", "Tourist facility"),
    ("kamu-binasi", "Kamu binası", "Public building"),
    ("endustriyel", "Endüstriyel yapı", "Industrial building"),
    ("depo-hangar", "Depo / hangar", "Warehouse / hangar"),
    ("tarimsal", "Tarımsal yapı", "Agricultural building"),
    ("otopark", "Otopark yapısı", "Car park building"),
    ("mustemilat", "Müştemilat", "Outbuilding"),
]

PURPOSES_OF_USE = [
    ("konut", "Konut", "Residential"),
    ("buro", "İşyeri / büro", "Office"),
    ("dukkan", "Dükkan / mağaza", "Shop / store"),
    ("otel", "Otel / pansiyon", "Hotel / guest house"),
    ("lokanta", "Lokanta / kafe", "Restaurant / café"),
    ("egitim", "Eğitim (okul, yurt)", "Education (school, dormitory)"),
    ("saglik", "Sağlık (hastane, klinik)", "Health care (hospital, clinic)"),
    ("ibadet", "İbadethane", "Place of worship"),
    ("sosyal-kultur", "Sosyal / kültürel tesis", "Social / cultural facility"),
    ("spor", "Spor tesisi", "Sports facility"),
    ("kamu-hizmeti", "Kamu hizmeti / yönetim", "Public service / administration"),
    ("sanayi", "Sanayi / atölye", "Industry / workshop"),
    ("depo", "Depo / antrepo", "Storage / warehouse"),
    ("tarim", "Tarım / hayvancılık", "Agriculture / livestock"),
    ("otopark", "Otopark / garaj", "Car park / garage"),
    ("diger", "Diğer", "Other"),
]

BUILDING_CLASSES = [
    (f"{number.lower()}-{group.lower()}", f"{number}. sınıf {group} grubu", f"Class {number}, group {group}")
    for number, groups in (("I", "AB"), ("II", "ABC"), ("III", "ABC"), ("IV", "ABC"), ("V", "ABCD"))
    for group in groups
]

# --- materials -----------------------------------------------------------------------------------------

STRUCTURAL_ELEMENTS = [
    ("tum-elemanlar", "Tüm taşıyıcı elemanlar", "All structural elements"),
    ("temel", "Temel", "Foundation"),
    ("kazik", "Kazık", "Pile"),
    ("bodrum-perdesi", "Bodrum perdesi", "Basement wall"),
    ("kolon", "Kolon", "Column"),
    ("perde", "Perde (deprem perdesi)", "Shear wall"),
    ("kiris", "Kiriş", "Beam"),
    ("doseme", "Döşeme", "Slab"),
    ("merdiven", "Merdiven", "Staircase"),
    ("istinat-duvari", "İstinat duvarı", "Retaining wall"),
    ("cati", "Çatı", "Roof"),
    ("celik-konstruksiyon", "Çelik konstrüksiyon", "Steel structure"),
]

# (name, fck cylinder MPa, cube MPa). The lower classes are for existing buildings.
CONCRETE_CLASSES = [
    ("C8/10", 8, 10), ("C12/15", 12, 15), ("C16/20", 16, 20), ("C18/22", 18, 22), ("C20/25", 20, 25),
    ("C25/30", 25, 30), ("C30/37", 30, 37), ("C35/45", 35, 45), ("C40/50", 40, 50), ("C45/55", 45, 55),
    ("C50/60", 50, 60),
]

# (code, Turkish, English, fyk MPa). TS 708:2016 classes, then the older grades of existing buildings.
REINFORCING_STEELS = [
    ("b420c", "B420C", "B420C", 420),
    ("b500c", "B500C", "B500C", 500),
    ("b420b", "B420B", "B420B", 420),
    ("b500b", "B500B", "B500B", 500),
    ("b500a", "B500A (hasır çelik)", "B500A (welded mesh)", 500),
    ("s220a", "S220a (BÇ I, düz)", "S220a (BÇ I, plain)", 220),
    ("s420a", "S420a (BÇ III, nervürlü)", "S420a (BÇ III, ribbed)", 420),
    ("s500s", "S500s (BÇ IV, soğuk işlenmiş)", "S500s (BÇ IV, cold-worked)", 500),
]

# (code, name, fy MPa, fu MPa) for thickness up to 40 mm.
STRUCTURAL_STEELS = [
    ("s235", "S235", 235, 360),
    ("s275", "S275", 275, 430),
    ("s355", "S355", 355, 510),
    ("s420", "S420", 420, 520),
    ("s460", "S460", 460, 540),
    ("st37", "St 37", 240, 370),
    ("st44", "St 44", 280, 440),
    ("st52", "St 52", 360, 520),
]

# --- earthquake design -----------------------------------------------------------------------------------

TBDY = "tbdy-2018"
DBY = "dbybhy-2007"

EARTHQUAKE_CODES = [
    (TBDY, "Türkiye Bina Deprem Yönetmeliği (TBDY 2018)", "Turkish Building Earthquake Code (TBDY 2018)", 2018),
    (
        DBY,
        "Deprem Bölgelerinde Yapılacak Binalar Hakkında Yönetmelik (DBYBHY 2007)",
        "Specification for Buildings to Be Built in Seismic Zones (DBYBHY 2007)",
        2007,
    ),
]

# (code, Turkish, English, symbol, unit, input type, min, max, earthquake codes)
COEFFICIENT_KINDS = [
    ("yer-hareketi-duzeyi", "Deprem yer hareketi düzeyi", "Earthquake ground motion level", "DD", "",
     "choice", None, None, [TBDY]),
    ("etkin-yer-ivmesi", "Deprem bölgesi / etkin yer ivmesi katsayısı", "Seismic zone / effective ground "
     "acceleration coefficient", "A0", "", "choice", None, None, [DBY]),
    ("ss", "Kısa periyot harita spektral ivme katsayısı", "Map spectral acceleration coefficient (short period)",
     "S_S", "", "number", 0, 5, [TBDY]),
    ("s1", "1,0 saniye periyot için harita spektral ivme katsayısı",
     "Map spectral acceleration coefficient (1.0 s period)", "S_1", "", "number", 0, 5, [TBDY]),
    ("sds", "Kısa periyot tasarım spektral ivme katsayısı", "Design spectral acceleration coefficient "
     "(short period)", "S_DS", "", "number", 0, 5, [TBDY]),
    ("sd1", "1,0 saniye periyot için tasarım spektral ivme katsayısı",
     "Design spectral acceleration coefficient (1.0 s period)", "S_D1", "", "number", 0, 5, [TBDY]),
    ("pga", "En büyük yer ivmesi", "Peak ground acceleration", "PGA", "g", "number", 0, 3, [TBDY]),
    ("bina-onem-katsayisi", "Bina önem katsayısı", "Building importance factor", "I", "", "choice", None, None,
     [TBDY, DBY]),
    ("yerel-zemin-sinifi", "Yerel zemin sınıfı", "Local soil class", "", "", "choice", None, None, [TBDY, DBY]),
    ("deprem-tasarim-sinifi", "Deprem tasarım sınıfı", "Earthquake design class", "DTS", "", "choice", None,
     None, [TBDY]),
    ("bina-yukseklik-sinifi", "Bina yükseklik sınıfı", "Building height class", "BYS", "", "choice", None, None,
     [TBDY]),
    ("hareketli-yuk-katilim", "Hareketli yük katılım katsayısı", "Live load participation factor", "n", "",
     "choice", None, None, [TBDY, DBY]),
]

_N_OPTIONS = [
    ("0-30", "n = 0,30 (konut, işyeri, otel, hastane vb.)", "n = 0.30 (housing, offices, hotels, hospitals …)",
     0.3),
    ("0-60", "n = 0,60 (okul, yurt, spor tesisi, sinema, tiyatro, konser salonu, garaj, lokanta, mağaza vb.)",
     "n = 0.60 (schools, dormitories, sports halls, cinemas, theatres, concert halls, garages, restaurants, "
     "shops …)", 0.6),
    ("0-80", "n = 0,80 (depo, antrepo vb.)", "n = 0.80 (storage buildings, warehouses …)", 0.8),
]

# {(earthquake code, kind): [(suffix, Turkish, English, value)]}
COEFFICIENT_OPTIONS = {
    (TBDY, "yer-hareketi-duzeyi"): [
        ("dd-1", "DD-1 (50 yılda aşılma olasılığı %2, tekrarlanma periyodu 2475 yıl)",
         "DD-1 (2% probability of exceedance in 50 years, return period 2475 years)", None),
        ("dd-2", "DD-2 (50 yılda aşılma olasılığı %10, tekrarlanma periyodu 475 yıl)",
         "DD-2 (10% probability of exceedance in 50 years, return period 475 years)", None),
        ("dd-3", "DD-3 (50 yılda aşılma olasılığı %50, tekrarlanma periyodu 72 yıl)",
         "DD-3 (50% probability of exceedance in 50 years, return period 72 years)", None),
        ("dd-4", "DD-4 (50 yılda aşılma olasılığı %68, tekrarlanma periyodu 43 yıl)",
         "DD-4 (68% probability of exceedance in 50 years, return period 43 years)", None),
    ],
    (TBDY, "bina-onem-katsayisi"): [
        ("bks-1", "BKS = 1, I = 1,5 (deprem sonrası kullanımı gereken, insanların uzun süreli ve yoğun "
         "bulunduğu, tehlikeli madde içeren binalar)", "BKS = 1, I = 1.5 (buildings needed after an "
         "earthquake, long and intensive occupancy, hazardous contents)", 1.5),
        ("bks-2", "BKS = 2, I = 1,2 (insanların kısa süreli ve yoğun bulunduğu binalar)",
         "BKS = 2, I = 1.2 (short but intensive occupancy)", 1.2),
        ("bks-3", "BKS = 3, I = 1,0 (diğer binalar: konut, işyeri, otel vb.)",
         "BKS = 3, I = 1.0 (other buildings: housing, offices, hotels …)", 1.0),
    ],
    (DBY, "bina-onem-katsayisi"): [
        ("1-5", "I = 1,5 (deprem sonrası kullanımı gereken binalar, tehlikeli madde içeren binalar)",
         "I = 1.5 (buildings needed after an earthquake, buildings with hazardous contents)", 1.5),
        ("1-4", "I = 1,4 (insanların uzun süreli ve yoğun bulunduğu, değerli eşyanın saklandığı binalar)",
         "I = 1.4 (long and intensive occupancy, valuable contents)", 1.4),
        ("1-2", "I = 1,2 (insanların kısa süreli ve yoğun bulunduğu binalar)",
         "I = 1.2 (short but intensive occupancy)", 1.2),
        ("1-0", "I = 1,0 (diğer binalar: konut, işyeri, otel vb.)",
         "I = 1.0 (other buildings: housing, offices, hotels …)", 1.0),
    ],
    (TBDY, "yerel-zemin-sinifi"): [
        ("za", "ZA – sağlam, sert kayalar", "ZA – hard, sound rock", None),
        ("zb", "ZB – az ayrışmış, orta sağlam kayalar", "ZB – slightly weathered, moderately sound rock", None),
        ("zc", "ZC – çok sıkı kum, çakıl ve sert kil tabakaları veya ayrışmış, çok çatlaklı zayıf kayalar",
         "ZC – very dense sand, gravel and hard clay, or weathered, heavily jointed weak rock", None),
        ("zd", "ZD – orta sıkı–sıkı kum, çakıl veya çok katı kil tabakaları",
         "ZD – medium dense to dense sand, gravel or very stiff clay", None),
        ("ze", "ZE – gevşek kum, çakıl veya yumuşak–katı kil tabakaları",
         "ZE – loose sand, gravel or soft to stiff clay", None),
        ("zf", "ZF – sahaya özel araştırma ve değerlendirme gerektiren zeminler",
         "ZF – soils needing site-specific investigation and evaluation", None),
    ],
    (DBY, "yerel-zemin-sinifi"): [
        ("z1", "Z1 (TA = 0,10 s, TB = 0,30 s)", "Z1 (TA = 0.10 s, TB = 0.30 s)", None),
        ("z2", "Z2 (TA = 0,15 s, TB = 0,40 s)", "Z2 (TA = 0.15 s, TB = 0.40 s)", None),
        ("z3", "Z3 (TA = 0,15 s, TB = 0,60 s)", "Z3 (TA = 0.15 s, TB = 0.60 s)", None),
        ("z4", "Z4 (TA = 0,20 s, TB = 0,90 s)", "Z4 (TA = 0.20 s, TB = 0.90 s)", None),
    ],
    (DBY, "etkin-yer-ivmesi"): [
        (f"bolge-{zone}", f"{zone}. derece deprem bölgesi, A0 = {a0.replace('.', ',')}",
         f"Seismic zone {zone}, A0 = {a0}", a0)
        for zone, a0 in ((1, "0.40"), (2, "0.30"), (3, "0.20"), (4, "0.10"))
    ],
    (TBDY, "deprem-tasarim-sinifi"): [
        (f"dts-{value}", f"DTS = {value}", f"DTS = {value}", None)
        for value in ("1", "1a", "2", "2a", "3", "3a", "4", "4a")
    ],
    (TBDY, "bina-yukseklik-sinifi"): [
        (f"bys-{value}", f"BYS = {value}" + (" (yüksek bina)" if value == 1 else ""),
         f"BYS = {value}" + (" (tall building)" if value == 1 else ""), None)
        for value in range(1, 9)
    ],
    (TBDY, "hareketli-yuk-katilim"): _N_OPTIONS,
    (DBY, "hareketli-yuk-katilim"): _N_OPTIONS,
}

SYSTEM_FEATURES = [
    ("duzensizlik-yok", "Düzensizlik yok (düzenli bina)", "No irregularity (regular building)", "other"),
    ("a1", "A1 – Burulma düzensizliği", "A1 – Torsional irregularity", "plan"),
    ("a2", "A2 – Döşeme süreksizlikleri", "A2 – Floor (diaphragm) discontinuities", "plan"),
    ("a3", "A3 – Planda çıkıntılar bulunması", "A3 – Projections in plan", "plan"),
    ("a4", "A4 – Taşıyıcı eleman eksenlerinin paralel olmaması (DBYBHY 2007)",
     "A4 – Non-parallel axes of structural elements (DBYBHY 2007)", "plan"),
    ("b1", "B1 – Komşu katlar arası dayanım düzensizliği (zayıf kat)",
     "B1 – Inter-storey strength irregularity (weak storey)", "vertical"),
    ("b2", "B2 – Komşu katlar arası rijitlik düzensizliği (yumuşak kat)",
     "B2 – Inter-storey stiffness irregularity (soft storey)", "vertical"),
    ("b3", "B3 – Taşıyıcı sistemin düşey elemanlarının süreksizliği",
     "B3 – Discontinuity of vertical structural elements", "vertical"),
    ("rijit-bodrum", "Bodrum katlarda dıştan rijit çevre perdeleri", "Rigid perimeter walls around the basement",
     "other"),
    ("deprem-derzi", "Deprem derzi ile ayrılmış bloklar", "Blocks separated by seismic joints", "other"),
]

DUCTILITY_LEVELS = [
    ("high", "Yüksek süneklik düzeyi", "High ductility"),
    ("limited", "Sınırlı süneklik düzeyi (DBYBHY 2007: normal)", "Limited ductility (DBYBHY 2007: nominal)"),
    ("mixed", "Karma süneklik düzeyi", "Mixed ductility"),
]

# (code, Turkish, English, material)
SUPERSTRUCTURE_SYSTEMS = [
    ("rc-cerceve", "Betonarme çerçeveli sistem (moment aktaran çerçeveler)", "RC moment-resisting frames", "rc"),
    ("rc-bag-kirisli-perde", "Betonarme bağ kirişli (boşluklu) perdeli sistem", "RC coupled shear walls", "rc"),
    ("rc-perde", "Betonarme boşluksuz perdeli sistem", "RC solid (uncoupled) shear walls", "rc"),
    ("rc-cerceve-bag-kirisli-perde", "Betonarme çerçeve + bağ kirişli (boşluklu) perdeli sistem",
     "RC frames with coupled shear walls", "rc"),
    ("rc-cerceve-perde", "Betonarme çerçeve + boşluksuz perdeli sistem", "RC frames with solid shear walls", "rc"),
    ("rc-disli-cerceve-bag-kirisli-perde", "Dişli (asmolen) döşemeli betonarme çerçeve + bağ kirişli perdeli sistem",
     "RC one-way joist-slab frames with coupled shear walls", "rc"),
    ("rc-disli-cerceve-perde", "Dişli (asmolen) döşemeli betonarme çerçeve + boşluksuz perdeli sistem",
     "RC one-way joist-slab frames with solid shear walls", "rc"),
    ("rc-tek-katli-mafsalli", "Çatı bağlantıları mafsallı tek katlı betonarme kolonlu sistem (h ≤ 12 m)",
     "Single-storey RC columns with pinned roof connections (h ≤ 12 m)", "rc"),
    ("on-cerceve", "Önüretimli betonarme çerçeve (moment aktaran bağlantılı)",
     "Precast RC frames with moment-resisting connections", "precast"),
    ("on-cerceve-bag-kirisli-perde", "Önüretimli çerçeve + yerinde dökme bağ kirişli perdeli sistem",
     "Precast frames with cast-in-place coupled shear walls", "precast"),
    ("on-cerceve-perde", "Önüretimli çerçeve + yerinde dökme boşluksuz perdeli sistem",
     "Precast frames with cast-in-place solid shear walls", "precast"),
    ("on-mafsalli-cerceve-perde", "Mafsallı bağlantılı önüretimli çerçeve + yerinde dökme perdeli sistem",
     "Precast frames with pinned connections and cast-in-place shear walls", "precast"),
    ("on-tek-katli-mafsalli", "Çatı bağlantıları mafsallı tek katlı önüretimli kolonlu sistem (h ≤ 12 m)",
     "Single-storey precast columns with pinned roof connections (h ≤ 12 m)", "precast"),
    ("on-cift-cidarli-panel", "Önüretimli düşey çift cidarlı panelli sistem", "Precast double-wall panel system",
     "precast"),
    ("on-tek-cidarli-panel", "Önüretimli düşey tek cidarlı panelli sistem", "Precast single-wall panel system",
     "precast"),
    ("celik-cerceve", "Çelik moment aktaran çerçeveli sistem", "Steel moment-resisting frames", "steel"),
    ("celik-dismerkez-caprazli", "Çelik dışmerkez veya burkulması önlenmiş çaprazlı çerçeveli sistem",
     "Steel eccentrically braced or buckling-restrained braced frames", "steel"),
    ("celik-merkezi-caprazli", "Çelik merkezi çaprazlı çerçeveli sistem", "Steel concentrically braced frames",
     "steel"),
    ("celik-cerceve-dismerkez", "Çelik çerçeve + dışmerkez / burkulması önlenmiş çaprazlı çerçeve veya bağ "
     "kirişli betonarme perde", "Steel frames with eccentric or buckling-restrained braced frames, or coupled "
     "RC walls", "steel"),
    ("celik-cerceve-merkezi", "Çelik çerçeve + merkezi çaprazlı çerçeve veya boşluksuz betonarme perde",
     "Steel frames with concentrically braced frames or solid RC walls", "steel"),
    ("celik-tek-katli-mafsalli", "Çatı bağlantıları mafsallı tek katlı çelik kolonlu sistem (h ≤ 12 m)",
     "Single-storey steel columns with pinned roof connections (h ≤ 12 m)", "steel"),
    ("hafif-celik-panel", "Hafif çelik panelli sistem", "Light-gauge steel panel system", "light_steel"),
    ("yigma-donatili", "Donatılı yığma", "Reinforced masonry", "masonry"),
    ("gazbeton-panel", "Donatılı gazbeton panelli sistem", "Reinforced autoclaved aerated concrete panels",
     "masonry"),
    ("yigma-kusatilmis", "Kuşatılmış yığma", "Confined masonry", "masonry"),
    ("yigma-donatisiz", "Donatısız yığma", "Unreinforced masonry", "masonry"),
    ("ahsap-panel", "Ahşap panelli / çaprazlı sistem", "Timber panel / braced system", "timber"),
]

_MAB_HIGH = "MAB1, MAB2 tipi bağlantılar; MAB3, MAB4 tipi bağlantılarda R = 5 (BYS ≥ 6)"
_MAB_MIXED = "MAB1, MAB2 tipi bağlantılar; MAB3, MAB4 tipi bağlantılarda R = 4 (BYS ≥ 6)"

# (earthquake code, system, ductility or None, R, D, clause, permitted height classes, note)
SUPERSTRUCTURE_FACTORS = [
    # TBDY 2018, Tablo 4.1
    (TBDY, "rc-cerceve", "high", 8, 3, "Tablo 4.1 A11", "BYS ≥ 3", ""),
    (TBDY, "rc-cerceve", "limited", 4, 2.5, "Tablo 4.1 A31", "BYS ≥ 7", "Yalnız DTS = 3, 3a, 4, 4a"),
    (TBDY, "rc-bag-kirisli-perde", "high", 7, 2.5, "Tablo 4.1 A12", "BYS ≥ 2", ""),
    (TBDY, "rc-perde", "high", 6, 2.5, "Tablo 4.1 A13", "BYS ≥ 2", ""),
    (TBDY, "rc-perde", "limited", 4, 2, "Tablo 4.1 A32", "BYS ≥ 6", ""),
    (TBDY, "rc-cerceve-bag-kirisli-perde", "high", 8, 2.5, "Tablo 4.1 A14", "BYS ≥ 2", ""),
    (TBDY, "rc-cerceve-bag-kirisli-perde", "mixed", 6, 2.5, "Tablo 4.1 A21", "BYS ≥ 4", ""),
    (TBDY, "rc-cerceve-perde", "high", 7, 2.5, "Tablo 4.1 A15", "BYS ≥ 2", ""),
    (TBDY, "rc-cerceve-perde", "mixed", 5, 2.5, "Tablo 4.1 A22", "BYS ≥ 4", ""),
    (TBDY, "rc-cerceve-perde", "limited", 4, 2, "Tablo 4.1 A33", "BYS ≥ 6", ""),
    (TBDY, "rc-disli-cerceve-bag-kirisli-perde", "mixed", 6, 2.5, "Tablo 4.1 A23", "BYS ≥ 6", ""),
    (TBDY, "rc-disli-cerceve-perde", "mixed", 5, 2.5, "Tablo 4.1 A24", "BYS ≥ 6", ""),
    (TBDY, "rc-tek-katli-mafsalli", "high", 3, 2, "Tablo 4.1 A16", "", ""),
    (TBDY, "on-cerceve", "high", 7, 2.5, "Tablo 4.1 B11", "BYS ≥ 4", _MAB_HIGH),
    (TBDY, "on-cerceve", "limited", 3, 2, "Tablo 4.1 B31", "BYS = 8", ""),
    (TBDY, "on-cerceve-bag-kirisli-perde", "high", 7, 2.5, "Tablo 4.1 B12", "BYS ≥ 2", _MAB_HIGH),
    (TBDY, "on-cerceve-bag-kirisli-perde", "mixed", 5, 2.5, "Tablo 4.1 B21", "BYS ≥ 5", _MAB_MIXED),
    (TBDY, "on-cerceve-perde", "high", 6, 2.5, "Tablo 4.1 B13", "BYS ≥ 2", _MAB_HIGH),
    (TBDY, "on-cerceve-perde", "mixed", 5, 2.5, "Tablo 4.1 B21", "BYS ≥ 5", _MAB_MIXED),
    (TBDY, "on-cerceve-perde", "limited", 3, 2, "Tablo 4.1 B32", "BYS ≥ 7", ""),
    (TBDY, "on-mafsalli-cerceve-perde", "high", 4, 2, "Tablo 4.1 B14", "BYS ≥ 7", ""),
    (TBDY, "on-tek-katli-mafsalli", "high", 3, 2, "Tablo 4.1 B15", "", ""),
    (TBDY, "on-cift-cidarli-panel", "limited", 4, 2, "Tablo 4.1 B33", "BYS ≥ 6", ""),
    (TBDY, "on-tek-cidarli-panel", "limited", 3, 2, "Tablo 4.1 B34", "BYS ≥ 7", ""),
    (TBDY, "celik-cerceve", "high", 8, 3, "Tablo 4.1 C11", "BYS ≥ 3", ""),
    (TBDY, "celik-cerceve", "limited", 4, 2.5, "Tablo 4.1 C31", "BYS ≥ 7", "Yalnız DTS = 3, 3a, 4, 4a"),
    (TBDY, "celik-dismerkez-caprazli", "high", 8, 2.5, "Tablo 4.1 C12", "BYS ≥ 2", ""),
    (TBDY, "celik-merkezi-caprazli", "high", 5, 2, "Tablo 4.1 C13", "BYS ≥ 4", ""),
    (TBDY, "celik-merkezi-caprazli", "limited", 3, 2, "Tablo 4.1 C32", "BYS = 8", ""),
    (TBDY, "celik-cerceve-dismerkez", "high", 8, 3, "Tablo 4.1 C14", "BYS ≥ 2", ""),
    (TBDY, "celik-cerceve-dismerkez", "mixed", 6, 2.5, "Tablo 4.1 C21", "BYS ≥ 4", ""),
    (TBDY, "celik-cerceve-merkezi", "high", 6, 2.5, "Tablo 4.1 C15", "BYS ≥ 2", ""),
    (TBDY, "celik-cerceve-merkezi", "mixed", 5, 2, "Tablo 4.1 C22", "BYS ≥ 4", ""),
    (TBDY, "celik-cerceve-merkezi", "limited", 4, 2, "Tablo 4.1 C33", "BYS ≥ 7", ""),
    (TBDY, "celik-tek-katli-mafsalli", "high", 4, 2, "Tablo 4.1 C16", "", ""),
    (TBDY, "hafif-celik-panel", "high", 4, 2, "Tablo 4.1 D1", "BYS = 8", ""),
    (TBDY, "hafif-celik-panel", "limited", 3, 2, "Tablo 4.1 D2", "BYS = 8", ""),
    (TBDY, "yigma-donatili", "high", 4, 2, "Tablo 4.1 E11", "BYS ≥ 7", ""),
    (TBDY, "gazbeton-panel", "high", 4, 2, "Tablo 4.1 E12", "BYS ≥ 7", ""),
    (TBDY, "yigma-kusatilmis", "limited", 3, 2, "Tablo 4.1 E21", "BYS = 8", ""),
    (TBDY, "yigma-donatisiz", "limited", 2.5, 1.5, "Tablo 4.1 E22", "BYS = 8", ""),
    (TBDY, "ahsap-panel", "high", 4, 2, "Tablo 4.1 F1", "BYS ≥ 7", ""),
    (TBDY, "ahsap-panel", "limited", 3, 2, "Tablo 4.1 F2", "BYS = 8", ""),
    # DBYBHY 2007, Tablo 2.5 (no overstrength factor D in this code)
    (DBY, "rc-cerceve", "high", 8, None, "Tablo 2.5 (1.1)", "", ""),
    (DBY, "rc-cerceve", "limited", 4, None, "Tablo 2.5 (1.1)", "", ""),
    (DBY, "rc-bag-kirisli-perde", "high", 7, None, "Tablo 2.5 (1.2)", "", ""),
    (DBY, "rc-bag-kirisli-perde", "limited", 4, None, "Tablo 2.5 (1.2)", "", ""),
    (DBY, "rc-perde", "high", 6, None, "Tablo 2.5 (1.3)", "", ""),
    (DBY, "rc-perde", "limited", 4, None, "Tablo 2.5 (1.3)", "", ""),
    (DBY, "rc-cerceve-bag-kirisli-perde", "high", 7, None, "Tablo 2.5 (1.4)", "", ""),
    (DBY, "rc-cerceve-bag-kirisli-perde", "limited", 4, None, "Tablo 2.5 (1.4)", "", ""),
    (DBY, "rc-cerceve-perde", "high", 7, None, "Tablo 2.5 (1.4)", "", ""),
    (DBY, "rc-cerceve-perde", "limited", 4, None, "Tablo 2.5 (1.4)", "", ""),
    (DBY, "on-cerceve", "high", 7, None, "Tablo 2.5 (2.1)", "", ""),
    (DBY, "on-cerceve", "limited", 3, None, "Tablo 2.5 (2.1)", "", ""),
    (DBY, "on-tek-katli-mafsalli", "high", 3, None, "Tablo 2.5 (2.2)", "", ""),
    (DBY, "on-mafsalli-cerceve-perde", "high", 5, None, "Tablo 2.5 (2.3)", "", ""),
    (DBY, "on-cerceve-bag-kirisli-perde", "high", 6, None, "Tablo 2.5 (2.4)", "", ""),
    (DBY, "on-cerceve-bag-kirisli-perde", "limited", 3, None, "Tablo 2.5 (2.4)", "", ""),
    (DBY, "on-cerceve-perde", "high", 6, None, "Tablo 2.5 (2.4)", "", ""),
    (DBY, "on-cerceve-perde", "limited", 3, None, "Tablo 2.5 (2.4)", "", ""),
    (DBY, "celik-cerceve", "high", 8, None, "Tablo 2.5 (3.1)", "", ""),
    (DBY, "celik-cerceve", "limited", 5, None, "Tablo 2.5 (3.1)", "", ""),
    (DBY, "celik-tek-katli-mafsalli", "high", 6, None, "Tablo 2.5 (3.2)", "", ""),
    (DBY, "celik-tek-katli-mafsalli", "limited", 4, None, "Tablo 2.5 (3.2)", "", ""),
    (DBY, "celik-merkezi-caprazli", "high", 5, None, "Tablo 2.5 (3.3a)", "", ""),
    (DBY, "celik-merkezi-caprazli", "limited", 4, None, "Tablo 2.5 (3.3a)", "", ""),
    (DBY, "celik-dismerkez-caprazli", "high", 7, None, "Tablo 2.5 (3.3b)", "", ""),
    (DBY, "celik-cerceve-merkezi", "high", 6, None, "Tablo 2.5 (3.4a)", "", ""),
    (DBY, "celik-cerceve-merkezi", "limited", 5, None, "Tablo 2.5 (3.4a)", "", ""),
    (DBY, "celik-cerceve-dismerkez", "high", 8, None, "Tablo 2.5 (3.4b)", "", ""),
    (DBY, "yigma-donatisiz", None, 2.5, None, "Bölüm 5", "", "Yığma binalarda süneklik düzeyinden bağımsız"),
]

SLAB_SYSTEMS = [
    ("kirisli-plak", "Kirişli plak döşeme", "Beam-supported solid slab"),
    ("tek-dogrultulu-plak", "Tek doğrultuda çalışan plak döşeme", "One-way solid slab"),
    ("disli", "Dişli döşeme (tek doğrultulu)", "One-way joist (ribbed) slab"),
    ("asmolen", "Asmolen döşeme (dolgulu dişli)", "Joist slab with filler blocks (asmolen)"),
    ("kaset", "Kaset (iki doğrultulu dişli) döşeme", "Two-way ribbed (waffle) slab"),
    ("kirissiz", "Kirişsiz (düz) döşeme", "Flat plate"),
    ("mantar", "Mantar döşeme (başlıklı / tablalı)", "Flat slab with drop panels or column capitals"),
    ("ardgermeli", "Ardgermeli döşeme", "Post-tensioned slab"),
    ("kompozit", "Kompozit döşeme (trapez sac + beton)", "Composite slab (profiled steel deck + concrete)"),
    ("onuretimli-bosluklu", "Önüretimli boşluklu döşeme plağı", "Precast hollow-core slab"),
    ("ahsap", "Ahşap döşeme", "Timber floor"),
]

FOUNDATION_SYSTEMS = [
    ("tekil", "Tekil temel", "Isolated (pad) footing"),
    ("bag-kirisli-tekil", "Bağ kirişli tekil temel", "Isolated footings with tie beams"),
    ("surekli", "Sürekli (mütemadi) temel", "Continuous (strip) footing"),
    ("izgara", "Izgara (iki doğrultulu sürekli) temel", "Grid foundation (two-way strip footings)"),
    ("kirisli-radye", "Kirişli radye temel", "Raft foundation with beams"),
    ("kirissiz-radye", "Kirişsiz (düz) radye temel", "Flat raft foundation"),
    ("kazikli", "Kazıklı temel", "Pile foundation"),
    ("kazikli-radye", "Kazıklı radye temel", "Piled raft foundation"),
    ("duvar-alti", "Duvar altı temeli", "Wall footing"),
    ("mevcut", "Mevcut temel (değişiklik yok)", "Existing foundation (unchanged)"),
]

FEE_TYPES = [
    ("asgari-tarife", "Asgari ücret tarifesine göre (tam ücret)", "Minimum fee tariff (full fee)"),
    ("tip-proje", "Tekrarlanan tip proje (indirimli ücret)", "Repeated standard design (reduced fee)"),
    ("tadilat-revizyon", "Tadilat / revizyon ücreti", "Alteration / revision fee"),
    ("guclendirme", "Güçlendirme projesi ücreti", "Retrofit project fee"),
    ("yasallastirma", "Mevcut yapı (yasallaştırma) ücreti", "Existing building (legalisation) fee"),
    ("kamu", "Kamu kurumu projesi", "Public-sector project"),
]

# (code, Turkish, English, several files allowed, most pages per file)
DOCUMENT_TYPES = [
    ("proje-paftalari", "Proje paftaları (statik proje çizimleri)", "Project drawings (structural drawing sheets)",
     True, None),
    ("tapu-kocani", "Tapu koçanı", "Title deed", True, None),
    ("tapu-vaziyet-plani", "Tapu vaziyet planı", "Title site plan", True, None),
    ("istatistik-formu", "İstatistik formu", "Statistics form", False, 4),
    ("proje-sozlesmesi", "İmzalı proje sözleşmesi ve ekleri", "Signed project contract and annexes", True, None),
    ("teknik-sartname", "Teknik şartname", "Technical specification", False, None),
    ("statik-hesap", "Statik rapor / statik hesap", "Static report / structural calculations", True, None),
    ("mimari-proje", "Mimari proje", "Architectural project", True, None),
    ("zemin-etudu", "Zemin etüt raporu", "Geotechnical investigation report", False, None),
    ("onayli-mevcut-proje", "Mevcut yapının onaylı (vizeli) projesi",
     "Approved (visa'd) project of the existing building", True, None),
    ("mevcut-malzeme-raporu", "Mevcut malzeme raporu (karot, donatı tespiti)",
     "Existing material report (cores, reinforcement survey)", True, None),
    ("performans-raporu", "Deprem performans değerlendirme raporu", "Seismic performance assessment report",
     False, None),
    ("fotograflar", "Mevcut yapının fotoğrafları", "Photographs of the existing building", True, 30),
    ("diger-kurum-belgeleri", "Diğer kurumlardan alınan belgeler", "Documents from other institutions", True,
     None),
]

_BASE_DOCUMENTS = {
    "proje-paftalari": True, "tapu-kocani": True, "tapu-vaziyet-plani": True, "istatistik-formu": True,
    "proje-sozlesmesi": True, "teknik-sartname": True, "statik-hesap": True, "mimari-proje": True,
    "diger-kurum-belgeleri": False,
}

# {work type: {document type: required}}; a document type missing for a work type is not asked for.
DOCUMENT_REQUIREMENTS = {
    "yeni-yapi": {**_BASE_DOCUMENTS, "zemin-etudu": True},
    "ek-yapi": {**_BASE_DOCUMENTS, "zemin-etudu": True, "onayli-mevcut-proje": True,
                "mevcut-malzeme-raporu": False, "performans-raporu": False, "fotograflar": False},
    "kat-ilavesi": {**_BASE_DOCUMENTS, "zemin-etudu": False, "onayli-mevcut-proje": True,
                    "mevcut-malzeme-raporu": True, "performans-raporu": True, "fotograflar": True},
    "tadilat": {**_BASE_DOCUMENTS, "zemin-etudu": False, "onayli-mevcut-proje": True,
                "mevcut-malzeme-raporu": False, "performans-raporu": False, "fotograflar": False},
    "guclendirme": {**_BASE_DOCUMENTS, "zemin-etudu": False, "onayli-mevcut-proje": False,
                    "mevcut-malzeme-raporu": True, "performans-raporu": True, "fotograflar": True},
    "yasallastirma": {**_BASE_DOCUMENTS, "zemin-etudu": False, "onayli-mevcut-proje": False,
                      "mevcut-malzeme-raporu": True, "performans-raporu": True, "fotograflar": True},
    "proje-revizyonu": {**_BASE_DOCUMENTS, "zemin-etudu": False, "onayli-mevcut-proje": True},
}


# --- loading -------------------------------------------------------------------------------------------


def _simple(model, rows, extra=None):
    """Rows of (code, Turkish, English); `extra` gives more field values by code."""
    for index, (code, name_tr, name_en) in enumerate(rows, start=1):
        model.objects.update_or_create(
            code=code,
            defaults={"name_tr": name_tr, "name_en": name_en, "is_active": True, "sort_order": index * 10,
                      **(extra or {}).get(code, {})},
        )


def load_reference_data(apps, schema_editor):
    get = lambda name: apps.get_model("catalog", name)  # noqa: E731

    District, Village, Municipality = get("District"), get("Village"), get("Municipality")
    _simple(District, DISTRICTS)
    districts = {d.code: d for d in District.objects.all()}
    for district_code, names in VILLAGES.items():
        for index, name in enumerate(sorted(names, key=turkish_key), start=1):
            Village.objects.update_or_create(
                code=code_of(name),
                defaults={"name_tr": name, "name_en": name, "district": districts[district_code],
                          "is_active": True, "sort_order": index * 10},
            )
    for index, (code, name_tr, name_en, district_code) in enumerate(
        sorted(MUNICIPALITIES, key=lambda row: turkish_key(row[1])), start=1
    ):
        Municipality.objects.update_or_create(
            code=code,
            defaults={"name_tr": name_tr, "name_en": name_en, "is_active": True, "sort_order": index * 10,
                      "district": districts[district_code] if district_code else None},
        )

    _simple(get("WorkType"), [row[:3] for row in WORK_TYPES],
            extra={row[0]: {"involves_existing_building": row[3]} for row in WORK_TYPES})
    _simple(get("ProjectType"), PROJECT_TYPES)
    _simple(get("BuildingCharacteristic"), BUILDING_CHARACTERISTICS)
    _simple(get("PurposeOfUse"), PURPOSES_OF_USE)
    _simple(get("BuildingClass"), BUILDING_CLASSES)
    _simple(get("StructuralElement"), STRUCTURAL_ELEMENTS)
    _simple(get("ConcreteClass"), [(code_of(name), name, name) for name, _, _ in CONCRETE_CLASSES],
            extra={code_of(name): {"fck": D(fck), "fck_cube": D(cube)} for name, fck, cube in CONCRETE_CLASSES})
    _simple(get("ReinforcingSteel"), [row[:3] for row in REINFORCING_STEELS],
            extra={row[0]: {"fyk": D(row[3])} for row in REINFORCING_STEELS})
    _simple(get("StructuralSteel"), [(code, name, name) for code, name, _, _ in STRUCTURAL_STEELS],
            extra={code: {"fy": D(fy), "fu": D(fu)} for code, _, fy, fu in STRUCTURAL_STEELS})

    _simple(get("EarthquakeCode"), [row[:3] for row in EARTHQUAKE_CODES],
            extra={row[0]: {"year": row[3]} for row in EARTHQUAKE_CODES})
    codes = {c.code: c for c in get("EarthquakeCode").objects.all()}
    CoefficientKind = get("CoefficientKind")
    _simple(CoefficientKind, [row[:3] for row in COEFFICIENT_KINDS], extra={
        row[0]: {"symbol": row[3], "unit": row[4], "input_type": row[5], "min_value": D(row[6]),
                 "max_value": D(row[7])}
        for row in COEFFICIENT_KINDS
    })
    kinds = {k.code: k for k in CoefficientKind.objects.all()}
    for row in COEFFICIENT_KINDS:
        kinds[row[0]].earthquake_codes.add(*(codes[c] for c in row[8]))
    CoefficientOption = get("CoefficientOption")
    for (eq_code, kind_code), options in COEFFICIENT_OPTIONS.items():
        for index, (suffix, name_tr, name_en, value) in enumerate(options, start=1):
            CoefficientOption.objects.update_or_create(
                code=f"{eq_code}-{kind_code}-{suffix}",
                defaults={"name_tr": name_tr, "name_en": name_en, "earthquake_code": codes[eq_code],
                          "kind": kinds[kind_code], "value": D(value), "is_active": True,
                          "sort_order": index * 10},
            )

    SystemFeature = get("SystemFeature")
    _simple(SystemFeature, [row[:3] for row in SYSTEM_FEATURES],
            extra={row[0]: {"group": row[3]} for row in SYSTEM_FEATURES})
    _simple(get("DuctilityLevel"), DUCTILITY_LEVELS)
    levels = {d.code: d for d in get("DuctilityLevel").objects.all()}
    SuperstructureSystem = get("SuperstructureSystem")
    _simple(SuperstructureSystem, [row[:3] for row in SUPERSTRUCTURE_SYSTEMS],
            extra={row[0]: {"material": row[3]} for row in SUPERSTRUCTURE_SYSTEMS})
    systems = {s.code: s for s in SuperstructureSystem.objects.all()}
    SuperstructureFactor = get("SuperstructureFactor")
    for eq_code, system_code, level_code, r, d, clause, height, note in SUPERSTRUCTURE_FACTORS:
        SuperstructureFactor.objects.update_or_create(
            earthquake_code=codes[eq_code],
            system=systems[system_code],
            ductility_level=levels[level_code] if level_code else None,
            defaults={"r": D(r), "d": D(d), "clause": clause, "height_class_limit": height, "note": note,
                      "is_active": True},
        )

    _simple(get("SlabSystem"), SLAB_SYSTEMS)
    _simple(get("FoundationSystem"), FOUNDATION_SYSTEMS)
    _simple(get("FeeType"), FEE_TYPES)

    DocumentType = get("DocumentType")
    _simple(DocumentType, [row[:3] for row in DOCUMENT_TYPES],
            extra={row[0]: {"allows_multiple": row[3], "max_pages": row[4]} for row in DOCUMENT_TYPES})
    document_types = {d.code: d for d in DocumentType.objects.all()}
    work_types = {w.code: w for w in get("WorkType").objects.all()}
    DocumentRequirement = get("DocumentRequirement")
    for work_code, documents in DOCUMENT_REQUIREMENTS.items():
        for document_code, required in documents.items():
            DocumentRequirement.objects.update_or_create(
                work_type=work_types[work_code],
                document_type=document_types[document_code],
                defaults={"required": required},
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]
