from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from evize.audit.models import AuditEvent
from evize.registry.models import Member
from evize.registry.tests.factories import MemberFactory, make_tckn
from evize.registry.tests.helpers import TR_HEADER, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def member_file(tmp_path):
    MemberFactory(
        sicil_no="8002",
        first_name="Mehmet",
        last_name="Şahin",
        national_id=make_tckn(82),
        email="mehmet@example.org",
        phone="",
        status="active",
        dues_paid_until=None,
    )
    rows = [
        TR_HEADER[:7] + ["Not"],
        ["8001", "Ayşe", "Yılmaz", make_tckn(81), "ayse@example.org", "+90 533 000 00 01", "aktif", "x"],
        ["8002", "Mehmet", "Şahin", make_tckn(82), "mehmet@example.org", "+90 542 000 00 02", "askıda", ""],
        ["8003", "Hatalı", "Kimlik", "12345678951", "hatali@example.org", "", "aktif", ""],
    ]
    return write_csv(tmp_path / "uyeler.csv", rows)


def run(*args):
    out = StringIO()
    call_command("import_members", *map(str, args), stdout=out)
    return out.getvalue()


def test_command_prints_each_row_and_a_summary(member_file):
    output = run(member_file)
    lines = output.splitlines()
    assert "Column ignored (not a member field): Not" in lines
    assert "Row 2\t8001\tcreated" in lines
    assert "Row 3\t8002\tupdated\tphone, status" in lines
    assert "Row 4\t8003\trejected\tThe national ID number is not valid (checksum does not match)." in lines
    assert lines[-1] == "3 rows: 1 created, 1 updated, 0 unchanged, 1 rejected."
    assert Member.objects.get(sicil_no="8002").status == "suspended"
    assert AuditEvent.objects.filter(action="evize.registry.import_completed", actor=None).count() == 1

    again = run(member_file).splitlines()
    assert "Row 2\t8001\tunchanged" in again and "Row 3\t8002\tunchanged" in again
    assert again[-1] == "3 rows: 0 created, 0 updated, 2 unchanged, 1 rejected."


def test_dry_run_saves_nothing(member_file):
    events_before = AuditEvent.objects.count()
    output = run(member_file, "--dry-run")
    assert "Row 2\t8001\tcreated" in output
    assert output.splitlines()[-1].endswith("Dry run: nothing was saved.")
    assert not Member.objects.filter(sicil_no="8001").exists()
    assert Member.objects.get(sicil_no="8002").status == "active"
    assert AuditEvent.objects.count() == events_before


def test_actor_recorded_with_user_option(member_file):
    from evize.accounts.tests.factories import UserFactory

    admin = UserFactory(chamber_admin=True)
    run(member_file, "--user", admin.username)
    assert AuditEvent.objects.get(action="evize.registry.member_created").actor == admin
    with pytest.raises(CommandError, match="There is no user nobody"):
        run(member_file, "--user", "nobody")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "does not exist"),
        ("list.pdf", b"%PDF-1.7", "not a supported file"),
        ("broken.xlsx", b"PK\x03\x04 broken", "not a readable Excel"),
        ("nocolumns.csv", "Sicil No;Ad\n1;Ayşe\n".encode(), "no column for"),
    ],
)
def test_unreadable_file_is_a_command_error(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(path)
    assert not Member.objects.exists()
