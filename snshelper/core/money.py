"""How money reads, in one place (issue 17): the ledger keeps five decimals, people see two.

On screen an amount is "฿1,234.50": the currency symbol, thousands grouped, exactly two decimals
(rounded half up), the sign before the symbol ("-฿17.50", "+฿0.61" when a movement's direction
matters). A rate per 1,000 keeps the decimals it was set with, trailing zeros trimmed to two
("฿43.23", "฿0.27819"). API v2 answers balances and charges as "2312.78" and a rate as "43.23" or
"0.27819", so the API and the screen agree.
"""

from decimal import ROUND_HALF_UP, Decimal, localcontext

CENTS = Decimal("0.01")
RATE_PLACES = Decimal("0.00001")  # catalog.models.RATE: five decimals
SYMBOLS = {"THB": "฿"}
MISSING = "—"


def _decimal(amount) -> Decimal:
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    return value


def _quantize(value: Decimal, places: Decimal) -> Decimal:
    # Enough precision for any amount's whole digits plus its decimals (the default 28 is not).
    with localcontext(prec=max(28, value.adjusted() + 10)):
        rounded = value.quantize(places, rounding=ROUND_HALF_UP)
    return rounded if rounded else rounded.copy_abs()  # never "-0.00"


def _trimmed(value: Decimal) -> str:
    """At most five decimals, at least two: "43.23", "0.27819", "45.00"."""
    whole, _, decimals = format(_quantize(value, RATE_PLACES), "f").partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def _with_currency(sign: str, digits: str, currency: str) -> str:
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"


def on_screen(amount, *, signed: bool = False, currency: str = "THB") -> str:
    """ "฿1,234.50"; with ``signed``, "+฿0.61" / "-฿17.50" (zero has no sign)."""
    if amount is None or amount == "":
        return MISSING
    value = _quantize(_decimal(amount), CENTS)
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    return _with_currency(sign, format(value.copy_abs(), ",.2f"), currency)


def rate_on_screen(rate, *, currency: str = "THB") -> str:
    """A price per 1,000 (or per package) as it was set: "฿43.23", "฿0.27819", "฿1,200.00"."""
    if rate is None or rate == "":
        return MISSING
    value = _decimal(rate)
    whole, _, decimals = _trimmed(value.copy_abs()).partition(".")
    return _with_currency("-" if value < 0 else "", f"{int(whole):,}.{decimals}", currency)


def api_amount(amount) -> str:
    """A balance or charge for the API: "2312.78", "90.00", "-1.50"."""
    return format(_quantize(_decimal(amount), CENTS), "f")


def api_rate(rate) -> str:
    """A rate for the API, with the service's precision: "43.23", "0.27819"."""
    return _trimmed(_decimal(rate))
