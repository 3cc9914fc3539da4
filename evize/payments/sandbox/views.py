"""The sandbox bank: the bank's side of NestPay "3D Pay Hosting", so the real provider code runs
end to end without a bank (demo and tests; every view answers 404 unless EVIZE_SANDBOX_BANK).

1. `gate` (…/fim/est3Dgate) receives the shop's signed form, checks the store and the hash, and
   sends the payer to the hosted card page.
2. `card` asks for a card (only the test cards listed on the page are known); `code` is the
   3-D Secure step (the SMS code is shown on the page).
3. The result is signed with the store key (the same hashing module the shop uses) and posted
   back to okUrl / failUrl by an auto-submitting form. The "never answers" card authorises the
   payment and records it, but never posts back: the shop learns it only by asking (`api`).
4. `api` (…/fim/api) answers the XML API: ORDERSTATUS, Void and Credit.

No card number is stored: only the masked PAN and the outcome the test card stands for.
"""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from evize.payments.base import ProviderError
from evize.payments.contrib.nestpay import api
from evize.payments.contrib.nestpay.hashing import sign, verify_hash
from evize.payments.masking import luhn_valid, mask_pan

from . import cards
from .models import SandboxOrder

State = SandboxOrder.State


def _enabled() -> None:
    if not getattr(settings, "EVIZE_SANDBOX_BANK", False):
        raise Http404


def _store_key() -> str:
    return settings.EVIZE_NESTPAY_STORE_KEY


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


# --- 1. the 3-D gate ---------------------------------------------------------------------------------


def _refuse(request, message, status: int = 400) -> HttpResponse:
    return render(request, "payments_sandbox/error.html", {"message": message}, status=status)


@csrf_exempt
def gate(request):
    _enabled()
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    fields = {name: request.POST.get(name, "") for name in request.POST}
    if fields.get("clientid") != settings.EVIZE_NESTPAY_CLIENT_ID:
        return _refuse(request, _("Unknown store (clientid)."))
    if not verify_hash(fields, _store_key()):
        return _refuse(request, _("The request's signature (HASH) is not valid."))
    if fields.get("storetype") != "3d_pay_hosting" or fields.get("hashAlgorithm") != "ver3":
        return _refuse(request, _("This test bank offers only 3D Pay Hosting with hash version 3."))
    try:
        amount = Decimal(fields.get("amount", ""))
    except InvalidOperation:
        amount = Decimal("0")
    oid = fields.get("oid", "")
    ok_url, fail_url = fields.get("okUrl", ""), fields.get("failUrl", "")
    if (
        amount <= 0
        or not oid
        or not ok_url.startswith(("http://", "https://"))
        or not fail_url.startswith(("http://", "https://"))
    ):
        return _refuse(request, _("The request is incomplete (amount, order number or return addresses)."))
    echo = {name: value for name, value in fields.items() if name.upper() != "HASH"}
    with transaction.atomic():
        order = SandboxOrder.objects.select_for_update().filter(oid=oid).first()
        if order is not None and order.is_finished:
            return _post_back(
                request,
                order,
                outcome_fields={
                    "Response": "Error",
                    "ProcReturnCode": "99",
                    "mdStatus": "",
                    "ErrMsg": "Bu sipariş numarası daha önce kullanılmış.",
                },
                url=order.fail_url,
                echo=echo,
            )
        if order is None:
            order = SandboxOrder.objects.create(
                token=secrets.token_urlsafe(24),
                client_id=fields["clientid"],
                oid=oid,
                amount=amount,
                currency=fields.get("currency", ""),
                ok_url=ok_url,
                fail_url=fail_url,
                language=fields.get("lang", "tr")[:5],
                request_fields=echo,
            )
    return redirect("payments_sandbox:card", token=order.token)


# --- 2. the hosted card page and the 3-D Secure code page ---------------------------------------------


