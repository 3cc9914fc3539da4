import datetime

import pytest
from django.utils import translation

from evize.audit.models import AuditEvent
from evize.registry.models import Member
from evize.registry.services import MemberFileError, member_import, read_member_file
from evize.registry.tests.factories import MemberFactory, make_tckn
from evize.registry.tests.helpers import TR_HEADER, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def tr_row(
    sicil, first, last, national_id, email, phone="", status="aktif", dues="31.12.2027", office=("", "", "")
):
    return [sicil, first, last, national_id, email, phone, status, dues, *office]


def run(path, actor=None):
    return member_import(actor=actor, rows=read_member_file(path), source=path.name)


def events(action):
    return AuditEvent.objects.filter(action=action)


def by_row(report):
    return {result.row: result for result in report.results}


def test_csv_good_rows_imported_and_each_bad_row_reported(tmp_path):
    MemberFactory(sicil_no="9000", email="mevcut@example.org")
    rows = [
        TR_HEADER,
        tr_row(
            "2001",
            "Ayşe",
            "Yılmaz",
            make_tckn(1),
            "ayse@example.org",
            "+90 533 861 24 17",
            office=("VD-1", "Yılmaz Statik", "B-1"),
        ),
        tr_row("2002", "Bad", "Checksum", "12345678951", "b1@example.org"),
        tr_row("2003", "Bad", "Format", "12A45", "b2@example.org"),
        tr_row("2004", "Used", "Email", make_tckn(4), "MEVCUT@example.org"),
        tr_row(
            "2005", "Mehmet", "Şahin", make_tckn(5), "mehmet@example.org", status="askıda", dues="2027-06-30"
        ),
        tr_row("2006", "Twice", "Email", make_tckn(6), "mehmet@example.org"),
        tr_row("2005", "Twice", "Sicil", make_tckn(7), "b7@example.org"),
        tr_row("2008", "NoSurname", "", make_tckn(8), "b8@example.org"),
        tr_row("2009", "Bad", "Email", make_tckn(9), "not-an-email"),
        tr_row("2010", "Bad", "Status", make_tckn(10), "b10@example.org", status="emekli"),
        tr_row("2011", "Bad", "Date", make_tckn(11), "b11@example.org", dues="31.02.2027"),
        [""] * 11,  # a blank line: skipped, not reported
        tr_row("2013", "Özlem", "Çelik", "4251973", "ozlem@example.org", status="vefat", dues=""),
    ]
    report = run(write_csv(tmp_path / "uyeler.csv", rows))

    results = by_row(report)
    assert report.counts == {"total": 12, "created": 3, "updated": 0, "unchanged": 0, "rejected": 9}
    assert [r for r, res in results.items() if res.outcome == "created"] == [2, 6, 14]
    assert 13 not in results
    assert "checksum" in results[3].reason
    assert "digits only" in results[4].reason
    assert "ayse" not in results[5].reason and "already used by another member" in results[5].reason
    assert "appears twice in the file (also in row 6)" in results[7].reason
    assert "registry number 2005 appears twice in the file (also in row 6)" in results[8].reason
    assert "Required field missing: surname" in results[9].reason
    assert "not-an-email is not valid" in results[10].reason
    assert "Unknown status emekli" in results[11].reason
    assert "The date 31.02.2027 is not valid" in results[12].reason

    assert set(Member.objects.values_list("sicil_no", flat=True)) == {"9000", "2001", "2005", "2013"}
    ayse = Member.objects.get(sicil_no="2001")
    assert (ayse.first_name, ayse.last_name, ayse.national_id) == ("Ayşe", "Yılmaz", make_tckn(1))
    assert (ayse.email, ayse.phone, ayse.status) == ("ayse@example.org", "+90 533 861 24 17", "active")
    assert ayse.dues_paid_until == datetime.date(2027, 12, 31)
    assert (ayse.office_tax_no, ayse.office_name, ayse.office_registration_no) == (
        "VD-1",
        "Yılmaz Statik",
        "B-1",
    )
    mehmet = Member.objects.get(sicil_no="2005")
    assert mehmet.status == Member.Status.SUSPENDED
    assert mehmet.dues_paid_until == datetime.date(2027, 6, 30)
    ozlem = Member.objects.get(sicil_no="2013")
    assert (ozlem.national_id, ozlem.status, ozlem.dues_paid_until) == ("4251973", "deceased", None)

    created = events("evize.registry.member_created")
    assert sorted(e.object_id for e in created) == sorted(str(m.pk) for m in (ayse, mehmet, ozlem))
    assert created.get(object_id=str(ayse.pk)).data["source"] == "import"
    assert not events("evize.registry.member_updated").exists()
    summary = events("evize.registry.import_completed").get()
    assert summary.data["source"] == "uyeler.csv"
    assert summary.data["created"] == 3 and summary.data["rejected"] == 9 and summary.data["total"] == 12


