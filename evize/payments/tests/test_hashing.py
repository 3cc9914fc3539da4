"""NestPay hash version 3 against the public test vectors (store key 123456) published with the
mews/pos library's EstV3PosCrypt tests: two request hashes and one bank response."""

import pytest

from evize.payments.contrib.nestpay.hashing import compute_hash, escape, hash_text, sign, verify_hash

STORE_KEY = "123456"

# A 3D Pay request.
REQUEST_3D_PAY = {
    "clientid": "190100000",
    "storetype": "3d_pay",
    "amount": "100.25",
    "oid": "order222",
    "okUrl": "https://domain.com/success",
    "failUrl": "https://domain.com/fail_url",
    "rnd": "rand",
    "lang": "tr",
    "currency": "949",
    "taksit": "",
    "islemtipi": "Auth",
    "firmaadi": "siparis veren",
    "Email": "test@test.com",
    "hashAlgorithm": "ver3",
}
REQUEST_3D_PAY_HASH = (
    "/uPxhEKWCEGi3NsDOOQ4u8Hu5g71v5GWspOid70WehTWEz97PqxG3IN1Jv5jsbOXOw3Z3Rr/0UtywzEgbqFfdA=="
)

# A 3D (secure) request: numbers given as numbers.
REQUEST_3D = {
    "clientid": "190100000",
    "storetype": "3d",
    "amount": "100.25",
    "oid": "order222",
    "okUrl": "https://domain.com/success",
    "failUrl": "https://domain.com/fail_url",
    "rnd": 12345,
    "hashAlgorithm": "ver3",
    "lang": "tr",
    "currency": 949,
    "islemtipi": "Auth",
    "taksit": "",
}
REQUEST_3D_HASH = "4aUsG5hqlIFLc9s8PKc5rWb2OLhmxDDewNgKa2XrwoYCIxlyVq8Fjl4IVaZzoqL983CfTseicmnTA0PjZr74xg=="

# An approved 3D Pay answer as the bank posted it (empty values were null in the source).
RESPONSE = {
    "ReturnOid": "202210308C0F",
    "TRANID": "",
    "hashAlgorithm": "ver3",
    "PAResSyntaxOK": "true",
    "firmaadi": "John Doe",
    "islemtipi": "Auth",
    "lang": "tr",
    "merchantID": "190200000",
    "maskedCreditCard": "4355 08** **** 4358",
    "amount": "1.01",
    "sID": "1",
    "ACQBIN": "454672",
    "Ecom_Payment_Card_ExpDate_Year": "26",
    "EXTRA_CARDBRAND": "VISA",
    "Email": "mail@customer.com",
    "MaskedPan": "435508***4358",
    "acqStan": "184784",
    "merchantName": "Ziraat 3D_Pay",
    "clientIp": "89.244.149.137",
    "EXTRA_KAZANILANPUAN": "000000010.00",
    "okUrl": "http://localhost/akbank/3d-pay/response.php",
    "md": "435508:51104213993AC8DFE8839C7F7E391B461115D09A1D88948C8ACE421D7D7EAA5A:3545:##190200000",
    "ProcReturnCode": "00",
    "payResults_dsId": "1",
    "taksit": "",
    "TransId": "22303RqiC11252",
    "EXTRA_TRXDATE": "20221030 17:42:33",
    "Ecom_Payment_Card_ExpDate_Month": "12",
    "storetype": "3d_pay",
    "Response": "Approved",
    "SettleId": "2383",
    "mdErrorMsg": "Y-status/Challenge authentication via ACS: "
    "https://3ds-acs.test.modirum.com/mdpayacs/creq?token=214711321.1667140951.Ud_jQl3B2l1",
    "ErrMsg": "",
    "PAResVerified": "true",
    "cavv": "ABABBCgghAAAAABllJMDdZdTdic=",
    "digest": "digest",
    "HostRefNum": "230317184784",
    "callbackCall": "true",
    "AuthCode": "216981",
    "failUrl": "http://localhost/akbank/3d-pay/response.php",
    "xid": "N1An1iS5iN4u/1VWS6CgzSGRtN0=",
    "encoding": "ISO-8859-9",
    "currency": "949",
    "oid": "202210308C0F",
    "mdStatus": "1",
    "dsId": "1",
    "eci": "05",
    "version": "2.0",
    "EXTRA_CARDISSUER": "AKBANK T.A.S.",
    "clientid": "190200000",
    "txstatus": "Y",
    "HASH": "jVgcwtx4vxxAcX8+ajsrrzp77k9uaGu1pjDQfCpoUG95y2MwwGipc6cF3kESiTphjV8/1ESSc6zg9KyTSxUnzA==",
    "rnd": "J/jGATA5LLVaMfpU+Yyu",
}


@pytest.mark.parametrize(
    ("params", "expected"),
    [(REQUEST_3D_PAY, REQUEST_3D_PAY_HASH), (REQUEST_3D, REQUEST_3D_HASH)],
    ids=["3d_pay", "3d"],
)
def test_request_hash_matches_the_public_vectors(params, expected):
    assert compute_hash(params, STORE_KEY) == expected


def test_response_hash_of_the_public_vector_verifies():
    assert verify_hash(RESPONSE, STORE_KEY)


@pytest.mark.parametrize(
    "change",
    [
        {"mdStatus": ""},
        {"amount": "101.00"},
        {"ProcReturnCode": "05"},
        {"oid": "202210308C0G"},
        {"extra_field": "added by someone"},
    ],
)
def test_any_change_to_the_response_breaks_the_hash(change):
    assert not verify_hash({**RESPONSE, **change}, STORE_KEY)


def test_wrong_store_key_or_missing_hash_does_not_verify():
    assert not verify_hash(RESPONSE, "654321")
    assert not verify_hash({k: v for k, v in RESPONSE.items() if k != "HASH"}, STORE_KEY)
    assert not verify_hash(RESPONSE, "")


def test_encoding_and_hash_fields_are_left_out():
    text = hash_text({"b": "2", "A": "1", "encoding": "UTF-8", "HASH": "x", "hash": "y"}, "key")
    assert text == "1|2|key"


def test_names_sort_without_regard_to_case_and_digit_runs_as_numbers():
    assert hash_text({"b": "b", "A": "a", "c": "c"}, "k") == "a|b|c|k"
    assert hash_text({"item10": "ten", "item2": "two", "Item1": "one"}, "k") == "one|two|ten|k"


def test_values_and_store_key_are_escaped():
    assert escape("a|b") == "a\\|b"
    assert escape("a\\b") == "a\\\\b"
    assert escape("\\|") == "\\\\\\|"
    assert escape(None) == ""
    assert hash_text({"x": "1|2"}, "k|ey") == "1\\|2|k\\|ey"


def test_sign_adds_a_verifying_hash():
    signed = sign({"oid": "EVZ1", "amount": "10.00", "HASH": "old"}, STORE_KEY)
    assert signed["HASH"] != "old"
    assert verify_hash(signed, STORE_KEY)