class CardForm(forms.Form):
    pan = forms.CharField(label=_("Card number"), max_length=23)
    holder = forms.CharField(label=_("Name on the card"), max_length=60)
    exp_month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    exp_year = forms.IntegerField(label=_("Year"), min_value=0, max_value=2099)
    cvv = forms.RegexField(label=_("Security code (CVV)"), regex=r"^\d{3,4}$", max_length=4)

    def clean_pan(self) -> str:
        number = "".join(ch for ch in self.cleaned_data["pan"] if ch.isdigit())
        if not 13 <= len(number) <= 19 or not luhn_valid(number):
            raise forms.ValidationError(_("This is not a valid card number."))
        if cards.card_for(number) is None:
            raise forms.ValidationError(_("This test bank knows only the test cards listed on this page."))
        return number

    def clean(self):
        data = super().clean()
        month, year = data.get("exp_month"), data.get("exp_year")
        if month and year is not None:
            year = year + 2000 if year < 100 else year
            today = timezone.localdate()
            if (year, month) < (today.year, today.month):
                self.add_error("exp_year", _("The card has expired."))
        return data


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=10)


def card(request, token: str):
    _enabled()
    order = get_object_or_404(SandboxOrder, token=token)
    if order.state == State.AWAITING_CODE:
        return redirect("payments_sandbox:code", token=token)
    if order.state != State.AWAITING_CARD:
        return _refuse(request, _("This payment has already been processed."), status=409)
    form = CardForm(request.POST or None)
    if request.method == "POST":
        if "cancel" in request.POST:
            return _finish(request, order.pk, "cancelled")
        if form.is_valid():
            test_card = cards.card_for(form.cleaned_data["pan"])
            with transaction.atomic():
                locked = SandboxOrder.objects.select_for_update().get(pk=order.pk)
                if locked.state != State.AWAITING_CARD:
                    return redirect("payments_sandbox:code", token=token)
                locked.masked_pan = mask_pan(form.cleaned_data["pan"])
                locked.card_outcome = test_card.outcome
                locked.state = State.AWAITING_CODE
                locked.save(update_fields=["masked_pan", "card_outcome", "state", "updated_at"])
            return redirect("payments_sandbox:code", token=token)
    return render(request, "payments_sandbox/card.html", {"order": order, "form": form, "cards": cards.CARDS})


def code(request, token: str):
    _enabled()
    order = get_object_or_404(SandboxOrder, token=token)
    if order.state == State.AWAITING_CARD:
        return redirect("payments_sandbox:card", token=token)
    if order.state != State.AWAITING_CODE:
        return _refuse(request, _("This payment has already been processed."), status=409)
    form = CodeForm(request.POST or None)
    wrong = False
    if request.method == "POST":
        if "cancel" in request.POST:
            return _finish(request, order.pk, "cancelled")
        if form.is_valid():
            if form.cleaned_data["code"].strip() == cards.SMS_CODE:
                return _finish(request, order.pk, order.card_outcome)
            with transaction.atomic():
                locked = SandboxOrder.objects.select_for_update().get(pk=order.pk)
                locked.code_tries += 1
                locked.save(update_fields=["code_tries", "updated_at"])
            if locked.code_tries >= cards.MAX_CODE_TRIES:
                return _finish(request, order.pk, "wrong_code")
            order = locked
            wrong = True
    return render(
        request,
        "payments_sandbox/code.html",
        {
            "order": order,
            "form": form,
            "sms_code": cards.SMS_CODE,
            "wrong": wrong,
            "tries_left": cards.MAX_CODE_TRIES - order.code_tries,
        },
    )


# --- 3. the signed answer ------------------------------------------------------------------------