def test_several_problems_in_one_row_are_all_reported(tmp_path):
    rows = [TR_HEADER, tr_row("", "Ali", "Veli", "123", "x@", status="?", dues="dün")]
    (result,) = run(write_csv(tmp_path / "u.csv", rows)).results
    assert result.outcome == "rejected"
    assert "Required field missing: registry number" in result.reason
    assert "11 digits" in result.reason
    assert "x@ is not valid" in result.reason
    assert "Unknown status ?" in result.reason
    assert "The date dün is not valid" in result.reason


def test_english_headers_any_case_comma_delimiter_no_bom(tmp_path):
    rows = [
        [
            "SICIL_NO",
            "first_name",
            "Last_Name",
            "National_ID",
            "EMAIL",
            "phone",
            "Status",
            "dues_paid_until",
            "office_tax_no",
            "office_name",
            "office_registration_no",
            "Notes",
        ],
        [
            "3001",
            "Hüseyin",
            "Öztürk",
            make_tckn(31),
            "huseyin@example.org",
            "+90 542 000 11 22",
            "Suspended",
            "2026-12-31",
            "",
            "Öztürk, Yapı ve Statik",
            "B-9",
            "not imported",
        ],
        [
            "3002",
            "Gülşen",
            "Erdoğan",
            make_tckn(32),
            "gulsen@example.org",
            "",
            "RESIGNED",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    report = run(write_csv(tmp_path / "members.csv", rows, delimiter=",", bom=False))
    assert report.created == 2 and report.rejected == 0
    assert report.ignored_columns == ["Notes"]
    huseyin = Member.objects.get(sicil_no="3001")
    assert huseyin.office_name == "Öztürk, Yapı ve Statik"
    assert huseyin.status == "suspended" and huseyin.dues_paid_until == datetime.date(2026, 12, 31)
    assert Member.objects.get(sicil_no="3002").status == "resigned"


@pytest.mark.parametrize(
    "header",
    [
        ["sicil no", "AD", "SOYAD", "T.C. Kimlik No", "e-posta", "DURUM"],
        ["SİCİL NO", "Adı", "Soyadı", "TCKN", "E-Posta Adresi", "Üyelik Durumu"],
    ],
)
@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("AKTİF", "active"),
        ("Askıda", "suspended"),
        ("ASKIDA", "suspended"),
        ("İstifa", "resigned"),
        ("VEFAT", "deceased"),
        ("Deceased", "deceased"),
    ],
)
def test_turkish_headers_and_status_values_case_insensitive(tmp_path, header, value, status):
    rows = [header, ["4001", "Çağrı", "Güneş", make_tckn(41), "cagri@example.org", value]]
    report = run(write_csv(tmp_path / "u.csv", rows))
    assert report.created == 1, report.results[0].reason
    assert Member.objects.get(sicil_no="4001").status == status


def test_xlsx_with_typed_cells(tmp_path):
    national_id = make_tckn(51)
    rows = [
        TR_HEADER,
        # sicil and national ID typed as numbers, the date as a date cell
        [
            5001,
            "Ayşe",
            "Yılmaz",
            int(national_id),
            "Ayse.Yilmaz@Example.org",
            "+90 533 111 22 33",
            "aktif",
            datetime.datetime(2027, 12, 31),  # noqa: DTZ001 - Excel cells are naive
            None,
            None,
            None,
        ],
        [
            5002.0,
            "Mehmet",
            "Şahin",
            float(make_tckn(52)),
            "mehmet@example.org",
            None,
            None,
            datetime.date(2027, 1, 15),
            "VD-77",
            "Şahin Mühendislik",
            "B-77",
        ],
        [5003, "Bad", "Id", 12345678951, "bad@example.org", None, "aktif", "15.01.2027", None, None, None],
        [5004, "Bad", "Date", int(make_tckn(54)), "bd@example.org", None, "aktif", 45000, None, None, None],
    ]
    report = run(write_xlsx(tmp_path / "uyeler.xlsx", rows))
    results = by_row(report)
    assert [results[n].outcome for n in (2, 3, 4, 5)] == ["created", "created", "rejected", "rejected"]
    assert "checksum" in results[4].reason
    assert "The date 45000 is not valid" in results[5].reason
    ayse = Member.objects.get(sicil_no="5001")
    assert ayse.national_id == national_id
    assert ayse.email == "ayse.yilmaz@example.org"
    assert ayse.dues_paid_until == datetime.date(2027, 12, 31)
    mehmet = Member.objects.get(sicil_no="5002")
    assert mehmet.national_id == make_tckn(52)
    assert mehmet.status == "active" and mehmet.phone == ""
    assert mehmet.office_name == "Şahin Mühendislik"


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    rows = [
        TR_HEADER,
        tr_row(
            "6001",
            "Ayşe",
            "Yılmaz",
            make_tckn(61),
            "ayse@example.org",
            "+90 533 1",
            office=("V", "Büro", "T"),
        ),
        tr_row("6002", "Mehmet", "Şahin", make_tckn(62), "mehmet@example.org", status="istifa", dues=""),
        tr_row("6003", "Bad", "Row", "1", "bad@example.org"),
    ]
    path = write_csv(tmp_path / "u.csv", rows)
    first = run(path)
    assert (first.created, first.rejected) == (2, 1)
    before = {m.sicil_no: m.updated_at for m in Member.objects.all()}

    second = run(path)
    assert [r.outcome for r in second.results] == ["unchanged", "unchanged", "rejected"]
    assert {m.sicil_no: m.updated_at for m in Member.objects.all()} == before
    assert not events("evize.registry.member_updated").exists()
    assert events("evize.registry.member_created").count() == 2
    assert events("evize.registry.import_completed").count() == 2


