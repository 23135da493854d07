"""PromptPay QR payloads: byte-exact EMVCo TLVs, a correct CRC, strict IDs and amounts, CSP-safe SVG."""

from decimal import Decimal
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snshelper.core.qr import svg as qr_svg
from snshelper.wallet import errors
from snshelper.wallet.promptpay import (
    InvalidAmount,
    InvalidPromptPayID,
    crc16_ccitt,
    parse_payload,
    promptpay_payload,
)

D = Decimal


def reference_crc(text: str) -> str:
    """CRC-16/CCITT-FALSE written out bit by bit, independent of the module under test."""
    crc = 0xFFFF
    for char in text.encode("ascii"):
        for i in range(7, -1, -1):
            bit = (char >> i) & 1
            top = (crc >> 15) & 1
            crc = (crc << 1) & 0xFFFF
            if top ^ bit:
                crc ^= 0x1021
    return f"{crc:04X}"


def with_crc(body: str) -> str:
    assert body.endswith("6304")
    return body + reference_crc(body)


PHONE_PROXY = "2937" + "0016A000000677010111" + "01130066812345678"
NATIONAL_ID_PROXY = "2937" + "0016A000000677010111" + "02131234567890123"


def test_crc16_matches_the_ccitt_false_check_value():
    assert crc16_ccitt(b"123456789") == 0x29B1
    assert reference_crc("123456789") == "29B1"


def test_phone_number_payload_matches_emvco_format():
    expected = with_crc("000201" + "010211" + PHONE_PROXY + "5303764" + "5802TH" + "6304")
    assert promptpay_payload("0812345678") == expected


def test_phone_number_with_amount_is_dynamic_and_carries_two_decimals():
    expected = with_crc("000201" + "010212" + PHONE_PROXY + "5303764" + "5406100.00" + "5802TH" + "6304")
    assert promptpay_payload("0812345678", D("100")) == expected
    assert parse_payload(promptpay_payload("0812345678", D("1234567.5")))["54"] == "1234567.50"
    assert parse_payload(promptpay_payload("0812345678", D("0.01")))["54"] == "0.01"


def test_national_id_uses_sub_tag_02_without_amount():
    expected = with_crc("000201" + "010211" + NATIONAL_ID_PROXY + "5303764" + "5802TH" + "6304")
    assert promptpay_payload("1234567890123") == expected


def test_national_id_uses_sub_tag_02_with_amount():
    expected = with_crc("000201" + "010212" + NATIONAL_ID_PROXY + "5303764" + "540599.95" + "5802TH" + "6304")
    assert promptpay_payload("1-2345-67890-12-3", D("99.95")) == expected


def test_e_wallet_id_uses_sub_tag_03():
    expected = with_crc(
        "000201"
        + "010211"
        + "2939"
        + "0016A000000677010111"
        + "0315123456789012345"
        + "5303764"
        + "5802TH"
        + "6304"
    )
    assert promptpay_payload("123456789012345") == expected


@pytest.mark.parametrize("written", ["+66 81-234-5678", "081-234-5678", " 081 234 5678 ", "+66812345678"])
def test_phone_number_spellings_give_the_same_payload(written):
    assert promptpay_payload(written) == promptpay_payload("0812345678")
    assert promptpay_payload(written, D("42.00")) == promptpay_payload("0812345678", D("42"))


def test_parse_payload_round_trips_the_tags():
    fields = parse_payload(promptpay_payload("0812345678", D("250.5")))
    assert list(fields) == ["00", "01", "29", "53", "54", "58", "63"]
    assert fields["00"] == "01"
    assert fields["01"] == "12"
    assert fields["29"] == "0016A000000677010111" + "01130066812345678"
    assert fields["53"] == "764"
    assert fields["54"] == "250.50"
    assert fields["58"] == "TH"


@pytest.mark.parametrize(
    "payload",
    [
        # Test vectors published by dtinth/promptpay-qr (tags 58 before 53): a second, independent
        # implementation whose payloads are known to scan in Thai banking apps.
        "00020101021129370016A000000677010111011300668012345675802TH530376463046197",
        "00020101021129370016A000000677010111021311111111111115802TH530376463047B5A",
        "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469",
    ],
)
def test_parse_payload_accepts_payloads_from_another_implementation(payload):
    assert parse_payload(payload)["29"].startswith("0016A000000677010111")


def test_parse_payload_rejects_an_altered_crc():
    payload = promptpay_payload("0812345678", D("100"))
    altered = payload[:-4] + ("0000" if payload[-4:] != "0000" else "FFFF")
    with pytest.raises(ValueError, match="CRC"):
        parse_payload(altered)


def test_parse_payload_rejects_an_altered_body():
    payload = promptpay_payload("0812345678", D("100.00"))
    with pytest.raises(ValueError, match="CRC"):
        parse_payload(payload.replace("100.00", "900.00"))


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "000201",  # no CRC
        "00020101021" + "6304ABCD",  # length of tag 01 runs into the next field
        "0002016304ABCD5802TH",  # CRC not last
        "000201xx",  # truncated header
    ],
)
def test_parse_payload_rejects_malformed_tlvs(payload):
    with pytest.raises(ValueError):
        parse_payload(payload)


@pytest.mark.parametrize(
    "bad_id",
    ["12345", "08123456ab", "", "   ", "+44 7911 123456", "+66 0812345678", "08123456789", "081.234.5678"],
)
def test_bad_promptpay_ids_are_refused(bad_id):
    with pytest.raises(InvalidPromptPayID):
        promptpay_payload(bad_id)


def test_invalid_promptpay_id_is_a_value_error_with_a_clear_message():
    with pytest.raises(ValueError, match="PromptPay ID"):
        promptpay_payload("12345")


@pytest.mark.parametrize(
    "bad_amount",
    [D("0"), D("-1"), D("1.005"), D("10000000"), D("10_000_000.00"), D("NaN"), D("Infinity"), 100.0, 100],
)
def test_bad_amounts_are_refused(bad_amount):
    with pytest.raises(InvalidAmount):
        promptpay_payload("0812345678", bad_amount)


def test_invalid_amount_is_both_a_value_error_and_a_wallet_error():
    with pytest.raises(ValueError):
        promptpay_payload("0812345678", D("-1"))
    with pytest.raises(errors.InvalidAmount):
        promptpay_payload("0812345678", D("-1"))


def test_largest_amount_and_trailing_zeros_are_accepted():
    assert parse_payload(promptpay_payload("0812345678", D("9999999.99")))["54"] == "9999999.99"
    assert parse_payload(promptpay_payload("0812345678", D("1.500")))["54"] == "1.50"
    assert parse_payload(promptpay_payload("0812345678", D("1E+2")))["54"] == "100.00"


def test_qr_svg_is_bare_csp_safe_svg():
    svg = qr_svg(promptpay_payload("0812345678", D("100")))
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    assert "style=" not in svg
    assert "<?xml" not in svg
    assert ElementTree.fromstring(svg).tag.endswith("svg")


phones = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(["06", "08", "09"]),
    st.text("0123456789", min_size=8, max_size=8),
)
amounts = st.integers(min_value=1, max_value=999_999_999).map(lambda cents: D(cents).scaleb(-2))


@given(phone=phones, amount=amounts)
def test_any_valid_phone_and_amount_gives_a_parsable_payload(phone, amount):
    fields = parse_payload(promptpay_payload(phone, amount))
    assert fields["54"] == f"{amount:.2f}"
    assert fields["29"].endswith("0066" + phone[1:])
    assert fields["63"] == reference_crc(promptpay_payload(phone, amount)[:-4])