def _answer_fields(order: SandboxOrder, result: str) -> tuple[dict[str, str], str]:
    """(fields, url) of the answer for `result`; the order is updated accordingly."""
    now = timezone.localtime()
    common = {
        "TransId": f"{now:%y%j}{secrets.token_hex(5).upper()}",
        "HostRefNum": now.strftime("%y%m") + _digits(8),
        "EXTRA_TRXDATE": now.strftime("%Y%m%d %H:%M:%S"),
        "MaskedPan": order.masked_pan,
    }
    if result == cards.APPROVED or result == cards.NO_ANSWER:
        order.state = State.APPROVED
        fields = {
            **common,
            "Response": "Approved",
            "ProcReturnCode": "00",
            "mdStatus": "1",
            "txstatus": "Y",
            "AuthCode": _digits(6),
            "ErrMsg": "",
            "mdErrorMsg": "Authenticated",
        }
        return fields, order.ok_url
    order.state = State.DECLINED
    if result == cards.DECLINED:
        fields = {
            **common,
            "Response": "Declined",
            "ProcReturnCode": "05",
            "mdStatus": "1",
            "txstatus": "Y",
            "AuthCode": "",
            "ErrMsg": "Red-Onaylanmadı",
            "mdErrorMsg": "Authenticated",
        }
    elif result == cards.INSUFFICIENT_FUNDS:
        fields = {
            **common,
            "Response": "Declined",
            "ProcReturnCode": "51",
            "mdStatus": "1",
            "txstatus": "Y",
            "AuthCode": "",
            "ErrMsg": "Yetersiz bakiye / limit yetersiz",
            "mdErrorMsg": "Authenticated",
        }
    elif result in (cards.AUTHENTICATION_FAILED, "wrong_code"):
        fields = {
            "Response": "Declined",
            "ProcReturnCode": "99",
            "mdStatus": "0",
            "txstatus": "N",
            "MaskedPan": order.masked_pan,
            "ErrMsg": "3D Secure doğrulaması başarısız",
            "mdErrorMsg": "Not authenticated" if result == "wrong_code" else "N-status/Challenge failed",
            "TransId": "",
            "AuthCode": "",
            "HostRefNum": "",
        }
    else:  # cancelled by the payer
        order.state = State.CANCELLED
        fields = {
            "Response": "Error",
            "ProcReturnCode": "99",
            "mdStatus": "",
            "MaskedPan": order.masked_pan,
            "ErrMsg": "İşlem kullanıcı tarafından iptal edildi",
            "TransId": "",
            "AuthCode": "",
            "HostRefNum": "",
        }
    return fields, order.fail_url


def _finish(request, order_pk: int, result: str) -> HttpResponse:
    with transaction.atomic():
        order = SandboxOrder.objects.select_for_update().get(pk=order_pk)
        if order.is_finished:
            return _refuse(request, _("This payment has already been processed."), status=409)
        fields, url = _answer_fields(order, result)
        order.card_outcome = order.card_outcome or result
        order.trans_id = fields.get("TransId", "")
        order.auth_code = fields.get("AuthCode", "")
        order.host_ref_num = fields.get("HostRefNum", "")
        order.proc_return_code = fields.get("ProcReturnCode", "")
        order.md_status = fields.get("mdStatus", "")
        order.err_msg = fields.get("ErrMsg", "")
        order.finished_at = timezone.now()
        order.save()
    if result == cards.NO_ANSWER:
        return render(request, "payments_sandbox/no_answer.html", {"order": order})
    return _post_back(request, order, outcome_fields=fields, url=url, echo=order.request_fields)


def _post_back(request, order: SandboxOrder, *, outcome_fields: dict, url: str, echo: dict) -> HttpResponse:
    """The page that posts the signed answer to the shop (auto-submitted by a small script)."""
    answer = {
        **echo,
        **outcome_fields,
        "oid": order.oid,
        "ReturnOid": order.oid,
        "clientid": order.client_id,
        "amount": f"{order.amount:.2f}",
        "currency": order.currency,
        "rnd": secrets.token_urlsafe(15),
        "hashAlgorithm": "ver3",
        "encoding": "UTF-8",
    }
    signed = sign(answer, _store_key())
    response = render(
        request,
        "payments_sandbox/post_back.html",
        {
            "url": url,
            "fields": list(signed.items()),
            "approved": outcome_fields.get("Response") == "Approved",
        },
    )
    response._csp_update = {"form-action": [_origin(url)]}
    return response


# --- 4. the XML API ------------------------------------------------------------------------------


def _xml(**fields) -> HttpResponse:
    from xml.etree import ElementTree as ET  # noqa: S405 - building our own document

    root = ET.Element("CC5Response")
    for name, value in fields.items():
        element = ET.SubElement(root, name)
        if isinstance(value, dict):
            for child, child_value in value.items():
                ET.SubElement(element, child).text = str(child_value)
        else:
            element.text = str(value)
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


