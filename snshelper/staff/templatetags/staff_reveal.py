"""``{% masked value "account" %}``: personal data as staff see it until they reveal it (P16)."""

from django import template

from snshelper.staff import reveals

register = template.Library()


@register.simple_tag
def masked(value, kind="text") -> str:
    return reveals.mask(value, kind)
