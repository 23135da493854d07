"""``{% masked value "account" %}``: personal data as staff see it until they reveal it (P16)."""

from django import template

from snshelper.core.masking import mask

register = template.Library()


@register.simple_tag
def masked(value, kind="text") -> str:
    return mask(value, kind)
