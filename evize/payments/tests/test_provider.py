from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.checks import Error
from django.test import RequestFactory

from evize.payments.base import Outcome, PaymentProvider, ProviderError, ProviderNotConfigured
from evize.payments.checks import payments_configuration
from evize.payments.contrib.nestpay import api
from evize.payments.contrib.nestpay.hashing import compute_hash, sign, verify_hash
from evize.payments.contrib.nestpay.provider import NestPayConfig, NestPayProvider, classify
from evize.payments.masking import mask_pan, sanitize_response
from evize.payments.registry import default_provider, get_provider


def config(**overrides):
    values = {
        "client_id": "100200300",
        "store_key": "TEST-KEY",
        "gate_url": "https://bank.example/fim/est3Dgate",
        "api_url": "https://bank.example/fim/api",
        "api_user": "api",
        "api_password": "secret",
        "timeout": 5.0,
        "accept_partial_3ds": False,
        "allow_plain_http": False,
        **overrides,
    }
    return NestPayConfig(**values)


def attempt(**overrides):
    values = {
        "oid": "EVZ2612030001",
        "amount": Decimal("1250"),
        "currency": "949",
        "rnd": "r4nd",
        "language": "tr",
    }
    return SimpleNamespace(**{**values, **overrides})


def test_the_provider_fulfils_the_contract_and_is_registered():
    assert isinstance(NestPayProvider(config()), PaymentProvider)
    assert get_provider("nestpay").identifier == "nestpay"
    assert default_provider().identifier == "nestpay"
    with pytest.raises(ProviderNotConfigured):
        get_provider("nosuchbank")


def test_request_form_for_the_3d_gate(settings):
    settings.ALLOWED_HOSTS = ["evize.example"]
    provider = NestPayProvider(config())
    request = RequestFactory().get("/", HTTP_HOST="evize.example")
    form = provider.start(attempt(language="en-us"), request=request)
    fields = dict(form.fields)
    assert form.url == "https://bank.example/fim/est3Dgate"
    assert fields["clientid"] == "100200300"
    assert fields["storetype"] == "3d_pay_hosting"
    assert fields["TranType"] == "Auth"
    assert fields["amount"] == "1250.00"
    assert fields["currency"] == "949"
    assert fields["oid"] == "EVZ2612030001"
    assert fields["okUrl"] == "http://evize.example/odeme/banka/nestpay/basarili/"
    assert fields["failUrl"] == "http://evize.example/odeme/banka/nestpay/basarisiz/"
    assert fields["lang"] == "en" and fields["taksit"] == "" and fields["hashAlgorithm"] == "ver3"
    assert fields["HASH"] == compute_hash({k: v for k, v in fields.items() if k != "HASH"}, "TEST-KEY")
    assert verify_hash(fields, "TEST-KEY")
    # The same attempt always gives the same form (the page may be reloaded).
    assert provider.start(attempt(language="en-us"), request=request) == form


def test_an_unconfigured_provider_refuses_to_start():
    provider = NestPayProvider(config(store_key=""))
    assert not provider.is_configured()
    with pytest.raises(ProviderNotConfigured):
        provider.start(attempt(), request=RequestFactory().get("/"))


@pytest.mark.parametrize(
    ("fields", "partial", "outcome"),
    [
        ({"Response": "Approved", "ProcReturnCode": "00", "mdStatus": "1"}, False, Outcome.APPROVED),
        (
            {"Response": "Approved", "ProcReturnCode": "00", "mdStatus": "2"},
            False,
            Outcome.AUTHENTICATION_FAILED,
        ),
        ({"Response": "Approved", "ProcReturnCode": "00", "mdStatus": "4"}, True, Outcome.APPROVED),
        (
            {"Response": "Approved", "ProcReturnCode": "00", "mdStatus": "5"},
            True,
            Outcome.AUTHENTICATION_FAILED,
        ),
        ({"Response": "Approved", "ProcReturnCode": "00", "mdStatus": ""}, False, Outcome.ERROR),
        ({"Response": "Approved", "ProcReturnCode": "01", "mdStatus": "1"}, False, Outcome.ERROR),
        ({"Response": "Declined", "ProcReturnCode": "05", "mdStatus": "1"}, False, Outcome.DECLINED),
        (
            {"Response": "Declined", "ProcReturnCode": "51", "mdStatus": "1"},
            False,
            Outcome.INSUFFICIENT_FUNDS,
        ),
        (
            {"Response": "Declined", "ProcReturnCode": "99", "mdStatus": "0"},
            False,
            Outcome.AUTHENTICATION_FAILED,
        ),
        (
            {"Response": "Error", "ProcReturnCode": "99", "mdStatus": "7"},
            False,
            Outcome.AUTHENTICATION_FAILED,
        ),
        ({"Response": "Error", "ProcReturnCode": "99"}, False, Outcome.ERROR),
    ],
)
def test_procreturncode_and_mdstatus_rules(fields, partial, outcome):
    assert classify(fields, accept_partial_3ds=partial) == outcome


