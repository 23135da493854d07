"""``{{ delta|duration }}``: a first-response or resolution time, short (e.g. "1 d 3 h", "2 h 5 min").
The design system's filter (snshelper.core.dates), kept under this name for the templates that load it."""

from django import template

from snshelper.core import dates

register = template.Library()
register.filter("duration", dates.duration)
