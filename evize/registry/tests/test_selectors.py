import pytest

from evize.registry.selectors import member_by_sicil, member_search
from evize.registry.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    return {
        "ayse": MemberFactory(
            sicil_no="1201",
            first_name="Ayşe",
            last_name="Şahin",
            email="ayse@example.org",
            national_id="62049292914",
        ),
        "ismail": MemberFactory(
            sicil_no="2120",
            first_name="İsmail",
            last_name="Işık",
            email="ismail@example.org",
            office_name="Işık Statik Büro",
        ),
        "ozlem": MemberFactory(
            sicil_no="3300", first_name="Özlem", last_name="Çelik", email="ozlem@example.org"
        ),
    }


def test_member_by_sicil(members):
    assert member_by_sicil("1201") == members["ayse"]
    assert member_by_sicil(" 1201 ") == members["ayse"]
    assert member_by_sicil("9999") is None
    assert member_by_sicil("") is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("şahin", ["ayse"]),
        ("ŞAHİN", ["ayse"]),
        ("ayşe şahin", ["ayse"]),
        ("ismail", ["ismail"]),
        ("IŞIK", ["ismail"]),
        ("ışık statik", ["ismail"]),
        ("çelik", ["ozlem"]),
        ("ozlem@", ["ozlem"]),
        ("620492", ["ayse"]),
        ("nobody", []),
        ("   ", []),
    ],
)
def test_member_search(members, query, expected):
    assert member_search(query) == [members[name] for name in expected]


def test_member_search_puts_registry_number_matches_first_and_limits(members):
    result = member_search("12")
    assert result[0] == members["ayse"]  # sicil 1201 starts with 12; 2120 only contains it in nothing else
    assert len(member_search("example.org", limit=2)) == 2


def test_member_search_constant_queries(members, django_assert_num_queries):
    with django_assert_num_queries(1):
        member_search("example")
