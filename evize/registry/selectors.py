"""Reading the member registry."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When

from .models import Member

MAX_SEARCH_RESULTS = 50


def member_by_sicil(sicil_no: str) -> Member | None:
    """The member with this registry number, or None."""
    sicil_no = (sicil_no or "").strip()
    if not sicil_no:
        return None
    return Member.objects.filter(sicil_no=sicil_no).first()


def _case_variants(term: str) -> set[str]:
    """The spellings a case-insensitive match must try. SQLite folds only ASCII letters, so
    "şahin" would miss "Şahin" there; Turkish i/İ and ı/I need their own rules everywhere."""
    tr_lower = term.replace("I", "ı").replace("İ", "i").lower()
    tr_upper = term.replace("i", "İ").replace("ı", "I").upper()
    tr_title = tr_upper[:1] + tr_lower[1:]
    return {term, term.lower(), term.upper(), tr_lower, tr_upper, tr_title}


def member_search_condition(query: str) -> Q | None:
    """A filter matching every word of `query` in the registry number or national ID (prefix),
    name, surname, e-mail or office name (anywhere, Turkish letter case ignored); None if empty."""
    terms = (query or "").split()
    if not terms:
        return None
    condition = Q()
    for term in terms:
        term_matches = Q(sicil_no__istartswith=term) | Q(national_id__startswith=term)
        for variant in _case_variants(term):
            term_matches |= (
                Q(first_name__icontains=variant)
                | Q(last_name__icontains=variant)
                | Q(email__icontains=variant)
                | Q(office_name__icontains=variant)
            )
        condition &= term_matches
    return condition


def member_search(query: str, limit: int = 10) -> list[Member]:
    """Members matching `query` (see member_search_condition), registry-number matches first.
    For a type-ahead."""
    condition = member_search_condition(query)
    if condition is None:
        return []
    limit = max(1, min(limit, MAX_SEARCH_RESULTS))
    first = query.split()[0]
    rank = Case(
        When(sicil_no__iexact=first, then=Value(0)),
        When(sicil_no__istartswith=first, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    members = Member.objects.filter(condition).annotate(rank=rank)
    return list(members.order_by("rank", "last_name", "first_name")[:limit])
