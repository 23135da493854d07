"""Money reads one way on every page (issue 17): "฿1,234.50" — symbol, thousands grouped, exactly two
decimals; rates per 1,000 as precise as they were set; API v2 agrees with the screen."""

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from snshelper.core import money
from snshelper.orders import services as orders
from snshelper.wallet import services as wallet
from snshelper.wallet.models import TopUp
from tests.conftest import sign_in

SCREEN = re.compile(r"^(?P<sign>[+-]?)฿(?P<whole>\d{1,3}(?:,\d{3})*)\.(?P<cents>\d{2})$")


@given(st.decimals(allow_nan=False, allow_infinity=False), st.booleans())
def test_any_amount_reads_with_two_decimals_separators_and_its_sign(amount, signed):
    shown = money.on_screen(amount, signed=signed)
    match = SCREEN.match(shown)
    assert match, shown
    value = Decimal(match["whole"].replace(",", "") + "." + match["cents"])
    with localcontext(prec=200):
        assert value == abs(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value == 0:
        assert match["sign"] == ""  # never "-฿0.00"
    elif amount < 0:
        assert match["sign"] == "-"
    else:
        assert match["sign"] == ("+" if signed else "")


@given(st.decimals(min_value=0, max_value=10**9, places=5))
def test_a_rate_keeps_its_precision_but_no_trailing_zeros(rate):
    shown = money.rate_on_screen(rate)
    digits = shown.removeprefix("฿").replace(",", "")
    assert Decimal(digits) == rate
    decimals = digits.partition(".")[2]
    assert 2 <= len(decimals) <= 5 and (len(decimals) == 2 or not decimals.endswith("0"))


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("-17.50000"), "-฿17.50"),
        (Decimal("0.60522"), "฿0.61"),
        (Decimal("-45"), "-฿45.00"),
        (Decimal("777"), "฿777.00"),
        (Decimal("4.32300"), "฿4.32"),
        (Decimal("2312.78222"), "฿2,312.78"),
        (Decimal("-0.004"), "฿0.00"),
        (Decimal("1234567.125"), "฿1,234,567.13"),
    ],
)
def test_the_amounts_of_the_issue_read_one_way(amount, shown):
    assert money.on_screen(amount) == shown


def test_rates_per_thousand_and_the_api_agree():
    assert money.rate_on_screen(Decimal("43.23000")) == "฿43.23"
    assert money.rate_on_screen(Decimal("0.27819")) == "฿0.27819"
    assert money.rate_on_screen(Decimal("1200")) == "฿1,200.00"
    assert money.api_rate(Decimal("43.23000")) == "43.23"
    assert money.api_amount(Decimal("2312.78222")) == "2312.78"
    assert money.on_screen(Decimal("12.5"), currency="USD") == "12.50 USD"


# --- Every money value on the wallet, order and top-up pages goes through the filter --------------

ROOT = Path(__file__).resolve().parent.parent / "snshelper"
MONEY_PAGES = [
    *sorted((ROOT / "wallet" / "templates").rglob("*.html")),
    *sorted((ROOT / "orders" / "templates").rglob("*.html")),
    ROOT / "web" / "templates" / "web" / "dashboard.html",
    *sorted((ROOT / "catalog" / "templates").rglob("*.html")),
]
MONEY_NAME = re.compile(
    r"(?:^|[._])(amount|balance|charge|refunded|rate|price|cost|margin|revenue|per_post)(?:$|[._])"
)
VARIABLE = re.compile(r"\{\{\s*(?P<expr>[^}]+?)\s*\}\}")
BLOCK = re.compile(r"(?P<head>\{% blocktranslate[^%]*%\}).*?\{% endblocktranslate %\}", re.S)
BLOCK_WITH = re.compile(r"(?:with|count)\s+(?P<pairs>(?:\w+=\S+\s*)+)%\}")


def _unfiltered_money(text: str) -> list[str]:
    """Money-named values printed without |money or |rate (in {{ }} or a blocktranslate's with)."""
    found = []
    expressions = []
    for m in BLOCK_WITH.finditer(text):
        expressions += [pair.partition("=")[2] for pair in m["pairs"].split()]
    # Inside a blocktranslate, {{ name }} is the value its "with" already formatted.
    text = BLOCK.sub(lambda m: m["head"], text)
    expressions += [m["expr"] for m in VARIABLE.finditer(text)]
    for expr in expressions:
        value, *filters = expr.split("|")
        names = [f.partition(":")[0].strip() for f in filters]
        if MONEY_NAME.search(value.strip()) and not {"money", "rate"} & set(names):
            if not {"length", "yesno", "pluralize"} & set(names) and "exchange_rate" not in value:
                found.append(expr)
    return found


@pytest.mark.parametrize("template", MONEY_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_money_templates_print_money_only_through_the_filter(template):
    text = template.read_text()
    assert "floatformat" not in text and "฿" not in text, "money is written by |money or |rate"
    assert _unfiltered_money(text) == []


def test_the_scan_catches_money_written_by_hand():
    assert _unfiltered_money('<td>฿{{ order.charge|floatformat:"2g" }}</td>') == [
        'order.charge|floatformat:"2g"'
    ]
    assert _unfiltered_money("{% blocktranslate with balance=balance %}x{% endblocktranslate %}") == [
        "balance"
    ]
    assert _unfiltered_money("{{ order.charge|money }} {{ service.rate|rate }}") == []


AMOUNT_ON_PAGE = re.compile(r"[+-]?฿[\d,]*\.?\d*")


def _amounts(page: str) -> list[str]:
    return AMOUNT_ON_PAGE.findall(page)


@pytest.mark.django_db
def test_wallet_order_and_top_up_pages_show_money_with_two_decimals(client, member, make_service):
    translation.activate("th")
    wallet.credit_top_up(member=member, amount=Decimal("2312.78222"), idempotency_key="fund")
    service = make_service(rate=Decimal("4.32300"), min_quantity=10, step=1)
    order = orders.place_order(
        member=member, service=service, link="https://instagram.com/somchai", quantity=1000
    )
    top_up = wallet.create_promptpay_top_up(member=member, amount=Decimal("1234.5"))
    sign_in(client, member.email)
    pages = {
        "/wallet/": ["฿2,308.46", "-฿4.32"],
        "/orders/": ["฿4.32"],
        f"/orders/{order.pk}/": ["฿4.32"],
        f"/wallet/top-ups/{top_up.reference}/": ["฿1,234.50"],
        "/dashboard/": ["฿2,308.46"],
    }
    for url, expected in pages.items():
        page = client.get(url).content.decode()
        shown = _amounts(page)
        assert shown, url
        for amount in shown:
            assert SCREEN.match(amount), (url, amount)
        for amount in expected:
            assert amount in shown, (url, amount, shown)
    assert TopUp.objects.count() == 1


@pytest.mark.django_db
def test_the_service_picker_shows_the_rate_as_set(client, funded, make_service):
    make_service(rate=Decimal("43.23000"))
    sign_in(client, funded.email)
    page = client.get("/orders/new/").content.decode()
    assert "฿43.23 / 1,000" in page and "43.23000" not in page
