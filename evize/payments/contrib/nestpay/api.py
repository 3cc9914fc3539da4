"""The bank's server-to-server XML API (".../fim/api"): order status (reconciliation), Void and
Credit (refund). Plain HTTP(S) POST of a CC5Request document with a timeout; the answer is a
CC5Response document, read into a flat dict (the <Extra> children under "Extra")."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET  # noqa: S405 - only our own documents are built; parsing below refuses DTDs
from dataclasses import dataclass
from typing import Any

from evize.payments.base import ProviderError

logger = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 1_000_000


@dataclass(frozen=True)
class ApiCredentials:
    url: str
    client_id: str
    user: str
    password: str
    timeout: float
    allow_plain_http: bool = False


def build_request(credentials: ApiCredentials, **fields: Any) -> bytes:
    """A CC5Request document: Name, Password, ClientId, then `fields` in order (a dict value
    becomes nested elements, e.g. Extra={"ORDERSTATUS": "QUERY"})."""
    root = ET.Element("CC5Request")
    for name, value in (
        ("Name", credentials.user),
        ("Password", credentials.password),
        ("ClientId", credentials.client_id),
        *fields.items(),
    ):
        element = ET.SubElement(root, name)
        if isinstance(value, dict):
            for child_name, child_value in value.items():
                ET.SubElement(element, child_name).text = str(child_value)
        else:
            element.text = "" if value is None else str(value)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def parse_document(body: bytes, *, root_name: str) -> dict[str, Any]:
    """Read a CC5Request/CC5Response document into {tag: text, "Extra": {tag: text}}.
    Documents with a DTD or entities are refused (no entity expansion, no external fetches)."""
    head = body[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in body.lower():
        raise ProviderError("XML with a DTD or entities refused")
    try:
        root = ET.fromstring(body)  # noqa: S314 - DTDs refused above; expat fetches nothing
    except ET.ParseError as exc:
        raise ProviderError(f"unreadable XML: {exc}") from exc
    if root.tag != root_name:
        raise ProviderError(f"unexpected XML root {root.tag!r}")
    data: dict[str, Any] = {}
    for child in root:
        if len(child):
            data[child.tag] = {grandchild.tag: (grandchild.text or "").strip() for grandchild in child}
        else:
            data[child.tag] = (child.text or "").strip()
    return data


def call(credentials: ApiCredentials, **fields: Any) -> dict[str, Any]:
    """POST one request and return the parsed answer; ProviderError when there is no usable answer."""
    url = credentials.url
    if not url:
        raise ProviderError("the bank's API address is not configured")
    if not (url.startswith("https://") or (credentials.allow_plain_http and url.startswith("http://"))):
        raise ProviderError("the bank's API address must use https://")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=build_request(credentials, **fields),
        headers={"Content-Type": "application/xml; charset=utf-8", "Accept": "application/xml"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=credentials.timeout) as response:  # noqa: S310
            body = response.read(MAX_ANSWER_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise ProviderError(f"no answer from the bank's API: {exc}") from exc
    if len(body) > MAX_ANSWER_BYTES:
        raise ProviderError("the bank's API answer is too large")
    return parse_document(body, root_name="CC5Response")


def order_status(credentials: ApiCredentials, oid: str) -> dict[str, Any]:
    return call(credentials, OrderId=oid, Extra={"ORDERSTATUS": "QUERY"})


def void(credentials: ApiCredentials, oid: str) -> dict[str, Any]:
    return call(credentials, Type="Void", OrderId=oid)


def credit(credentials: ApiCredentials, oid: str, amount: str, currency: str) -> dict[str, Any]:
    return call(credentials, Type="Credit", OrderId=oid, Total=amount, Currency=currency)
