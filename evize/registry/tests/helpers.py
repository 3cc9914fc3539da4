"""Writing member files for tests."""

from __future__ import annotations

import csv
from pathlib import Path

TR_HEADER = [
    "Sicil No",
    "Ad",
    "Soyad",
    "TC Kimlik No",
    "E-posta",
    "Telefon",
    "Durum",
    "Aidat Ödeme Tarihi",
    "Vergi Sicil No",
    "Büro Adı",
    "Büro Tescil No",
]


def write_csv(
    path: Path, rows: list[list], *, delimiter: str = ";", bom: bool = True, encoding="utf-8"
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom and encoding == "utf-8" else encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Üyeler"
    for row in rows:
        sheet.append(row)
    other = workbook.create_sheet("Notlar")
    other.append(["This sheet is not read"])
    workbook.save(path)
    return path