def test_update_changes_only_changed_fields_and_audits_them(tmp_path, engineer):
    member = MemberFactory(
        sicil_no="7001",
        first_name="Ayşe",
        last_name="Yılmaz",
        email="ayse@example.org",
        phone="+90 533 1",
        status="active",
        dues_paid_until=datetime.date(2026, 12, 31),
        office_name="Eski Büro",
        office_tax_no="V-1",
        office_registration_no="T-1",
    )
    untouched = MemberFactory(sicil_no="7002")  # not in the file: kept as it is
    header = ["Sicil No", "Ad", "Soyad", "TC Kimlik No", "E-posta", "Durum", "Aidat Ödeme Tarihi", "Büro Adı"]
    rows = [
        header,
        ["7001", "Ayşe", "Yılmaz", member.national_id, "ayse@example.org", "askıda", "31.12.2027", ""],
    ]
    report = run(write_csv(tmp_path / "u.csv", rows), actor=engineer)

    (result,) = report.results
    assert result.outcome == "updated"
    assert sorted(result.changed) == ["dues_paid_until", "office_name", "status"]
    assert sorted(result.changed_labels) == ["dues paid until", "office name", "status"]
    member.refresh_from_db()
    assert member.status == "suspended" and member.dues_paid_until == datetime.date(2027, 12, 31)
    assert member.office_name == ""
    # columns absent from the file are left alone
    assert (member.phone, member.office_tax_no, member.office_registration_no) == ("+90 533 1", "V-1", "T-1")
    assert Member.objects.filter(pk=untouched.pk).exists()

    event = events("evize.registry.member_updated").get()
    assert event.object_id == str(member.pk)
    assert event.actor == engineer
    assert event.data == {
        "source": "import",
        "changed": {
            "status": {"old": "active", "new": "suspended"},
            "dues_paid_until": {"old": "2026-12-31", "new": "2027-12-31"},
            "office_name": {"old": "Eski Büro", "new": ""},
        },
    }
    assert events("evize.registry.import_completed").get().data["updated"] == 1


def test_empty_status_keeps_the_current_status(tmp_path):
    MemberFactory(sicil_no="7101", status="suspended", email="a@example.org", national_id=make_tckn(71))
    rows = [TR_HEADER[:7], ["7101", "Ayşe", "Yılmaz", make_tckn(71), "a@example.org", "", ""]]
    report = run(write_csv(tmp_path / "u.csv", rows))
    assert report.results[0].outcome in {"updated", "unchanged"}
    assert "status" not in report.results[0].changed
    assert Member.objects.get(sicil_no="7101").status == "suspended"


def test_changing_email_to_one_of_another_member_is_refused(tmp_path):
    MemberFactory(sicil_no="7201", email="bir@example.org", national_id=make_tckn(72))
    MemberFactory(sicil_no="7202", email="iki@example.org")
    rows = [TR_HEADER[:5], ["7201", "Ayşe", "Yılmaz", make_tckn(72), "Iki@Example.org"]]
    (result,) = run(write_csv(tmp_path / "u.csv", rows)).results
    assert result.outcome == "rejected"
    assert "iki@example.org is already used by another member" in result.reason
    assert Member.objects.get(sicil_no="7201").email == "bir@example.org"


