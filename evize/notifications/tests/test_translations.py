"""This app's Turkish catalog is complete: every string (plurals too) translated, nothing fuzzy."""

import re
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "tr" / "LC_MESSAGES" / "django.po"


def _entries():
    for block in CATALOG.read_text(encoding="utf-8").strip().split("\n\n")[1:]:
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        yield block, fields


def test_turkish_catalog_is_complete_and_not_fuzzy():
    entries = list(_entries())
    assert len(entries) > 150
    for block, fields in entries:
        assert "#, fuzzy" not in block and ", fuzzy" not in block, block
        strings = [value for key, value in fields.items() if key.startswith("msgstr")]
        assert strings and all(strings), block
        # Placeholders survive translation.
        placeholders = set(re.findall(r"%\(\w+\)s", fields["msgid"]))
        for value in strings:
            assert set(re.findall(r"%\(\w+\)s", value)) == placeholders, block
