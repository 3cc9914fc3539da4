"""Safe file names for uploaded documents."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_LENGTH = 150
DEFAULT_NAME = "belge.pdf"
# Characters that are path separators or reserved on common file systems.
_RESERVED = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")


def sanitize_file_name(raw: str | None) -> str:
    """The name the user gave, made harmless: only its last path part, no control or reserved
    characters, no leading dots, at most MAX_NAME_LENGTH characters, always ending in `.pdf`."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _RESERVED.sub("_", name)
    name = _SPACES.sub(" ", name).strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot or ext.lower() != "pdf":
        stem = name
    stem = stem.rstrip(". ")
    if not stem:
        return DEFAULT_NAME
    return f"{stem[: MAX_NAME_LENGTH - 4].rstrip('. ')}.pdf"
