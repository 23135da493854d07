from django import template

from snshelper.staff import selectors

register = template.Library()


@register.simple_tag
def pledge_signed(member) -> bool:
    """Whether ``member`` signed the security pledge in force (for the dashboard's staff card)."""
    return selectors.has_signed_pledge(member)
