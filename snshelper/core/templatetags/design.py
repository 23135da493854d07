"""The design system's filters, built into every template (settings TEMPLATES "builtins"); see
docs/design.md.

    {{ balance|money }}            ฿1,234.50
    {{ entry.amount|money:"signed" }}   +฿0.61 / -฿17.50
    {{ service.rate|rate }}        ฿43.23 (per 1,000, as precise as it was set)
    {{ order.created_at|when }}    7 ธ.ค. 2569 19:12 (Bangkok time, the reader's language)
    {{ top_up.expires_at|when:"time" }}   19:42
    {{ span|duration }}            2 h 5 min
"""

from django import template

from snshelper.core import dates
from snshelper.core import money as amounts

register = template.Library()


@register.filter
def money(amount, how: str = "") -> str:
    """``how``: "signed" for a movement (+/-), or a currency code other than the baht ("USD")."""
    if how == "signed":
        return amounts.on_screen(amount, signed=True)
    return amounts.on_screen(amount, currency=how or "THB")


@register.filter
def rate(value, currency: str = "") -> str:
    return amounts.rate_on_screen(value, currency=currency or "THB")


@register.filter
def when(value, style: str = "datetime") -> str:
    return dates.on_screen(value, style)


@register.filter
def duration(delta) -> str:
    return dates.duration(delta)
