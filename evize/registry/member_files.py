"""Reading member registry files (CSV or Excel) into plain rows.

A file is read completely before anything is imported, so a file that cannot be read changes
nothing. Each row is a dict from the header cell (row 1, as written in the file) to the cell value
as found: strings for CSV; for Excel also int, float, datetime or None. Rows keep the file's order
(the first dict is the file's row 2), blank rows included, so row numbers can be reported.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

SUPPORTED_SUFFIXES = (".csv", ".xlsx")


class MemberFileError(Exception):
    """The file cannot be read as a member list; the message is translated and meant for users."""


def read_member_file(path: str | Path) -> Iterator[dict[str, Any]]:
    """Rows of a .csv or .xlsx member file; raises MemberFileError if it cannot be read."""
    path = Path(path)
    _check_suffix(path.name)
    try:
        with path.open("rb") as fileobj:
            return read_member_stream(fileobj, name=path.name)
    except FileNotFoundError as exc:
        raise MemberFileError(_("The file %(name)s does not exist.") % {"name": path}) from exc
    except OSError as exc:
        raise MemberFileError(
            _("The file %(name)s cannot be opened: %(error)s") % {"name": path, "error": exc.strerror or exc}
        ) from exc


def read_member_stream(fileobj: IO[bytes], *, name: str) -> Iterator[dict[str, Any]]:
    """Like read_member_file, for an open binary file (an upload); `name` gives the type."""
    suffix = _check_suffix(name)
    rows = _read_xlsx(fileobj, name) if suffix == ".xlsx" else _read_csv(fileobj, name)
    return iter(rows)


def _check_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise MemberFileError(
            _("%(name)s is not a supported file: use a .csv or .xlsx file.") % {"name": Path(name).name}
        )
    return suffix


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Excel on Turkish Windows saves "CSV" in Windows-1254; such a file is never valid UTF-8.
    try:
        return data.decode("cp1254")
    except UnicodeDecodeError as exc:
        raise MemberFileError(
            _("%(name)s is not a readable text file: save it as CSV UTF-8.") % {"name": name}
        ) from exc


def _read_csv(fileobj: IO[bytes], name: str) -> list[dict[str, Any]]:
    text = _decode(fileobj.read(), name)
    if not text.strip():
        raise MemberFileError(_("%(name)s is empty.") % {"name": name})
    header_line = text.splitlines()[0]
    # Spreadsheets in Turkish locales write ";" (the comma is the decimal separator), others ",".
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise MemberFileError(
            _("%(name)s is not a valid CSV file: %(error)s") % {"name": name, "error": exc}
        ) from exc
    return _rows_from_records(records, name)


def _read_xlsx(fileobj: IO[bytes], name: str) -> list[dict[str, Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise MemberFileError(
            _("%(name)s is not a readable Excel (.xlsx) workbook.") % {"name": name}
        ) from exc
    try:
        if not workbook.worksheets:
            raise MemberFileError(_("%(name)s is empty.") % {"name": name})
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; recompute it rather than trust it.
        sheet.reset_dimensions()
        records = [list(values) for values in sheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise MemberFileError(
            _("%(name)s is not a readable Excel (.xlsx) workbook.") % {"name": name}
        ) from exc
    finally:
        workbook.close()
    return _rows_from_records(records, name)


def _rows_from_records(records: list[list[Any]], name: str) -> list[dict[str, Any]]:
    if not records or not any(_filled(cell) for cell in records[0]):
        raise MemberFileError(_("%(name)s is empty: row 1 must hold the column titles.") % {"name": name})
    header: list[str | None] = []
    seen: set[str] = set()
    for cell in records[0]:
        title = str(cell).strip() if _filled(cell) else None
        if title is not None:
            if title.casefold() in seen:
                raise MemberFileError(
                    _("The column %(column)s appears twice in row 1 of %(name)s.")
                    % {"column": title, "name": name}
                )
            seen.add(title.casefold())
        header.append(title)
    rows = []
    for record in records[1:]:
        row: dict[str, Any] = {}
        for index, title in enumerate(header):
            if title is not None:
                row[title] = record[index] if index < len(record) else None
        rows.append(row)
    # Trailing blank rows (formatting left in a sheet) are not rows of the list.
    while rows and not any(_filled(value) for value in rows[-1].values()):
        rows.pop()
    return rows


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""
