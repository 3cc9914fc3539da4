"""The signatures app's Turkish catalog is complete: every string translated, nothing fuzzy, the
placeholders kept."""

import re
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "tr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = r"%\(\w+\)[sd]"


def _entries():
    for block in CATALOG.read_text(encoding="utf-8").strip().split("\n\n")[1:]:
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        yield block, fields


def test_turkish_catalog_is_complete_and_not_fuzzy():
    entries = list(_entries())
    assert len(entries) > 100
    assert "fuzzy" not in CATALOG.read_text(encoding="utf-8")
    for block, fields in entries:
        strings = [value for key, value in fields.items() if key.startswith("msgstr")]
        assert strings and all(strings), block
        placeholders = set(re.findall(PLACEHOLDER, fields["msgid"]))
        for value in strings:
            assert set(re.findall(PLACEHOLDER, value)) == placeholders, block
