"""Writing the member registry: create, update and import members. Every change is audited.

Members are never deleted: a member who leaves gets a status (suspended, resigned, deceased).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from evize.audit.services import audit_record

from .member_files import MemberFileError, read_member_file, read_member_stream
from .models import Member
from .validators import national_id_error

__all__ = [
    "EDITABLE_FIELDS",
    "ImportReport",
    "MemberFileError",
    "RowResult",
    "member_create",
    "member_import",
    "member_update",
    "read_member_file",
    "read_member_stream",
]

# The fields a person (admin form or import file) may set.
EDITABLE_FIELDS = (
    "sicil_no",
    "first_name",
    "last_name",
    "national_id",
    "email",
    "phone",
    "status",
    "dues_paid_until",
    "office_tax_no",
    "office_name",
    "office_registration_no",
)
REQUIRED_FIELDS = ("sicil_no", "first_name", "last_name", "national_id", "email")


def _field_label(name: str) -> str:
    return str(Member._meta.get_field(name).verbose_name)


def _email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    others = Member.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def member_create(*, actor: Any, member: Member, source: str = "admin") -> Member:
    """Save a new member (an unsaved instance with its fields set) and audit it."""
    if member.pk is not None:
        raise ValueError("member_create() expects an unsaved member")
    with transaction.atomic():
        if member.email and _email_taken(member.email):
            raise ValidationError(
                _("This e-mail address is already used by another member."), code="email_taken"
            )
        member.save()
        audit_record(
            actor=actor,
            action="evize.registry.member_created",
            target=member,
            data={"source": source, "fields": {name: getattr(member, name) for name in EDITABLE_FIELDS}},
        )
    return member


def member_update(*, actor: Any, member: Member, data: Mapping[str, Any], source: str = "admin") -> list[str]:
    """Set the given fields of a member; return the names of those that really changed.

    The member's row is locked and compared with `data`, so `member` may already hold the new
    values (as an admin form leaves it). Nothing is written or audited when nothing changed.
    """
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = Member.objects.select_for_update().get(pk=member.pk)
        changes = {
            name: {"old": getattr(current, name), "new": value}
            for name, value in data.items()
            if getattr(current, name) != value
        }
        if changes:
            if "email" in changes and _email_taken(data["email"], exclude_pk=current.pk):
                raise ValidationError(
                    _("This e-mail address is already used by another member."), code="email_taken"
                )
            for name, change in changes.items():
                setattr(current, name, change["new"])
            current.save(update_fields=[*changes, "updated_at"])
            audit_record(
                actor=actor,
                action="evize.registry.member_updated",
                target=current,
                data={"source": source, "changed": changes},
            )
        for name in EDITABLE_FIELDS:
            setattr(member, name, getattr(current, name))
        member.updated_at = current.updated_at
    return list(changes)


# --------------------------------------------------------------------------------------------
# Import


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"

    LABELS = {
        CREATED: pgettext_lazy("import result", "created"),
        UPDATED: pgettext_lazy("import result", "updated"),
        UNCHANGED: pgettext_lazy("import result", "unchanged"),
        REJECTED: pgettext_lazy("import result", "rejected"),
    }


@dataclass
class RowResult:
    row: int  # the row number in the file (row 1 holds the column titles)
    sicil_no: str
    outcome: str
    reasons: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    member_id: int | None = None

    @property
    def outcome_label(self) -> str:
        return str(Outcome.LABELS[self.outcome])

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    @property
    def changed_labels(self) -> list[str]:
        return [_field_label(name) for name in self.changed]

    @property
    def detail(self) -> str:
        """The reason of a rejection, or the changed fields of an update."""
        if self.outcome == Outcome.REJECTED:
            return self.reason
        if self.outcome == Outcome.UPDATED:
            return ", ".join(self.changed_labels)
        return ""


@dataclass
class ImportReport:
    results: list[RowResult] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def _count(self, outcome: str) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def created(self) -> int:
        return self._count(Outcome.CREATED)

    @property
    def updated(self) -> int:
        return self._count(Outcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self._count(Outcome.UNCHANGED)

    @property
    def rejected(self) -> int:
        return self._count(Outcome.REJECTED)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "total": len(self.results),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }

    def summary(self) -> str:
        return (
            _(
                "%(total)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(rejected)d rejected."
            )
            % self.counts
        )


# Column titles, compared after `_simplify` (lower case, Turkish letters folded, no punctuation).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "sicil_no": ("sicilno", "sicil", "imosicilno", "uyesicilno", "registrynumber", "registryno", "memberno"),
    "first_name": ("ad", "adi", "isim", "firstname", "givenname", "name"),
    "last_name": ("soyad", "soyadi", "lastname", "surname", "familyname"),
    "national_id": (
        "tckimlikno",
        "tckimliknumarasi",
        "kimlikno",
        "kimliknumarasi",
        "tckn",
        "tcno",
        "nationalid",
        "nationalidnumber",
    ),
    "email": ("eposta", "epostaadresi", "email", "emailaddress", "mail"),
    "phone": ("telefon", "telefonno", "tel", "gsm", "phone", "phonenumber"),
    "status": ("durum", "uyelikdurumu", "status"),
    "dues_paid_until": ("aidatodemetarihi", "aidattarihi", "duespaiduntil", "duesdate"),
    "office_tax_no": (
        "vergisicilno",
        "vergino",
        "vergisicilnumarasi",
        "officetaxno",
        "taxno",
        "taxregistrynumber",
    ),
    "office_name": ("buroadi", "buro", "officename"),
    "office_registration_no": (
        "burotescilno",
        "tescilno",
        "officeregistrationno",
        "officeregistrationnumber",
    ),
}
_COLUMN_BY_ALIAS = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}

STATUS_ALIASES = {
    "aktif": Member.Status.ACTIVE,
    "active": Member.Status.ACTIVE,
    "askida": Member.Status.SUSPENDED,
    "suspended": Member.Status.SUSPENDED,
    "istifa": Member.Status.RESIGNED,
    "resigned": Member.Status.RESIGNED,
    "vefat": Member.Status.DECEASED,
    "deceased": Member.Status.DECEASED,
}

_FOLD = str.maketrans("İIıŞşĞğÜüÖöÇçÂâÎîÛû", "iiissgguuooccaaiiuu")
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def _simplify(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text).translate(_FOLD).lower())
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _parse_date(value: Any) -> datetime.date | None:
    """A date from a date cell or YYYY-MM-DD / DD.MM.YYYY text; ValueError if it is not one."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        raise ValueError(value)
    text = _text(value)
    if not text:
        return None
    # Spreadsheet exports may add a midnight time: "2027-12-31 00:00:00".
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}( 00:00(:00)?)?", text):
        return datetime.date.fromisoformat(text[:10])
    match = _DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return datetime.date(year, month, day)
    raise ValueError(text)


