"""The registry's Turkish catalog must be complete: every string translated, nothing fuzzy."""

import re
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "tr" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        flags = [line for line in lines if line.startswith("#,")]
        msgid, msgstr, current = [], [], None
        for line in lines:
            if line.startswith("msgid "):
                current = msgid
            elif line.startswith("msgstr"):
                current = msgstr
            elif not line.startswith('"'):
                current = None if line.startswith(("#", "msgctxt")) else current
                continue
            if current is not None:
                current.extend(re.findall(r'"((?:[^"\\]|\\.)*)"', line))
        yield "".join(msgid), "".join(msgstr), flags


def test_turkish_catalog_is_complete():
    entries = list(_entries(CATALOG.read_text(encoding="utf-8")))
    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr, _ in entries if msgid and not msgstr]
    fuzzy = [msgid or "(header)" for msgid, _, flags in entries if any("fuzzy" in f for f in flags)]
    assert untranslated == []
    assert fuzzy == []
