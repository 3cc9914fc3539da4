"""Helpers that play the bank's answers in tests (signed with the configured store key)."""

from __future__ import annotations

import re
from html import unescape

from django.conf import settings
from django.urls import reverse

from evize.payments.contrib.nestpay.hashing import sign
from evize.payments.models import PaymentAttempt

APPROVED = {
    "Response": "Approved",
    "ProcReturnCode": "00",
    "mdStatus": "1",
    "AuthCode": "123456",
    "TransId": "26337ABCDEF01",
    "HostRefNum": "261200001234",
    "MaskedPan": "411111***1111",
    "ErrMsg": "",
}
DECLINED = {
    "Response": "Declined",
    "ProcReturnCode": "05",
    "mdStatus": "1",
    "TransId": "26337ABCDEF02",
    "MaskedPan": "400000***0002",
    "ErrMsg": "Red-Onaylanmadı",
}


def answer(attempt: PaymentAttempt, *, sign_it: bool = True, **fields) -> dict[str, str]:
    data = {
        "clientid": settings.EVIZE_NESTPAY_CLIENT_ID,
        "oid": attempt.oid,
        "amount": f"{attempt.amount:.2f}",
        "currency": attempt.currency,
        "storetype": "3d_pay_hosting",
        "hashAlgorithm": "ver3",
        "rnd": "bank-rnd",
        "cavv": "AAABBBCCC=",
        "Ecom_Payment_Card_ExpDate_Month": "12",
        **APPROVED,
        **fields,
    }
    return sign(data, settings.EVIZE_NESTPAY_STORE_KEY) if sign_it else data


def post_callback(client, fields: dict, endpoint: str = "ok"):
    name = "payments:callback_ok" if endpoint == "ok" else "payments:callback_fail"
    return client.post(reverse(name, args=["nestpay"]), fields)


_FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*data-autopost', re.S)
_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def autopost_form(html: str) -> tuple[str, dict[str, str]]:
    """(action, fields) of the auto-submitting form on a page."""
    match = _FORM.search(html)
    assert match, "no auto-post form on the page"
    start = match.start()
    end = html.index("</form>", start)
    fields = {unescape(name): unescape(value) for name, value in _INPUT.findall(html[start:end])}
    return unescape(match.group(1)), fields
