"""PromptPay top-up QR codes: the EMVCo merchant-presented payload ("Thai QR Payment") and its SVG.

Banking apps reject a payload whose TLV lengths or CRC are off by one character, so the payload is
built from explicit TLVs, amounts stay in Decimal end to end, and ``parse_payload`` lets tests and
staff tools check a payload the same way an app would.
"""

import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from snshelper.wallet import errors

PROMPTPAY_AID = "A000000677010111"  # Application ID of PromptPay credit transfer
THB = "764"  # ISO 4217 numeric
MAX_AMOUNT = Decimal("9999999.99")
CENTS = Decimal("0.01")

# Sub-tags of tag 29 that carry the proxy (the PromptPay ID).
MOBILE, NATIONAL_ID, E_WALLET = "01", "02", "03"

_ALLOWED_ID_CHARS = re.compile(r"\+?[0-9 -]+")


class InvalidPromptPayID(ValueError):
    """The PromptPay ID is not a Thai mobile number, 13-digit national/tax ID or 15-digit e-wallet ID."""


class InvalidAmount(errors.InvalidAmount, ValueError):
    """A wallet error (so pages can show it) that is also a ValueError (so plain callers can catch it)."""


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), the checksum EMVCo puts in tag 63."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"EMVCo value for tag {tag} is longer than 99 characters.")
    return f"{tag}{len(value):02d}{value}"


def _proxy(promptpay_id: str) -> tuple[str, str]:
    """Return (sub-tag, value) for the ID; people write phone numbers and IDs with spaces and dashes."""
    raw = promptpay_id.strip()
    if not _ALLOWED_ID_CHARS.fullmatch(raw):
        raise InvalidPromptPayID(
            f"A PromptPay ID may contain only digits, spaces, dashes and a leading +66; got {promptpay_id!r}."
        )
    digits = re.sub(r"[^0-9]", "", raw)
    if raw.startswith("+"):
        if digits.startswith("66") and len(digits) == 11:
            return MOBILE, "00" + digits
        raise InvalidPromptPayID(
            f"An international PromptPay number must be +66 and 9 digits; got {promptpay_id!r}."
        )
    if len(digits) == 10 and digits.startswith("0"):
        return MOBILE, "0066" + digits[1:]
    if len(digits) == 13:
        return NATIONAL_ID, digits
    if len(digits) == 15:
        return E_WALLET, digits
    raise InvalidPromptPayID(
        "A PromptPay ID must be a 10-digit mobile number starting with 0, a 13-digit national or tax ID, "
        f"or a 15-digit e-wallet ID; got {promptpay_id!r}."
    )


def _format_amount(amount: Decimal) -> str:
    """Two decimals, no separators; refuse anything a bank app would round or reject."""
    if not isinstance(amount, Decimal):
        raise InvalidAmount(_("The amount must be an exact decimal number."))
    if not amount.is_finite() or amount <= 0:
        raise InvalidAmount(_("Enter an amount greater than zero."))
    if amount > MAX_AMOUNT:
        raise InvalidAmount(_("A PromptPay amount can be at most 9,999,999.99 THB."))
    cents = amount.quantize(CENTS)
    if cents != amount:
        raise InvalidAmount(_("Enter an amount with at most two decimals."))
    return f"{cents:f}"


def promptpay_payload(promptpay_id: str, amount: Decimal | None = None) -> str:
    """The payload to encode in the QR; with an amount it is a one-off (dynamic) code."""
    sub_tag, proxy = _proxy(promptpay_id)
    parts = [
        _tlv("00", "01"),
        _tlv("01", "11" if amount is None else "12"),
        _tlv("29", _tlv("00", PROMPTPAY_AID) + _tlv(sub_tag, proxy)),
        _tlv("53", THB),
    ]
    if amount is not None:
        parts.append(_tlv("54", _format_amount(amount)))
    parts.append(_tlv("58", "TH"))
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt(body.encode('ascii')):04X}"


def parse_payload(payload: str) -> dict[str, str]:
    """Top-level tag -> value, checking every length and the CRC, so a broken payload is caught here."""
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(payload):
        header = payload[pos : pos + 4]
        if len(header) < 4 or not header.isdigit():
            raise ValueError(f"Malformed TLV header at position {pos}: {header!r}.")
        tag, length = header[:2], int(header[2:])
        value = payload[pos + 4 : pos + 4 + length]
        if len(value) != length:
            raise ValueError(f"Tag {tag} declares {length} characters but only {len(value)} remain.")
        if tag in fields:
            raise ValueError(f"Tag {tag} appears twice.")
        fields[tag] = value
        pos += 4 + length
        if tag == "63" and pos != len(payload):
            raise ValueError("Tag 63 (CRC) must be the last field.")
    if "63" not in fields or len(fields["63"]) != 4:
        raise ValueError("The payload must end with a 4-character CRC in tag 63.")
    expected = f"{crc16_ccitt(payload[:-4].encode('utf-8')):04X}"
    if fields["63"].upper() != expected:
        raise ValueError(f"CRC mismatch: payload says {fields['63']}, computed {expected}.")
    return fields
