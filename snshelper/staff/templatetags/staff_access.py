"""``{% if user|may_open:"orders_staff:queue" %}``: show a link to a staff page only to those the
access matrix lets open it (the roles read once for the request, as the page's own check)."""

from django import template

from snshelper.staff import access

register = template.Library()


@register.filter
def may_open(user, url_name: str) -> bool:
    return access.may_open(user, url_name)