def _column_map(headers: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """{file column title: model field} and the titles that mean nothing to us."""
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    for title in headers:
        name = _COLUMN_BY_ALIAS.get(_simplify(title))
        if name is None:
            ignored.append(title)
            continue
        other = next((t for t, n in mapping.items() if n == name), None)
        if other is not None:
            raise MemberFileError(
                _("The columns %(first)s and %(second)s both give the %(field)s.")
                % {"first": other, "second": title, "field": _field_label(name)}
            )
        mapping[title] = name
    return mapping, ignored


def _parse_row(raw: Mapping[str, Any], columns: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Model values for the columns present in the file, and the reasons the row is refused."""
    values: dict[str, Any] = {}
    reasons: list[str] = []
    for title, name in columns.items():
        cell = raw.get(title)
        if name == "dues_paid_until":
            try:
                values[name] = _parse_date(cell)
            except ValueError:
                reasons.append(
                    _("The date %(value)s is not valid: write it as YYYY-MM-DD or DD.MM.YYYY.")
                    % {"value": _text(cell)}
                )
        elif name == "status":
            text = _text(cell)
            if text:
                status = STATUS_ALIASES.get(_simplify(text))
                if status is None:
                    reasons.append(
                        _(
                            "Unknown status %(value)s: use aktif, askıda, istifa or vefat "
                            "(active, suspended, resigned, deceased)."
                        )
                        % {"value": text}
                    )
                else:
                    values[name] = status
        elif name == "national_id":
            values[name] = re.sub(r"\s+", "", _text(cell))
        elif name == "email":
            values[name] = _text(cell).lower()
        else:
            values[name] = _text(cell)

    missing = [_field_label(name) for name in REQUIRED_FIELDS if not values.get(name)]
    if missing:
        reasons.insert(0, _("Required field missing: %(fields)s.") % {"fields": ", ".join(missing)})
    if values.get("national_id"):
        error = national_id_error(values["national_id"])
        if error:
            reasons.append(error)
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            reasons.append(_("The e-mail address %(value)s is not valid.") % {"value": values["email"]})
    for name, value in values.items():
        max_length = Member._meta.get_field(name).max_length
        if max_length and isinstance(value, str) and len(value) > max_length:
            reasons.append(
                _("The %(field)s is too long (at most %(max)d characters).")
                % {"field": _field_label(name), "max": max_length}
            )
    return values, reasons


def member_import(*, actor: Any, rows: Iterable[Mapping[str, Any]], source: str = "") -> ImportReport:
    """Create or update members from rows of a member file (see `read_member_file`).

    Rows are matched on the registry number; members are never deleted. Column titles may be
    Turkish or English, in any letter case. A column missing from the file leaves that field as
    it is; a column present is authoritative, except that an empty status keeps the current
    one (new members are active). Each row is saved in its own transaction: a refused row does
    not undo the others. Raises MemberFileError when the column titles do not make a member list.
    """
    report = ImportReport()
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        _audit_completed(actor, report, source)
        return report
    columns, report.ignored_columns = _column_map(first)
    absent = [_field_label(name) for name in REQUIRED_FIELDS if name not in columns.values()]
    if absent:
        raise MemberFileError(
            _("The file has no column for: %(fields)s. Row 1 must hold the column titles.")
            % {"fields": ", ".join(absent)}
        )

    sicil_rows: dict[str, int] = {}
    email_rows: dict[str, int] = {}
    for index, raw in enumerate([first, *rows]):
        row_number = index + 2
        if not any(_text(value) for value in raw.values()):
            continue  # a blank line between members
        values, reasons = _parse_row(raw, columns)
        sicil_no = values.get("sicil_no", "")
        if sicil_no:
            if sicil_no in sicil_rows:
                reasons.append(
                    _("The registry number %(sicil)s appears twice in the file (also in row %(row)d).")
                    % {"sicil": sicil_no, "row": sicil_rows[sicil_no]}
                )
            else:
                sicil_rows[sicil_no] = row_number
        email = values.get("email", "")
        if email:
            if email in email_rows:
                reasons.append(
                    _("The e-mail address %(email)s appears twice in the file (also in row %(row)d).")
                    % {"email": email, "row": email_rows[email]}
                )
            else:
                email_rows[email] = row_number
        if reasons:
            report.results.append(RowResult(row_number, sicil_no, Outcome.REJECTED, reasons=reasons))
            continue
        report.results.append(_import_row(actor, row_number, values))

    _audit_completed(actor, report, source)
    return report


def _import_row(actor: Any, row_number: int, values: dict[str, Any]) -> RowResult:
    sicil_no = values["sicil_no"]
    email_taken = RowResult(
        row_number,
        sicil_no,
        Outcome.REJECTED,
        reasons=[
            _("The e-mail address %(email)s is already used by another member.") % {"email": values["email"]}
        ],
    )
    try:
        with transaction.atomic():
            member = Member.objects.select_for_update().filter(sicil_no=sicil_no).first()
            if _email_taken(values["email"], exclude_pk=member.pk if member else None):
                return email_taken
            if member is None:
                member = member_create(actor=actor, member=Member(**values), source="import")
                return RowResult(row_number, sicil_no, Outcome.CREATED, member_id=member.pk)
            changed = member_update(actor=actor, member=member, data=values, source="import")
    except IntegrityError:
        # Another writer took the e-mail address or registry number between our check and save.
        reason = _(
            "The member could not be saved: its registry number or e-mail address was just used "
            "by another member."
        )
        return RowResult(row_number, sicil_no, Outcome.REJECTED, reasons=[reason])
    outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
    return RowResult(row_number, sicil_no, outcome, changed=changed, member_id=member.pk)


def _audit_completed(actor: Any, report: ImportReport, source: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="evize.registry.import_completed",
            object_type=Member._meta.label_lower,
            data={"source": source, **report.counts, "ignored_columns": report.ignored_columns},
        )