def test_too_long_value_is_refused(tmp_path):
    rows = [TR_HEADER[:6], ["7301", "Ayşe", "Yılmaz", make_tckn(73), "a@example.org", "9" * 31]]
    (result,) = run(write_csv(tmp_path / "u.csv", rows)).results
    assert result.outcome == "rejected" and "phone is too long" in result.reason


def test_a_failing_row_does_not_undo_the_others(tmp_path, monkeypatch):
    from evize.registry import services

    real_create = services.member_create

    def flaky_create(*, actor, member, source):
        if member.sicil_no == "7402":
            from django.db import IntegrityError

            member.save()  # written, then the row fails: its savepoint must undo it
            raise IntegrityError("simulated race")
        return real_create(actor=actor, member=member, source=source)

    monkeypatch.setattr(services, "member_create", flaky_create)
    rows = [
        TR_HEADER[:5],
        ["7401", "Bir", "Üye", make_tckn(741), "bir@example.org"],
        ["7402", "İki", "Üye", make_tckn(742), "iki@example.org"],
        ["7403", "Üç", "Üye", make_tckn(743), "uc@example.org"],
    ]
    report = run(write_csv(tmp_path / "u.csv", rows))
    assert [r.outcome for r in report.results] == ["created", "rejected", "created"]
    assert "could not be saved" in report.results[1].reason
    assert set(Member.objects.values_list("sicil_no", flat=True)) == {"7401", "7403"}


# --- reading files


def test_reader_semicolon_bom_and_blank_rows(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes("\ufeffSicil No;Ad\r\n1;Ayşe\r\n\r\n2;Gülşen\r\n;\r\n\r\n".encode())
    rows = list(read_member_file(path))
    assert rows == [
        {"Sicil No": "1", "Ad": "Ayşe"},
        {"Sicil No": None, "Ad": None},  # the blank line keeps its place, so row numbers stay right
        {"Sicil No": "2", "Ad": "Gülşen"},
    ]


def test_reader_windows_turkish_encoding(tmp_path):
    path = write_csv(tmp_path / "u.csv", [["Sicil No", "Ad"], ["1", "Şükrü Çağlayan"]], encoding="cp1254")
    assert list(read_member_file(path)) == [{"Sicil No": "1", "Ad": "Şükrü Çağlayan"}]


def test_reader_xlsx_reads_first_sheet_only(tmp_path):
    path = write_xlsx(tmp_path / "u.xlsx", [["Sicil No", "Ad", None], [1, "Ayşe", None], [None, None, None]])
    assert list(read_member_file(path)) == [{"Sicil No": 1, "Ad": "Ayşe"}]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("u.txt", b"Sicil No\n1\n", "not a supported file"),
        ("u.csv", b"", "is empty"),
        ("u.csv", b"\xef\xbb\xbf\r\n", "is empty"),
        ("u.xlsx", b"not a zip file", "not a readable Excel"),
        ("u.csv", b"Ad;Ad\n1;2\n", "appears twice in row 1"),
    ],
)
def test_unreadable_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MemberFileError, match=message):
        list(read_member_file(path))


def test_missing_file(tmp_path):
    with pytest.raises(MemberFileError, match="yok.csv does not exist"):
        read_member_file(tmp_path / "yok.csv")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(MemberFileError, match="cannot be opened"):
        read_member_file(folder)


def test_file_without_required_columns_is_refused_before_any_change(tmp_path):
    path = write_csv(tmp_path / "u.csv", [["Sicil No", "Ad", "Telefon"], ["1", "Ayşe", "0533"]])
    with pytest.raises(MemberFileError, match="no column for: surname, national ID number, e-mail"):
        run(path)
    assert not Member.objects.exists()


def test_two_columns_for_the_same_field_are_refused(tmp_path):
    path = write_csv(
        tmp_path / "u.csv", [[*TR_HEADER[:5], "email"], ["1", "A", "B", make_tckn(1), "a@x.org", "b@x.org"]]
    )
    with pytest.raises(MemberFileError, match="E-posta and email both give the e-mail"):
        run(path)


def test_empty_list_reports_nothing(tmp_path):
    report = run(write_csv(tmp_path / "u.csv", [TR_HEADER]))
    assert report.results == []
    assert events("evize.registry.import_completed").get().data["total"] == 0


def test_sample_file_for_the_readme():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "sample" / "members_sample.csv"
    report = run(path)
    assert report.counts == {"total": 10, "created": 8, "updated": 0, "unchanged": 0, "rejected": 2}
    assert Member.objects.filter(office_name__gt="").count() >= 3