def _error(oid: str, message: str) -> HttpResponse:
    return _xml(OrderId=oid, Response="Error", ProcReturnCode="99", ErrMsg=message)


TRANS_STAT = {
    State.APPROVED: "C",
    State.DECLINED: "D",
    State.VOIDED: "V",
    State.REFUNDED: "R",
}


@csrf_exempt
def api_endpoint(request):
    _enabled()
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    body = request.body or request.POST.get("DATA", "").encode()
    try:
        data = api.parse_document(body, root_name="CC5Request")
    except ProviderError:
        return _error("", "XML okunamadı")
    oid = str(data.get("OrderId", ""))
    if (
        data.get("Name") != settings.EVIZE_NESTPAY_API_USER
        or data.get("Password") != settings.EVIZE_NESTPAY_API_PASSWORD
        or data.get("ClientId") != settings.EVIZE_NESTPAY_CLIENT_ID
    ):
        return _error(oid, "Yetkisiz kullanıcı")
    extra = data.get("Extra") if isinstance(data.get("Extra"), dict) else {}
    if extra.get("ORDERSTATUS"):
        return _order_status(oid)
    kind = data.get("Type")
    if kind in ("Void", "Credit"):
        return _money_back(oid, kind, data)
    return _error(oid, "Desteklenmeyen işlem")


def _order_status(oid: str) -> HttpResponse:
    order = SandboxOrder.objects.filter(oid=oid).first()
    # Orders that never reached authorisation are not in the bank's transaction records.
    if order is None or order.state in (State.AWAITING_CARD, State.AWAITING_CODE, State.CANCELLED):
        return _error(oid, f"No record found for {oid}")
    return _xml(
        OrderId=oid,
        Response="Approved",
        ProcReturnCode="00",
        ErrMsg="",
        Extra={
            "ORD_ID": oid,
            "CHARGE_TYPE_CD": "S",
            "TRANS_STAT": TRANS_STAT[order.state],
            "PROC_RET_CD": order.proc_return_code,
            "MDSTATUS": order.md_status,
            "ORIG_TRANS_AMT": str(int(order.amount * 100)),
            "CAPTURE_AMT": str(int((order.amount - order.refunded_amount) * 100))
            if order.state == State.APPROVED
            else "0",
            "CURRENCY": order.currency,
            "TRANS_ID": order.trans_id,
            "AUTH_CODE": order.auth_code,
            "HOST_REF_NUM": order.host_ref_num,
            "PAN": order.masked_pan,
            "ERRMSG": order.err_msg,
            "NUMCODE": "0",
        },
    )


def _money_back(oid: str, kind: str, data: dict) -> HttpResponse:
    with transaction.atomic():
        order = SandboxOrder.objects.select_for_update().filter(oid=oid).first()
        if order is None or order.state != State.APPROVED:
            return _error(oid, "İade / iptal edilebilecek bir işlem bulunamadı")
        remaining = order.amount - order.refunded_amount
        if kind == "Void":
            if order.refunded_amount:
                return _error(oid, "Kısmi iadesi yapılmış işlem iptal edilemez")
            order.state = State.VOIDED
            order.refunded_amount = order.amount
        else:
            try:
                total = Decimal(str(data.get("Total", "")))
            except InvalidOperation:
                return _error(oid, "Geçersiz tutar")
            if total <= 0 or total > remaining:
                return _error(oid, "İade tutarı işlem tutarını aşıyor")
            order.refunded_amount += total
            if order.refunded_amount >= order.amount:
                order.state = State.REFUNDED
        order.save(update_fields=["state", "refunded_amount", "updated_at"])
    return _xml(
        OrderId=oid,
        GroupId=oid,
        Response="Approved",
        AuthCode=_digits(6),
        HostRefNum=_digits(12),
        ProcReturnCode="00",
        TransId=f"{timezone.localtime():%y%j}{secrets.token_hex(5).upper()}",
        ErrMsg="",
    )
