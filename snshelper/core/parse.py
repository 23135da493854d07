"""Text from outside (a page's form, an API request, a provider's answer) read into typed values.

The one place numbers, lists of lines and dates typed by people or sent by programs are read:
pages use it through the form fields of ``core.form_fields``, the APIs and the provider simulator
call it directly, and services receive what it returns (ints, lists, dates), never the text.
Standard library only, so the provider simulator may use it outside Django too.
"""

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

# A number longer than this is read as TOO_LARGE: more than any quantity, count or id we keep,
# without the work of reading thousands of digits.
MAX_DIGITS = 30
TOO_LARGE = 10**MAX_DIGITS

LARGEST_ID = 2**63 - 1  # the database's id columns: a larger number is no record of ours
LARGEST_COUNT = 2**31 - 1  # the database's count columns (quantities, runs, posts, ...)

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
BUDDHIST_ERA = 543  # a Thai year: 2569 is 2026
BUDDHIST_FROM = 2400  # a year from this one on is a Buddhist-era year


def whole_number(value: object) -> int | None:
    """A whole number of zero or more, or None when ``value`` is not one.

    Decimal digits only (Thai digits count: ``๑๐๐`` is 100), spaces around them ignored; a JSON
    number that is whole is taken too. No sign, no decimal point, no separators: ``-5``, ``+5``,
    ``5.0``, ``1,000`` and ``²`` are not whole numbers here.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text.isdecimal():
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= MAX_DIGITS else TOO_LARGE


def decimal_number(value: object, *, places: int | None = None) -> Decimal | None:
    """A finite decimal number, signed or not, or None when ``value`` is not one.

    Thousands separators (``1,250.50``) and spaces around are ignored; Thai digits count. With
    ``places``, a number with more decimals than that is not one (``1.005`` is no baht amount).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text or len(text) > MAX_DIGITS * 2:
            return None
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
    else:
        return None
    if not number.is_finite():
        return None
    if places is not None:
        try:
            if number != number.quantize(Decimal(1).scaleb(-places)):
                return None
        except InvalidOperation:  # too many digits to hold at this precision
            return None
    return number


def amount(value: object) -> Decimal | None:
    """An amount of baht as people type it (``1,250.50``, ``-25``): at most two decimals."""
    return decimal_number(value, places=2)


def network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """An IP address or network (CIDR), host bits dropped (``203.0.113.7/24`` is
    ``203.0.113.0/24``; an address alone is a network of one), or None when it is not one."""
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


def record_id(value: object) -> int | None:
    """An id as the database holds them (1 to LARGEST_ID), or None."""
    number = whole_number(value)
    return number if number and number <= LARGEST_ID else None


@dataclass(frozen=True)
class Search:
    """What was typed in a search box: the text (spaces around removed), and the record number it
    may mean (``12`` or ``#12``), or None."""

    text: str
    number: int | None = None


def search(value: str | None) -> Search:
    text = (value or "").strip()
    return Search(text, record_id(text.removeprefix("#")))


def search_words(value: str | None, *, most: int | None = None) -> list[Search]:
    """Each word of a search box's text (at most ``most`` of them), read as ``search`` reads one."""
    return [search(word) for word in (value or "").split()[:most]]


def lines(value: str | Iterable[str] | None) -> list[str]:
    """The non-blank lines of a text, or of each text of a list, each stripped (one item a line)."""
    if value is None:
        return []
    texts = [value] if isinstance(value, str) else value
    return [line.strip() for text in texts for line in text.splitlines() if line.strip()]


def day_month_year(text: str) -> date | None:
    """A date written d/m/Y (``25/12/2026``), or None when it is not one.

    Thai people often write the Buddhist-era year (``25/12/2569``); a year from 2400 on is read so.
    """
    match = _DAY_MONTH_YEAR.fullmatch(text.strip())
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year - BUDDHIST_ERA if year >= BUDDHIST_FROM else year, month, day)
    except ValueError:
        return None