def test_reading_a_signed_callback():
    provider = NestPayProvider(config())
    fields = sign(
        {
            "clientid": "100200300",
            "oid": "EVZ1",
            "amount": "1250.00",
            "currency": "949",
            "Response": "Approved",
            "ProcReturnCode": "00",
            "mdStatus": "1",
            "TransId": "T9",
            "AuthCode": "A9",
            "HostRefNum": "H9",
            "MaskedPan": "411111***1111",
            "Ecom_Payment_Card_ExpDate_Year": "30",
            "cavv": "abc",
        },
        "TEST-KEY",
    )
    result = provider.read_callback(fields)
    assert result.authentic and result.oid == "EVZ1"
    answer = result.answer
    assert answer.outcome == Outcome.APPROVED and answer.amount == Decimal("1250.00")
    assert (answer.trans_id, answer.auth_code, answer.host_ref_num) == ("T9", "A9", "H9")
    assert "cavv" not in answer.raw and "Ecom_Payment_Card_ExpDate_Year" not in answer.raw
    assert not provider.read_callback({**fields, "amount": "1.00"}).authentic


def test_reading_order_status_answers():
    provider = NestPayProvider(config())
    approved = provider.read_order_status(
        "EVZ1",
        {
            "Response": "Approved",
            "ProcReturnCode": "00",
            "Extra": {
                "TRANS_STAT": "C",
                "PROC_RET_CD": "00",
                "ORIG_TRANS_AMT": "125000",
                "CURRENCY": "949",
                "TRANS_ID": "T1",
                "AUTH_CODE": "A1",
                "PAN": "4111 11** **** 1111",
            },
        },
    )
    assert approved.outcome == Outcome.APPROVED and approved.amount == Decimal("1250.00")
    assert approved.masked_pan == "411111******1111"
    declined = {"Response": "Approved", "Extra": {"TRANS_STAT": "D", "PROC_RET_CD": "51"}}
    assert provider.read_order_status("EVZ1", declined).outcome == Outcome.INSUFFICIENT_FUNDS
    missing = {"Response": "Error", "ProcReturnCode": "99", "ErrMsg": "No record found for EVZ1"}
    assert provider.read_order_status("EVZ1", missing).outcome == Outcome.NOT_FOUND
    with pytest.raises(ProviderError):
        provider.read_order_status("EVZ1", {"Response": "Error", "ErrMsg": "Yetkisiz kullanıcı"})
    with pytest.raises(ProviderError):
        provider.read_order_status("EVZ1", {"Response": "Approved", "Extra": {"TRANS_STAT": "??"}})


def test_api_documents():
    credentials = api.ApiCredentials("https://bank.example/fim/api", "100200300", "api", "secret", 5)
    body = api.build_request(credentials, OrderId="EVZ1", Extra={"ORDERSTATUS": "QUERY"})
    parsed = api.parse_document(body, root_name="CC5Request")
    assert parsed == {
        "Name": "api",
        "Password": "secret",
        "ClientId": "100200300",
        "OrderId": "EVZ1",
        "Extra": {"ORDERSTATUS": "QUERY"},
    }
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CC5Response>&a;</CC5Response>'
    with pytest.raises(ProviderError):
        api.parse_document(bomb, root_name="CC5Response")
    with pytest.raises(ProviderError):
        api.parse_document(b"<Other/>", root_name="CC5Response")
    with pytest.raises(ProviderError):
        api.parse_document(b"not xml", root_name="CC5Response")


def test_the_api_insists_on_https_outside_the_sandbox():
    credentials = api.ApiCredentials("http://bank.example/fim/api", "1", "u", "p", 1)
    with pytest.raises(ProviderError, match="https"):
        api.order_status(credentials, "EVZ1")


def test_card_data_is_removed_or_masked():
    clean = sanitize_response(
        {
            "MaskedPan": "435508***4358",
            "maskedCreditCard": "4355 08** **** 4358",
            "md": "435508:ABC",
            "cavv": "x",
            "xid": "y",
            "Ecom_Payment_Card_ExpDate_Month": "12",
            "cv2": "123",
            "ErrMsg": "card 4111 1111 1111 1111 refused",
            "oid": "EVZ1",
        }
    )
    assert clean == {
        "MaskedPan": "435508***4358",
        "maskedCreditCard": "435508******4358",
        "ErrMsg": "card 411111******1111 refused",
        "oid": "EVZ1",
    }
    assert mask_pan("4111111111111111") == "411111******1111"


def test_configuration_checks(settings):
    settings.EVIZE_SANDBOX_BANK = True
    settings.INSECURE_HTTP = False
    assert [p.id for p in payments_configuration(None)] == ["payments.E001"]
    assert isinstance(payments_configuration(None)[0], Error)
    settings.EVIZE_SANDBOX_BANK = False
    settings.EVIZE_NESTPAY_CLIENT_ID = ""
    settings.EVIZE_NESTPAY_GATE_URL = "http://bank.example/fim/est3Dgate"
    settings.EVIZE_NESTPAY_API_URL = "https://bank.example/fim/api"
    assert [p.id for p in payments_configuration(None)] == ["payments.W001", "payments.E002"]
