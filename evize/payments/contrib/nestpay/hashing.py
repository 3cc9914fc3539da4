"""NestPay / EST hash version 3 ("ver3"), for requests to the 3-D gate and for its answers.

Every posted parameter except the hash itself and a few the bank leaves out is taken, sorted by
name without regard to case (digit runs compared as numbers, as the bank's reference code does),
each value escaped (backslash → \\\\, then pipe → \\|), joined with "|", then "|" and the escaped
store key are appended. HASH = base64(SHA-512(UTF-8 bytes)). The same function signs our request,
checks the bank's answer, and lets the sandbox bank sign its answers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

# Never part of the hashed text (compared in lower case).
EXCLUDED = frozenset({"hash", "encoding", "countdown", "nationalidno"})
HASH_FIELD = "HASH"
_DIGIT_RUNS = re.compile(r"(\d+)")


def _sort_key(name: str) -> list[Any]:
    parts = _DIGIT_RUNS.split(name.lower())
    # Text at even positions, numbers at odd ones: lists compare position by position.
    return [int(part) if index % 2 else part for index, part in enumerate(parts)]


def escape(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|")


def hash_text(params: Mapping[str, Any], store_key: str) -> str:
    names = sorted((name for name in params if name.lower() not in EXCLUDED), key=_sort_key)
    return "|".join([*(escape(params[name]) for name in names), escape(store_key)])


def compute_hash(params: Mapping[str, Any], store_key: str) -> str:
    digest = hashlib.sha512(hash_text(params, store_key).encode("utf-8")).digest()
    return base64.b64encode(digest).decode("ascii")


def received_hash(params: Mapping[str, Any]) -> str:
    for name, value in params.items():
        if name.lower() == "hash":
            return "" if value is None else str(value)
    return ""


def verify_hash(params: Mapping[str, Any], store_key: str) -> bool:
    """True when the posted HASH matches the fields (constant-time comparison)."""
    given = received_hash(params)
    if not given or not store_key:
        return False
    expected = compute_hash(params, store_key)
    return hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "replace"))


def sign(params: Mapping[str, Any], store_key: str) -> dict[str, str]:
    """`params` with HASH added (used by the sandbox bank to sign its answers)."""
    signed = {name: "" if value is None else str(value) for name, value in params.items()}
    signed.pop(HASH_FIELD, None)
    signed[HASH_FIELD] = compute_hash(signed, store_key)
    return signed
