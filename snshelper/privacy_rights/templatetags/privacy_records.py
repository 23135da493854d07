"""How the privacy records' codes read in the reader's language.

A request's steps and a breach's change log are written by our code as codes (``prepared``,
``members_added``), field names and numbers; these filters show them in words. What a person typed
(the officer's note on a step) is shown as typed."""

import re

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from snshelper.privacy.models import BreachIncident, RefusalGround

register = template.Library()

STEP_ACTIONS = {
    "received": pgettext_lazy("request step", "received"),
    "prepared": pgettext_lazy("request step", "copy prepared"),
    "mailed": pgettext_lazy("request step", "link mailed"),
    "not_mailed": pgettext_lazy("request step", "link not mailed"),
    "downloaded": pgettext_lazy("request step", "copy downloaded"),
    "withdrawn by the member": pgettext_lazy("request step", "withdrawn by the member"),
    "corrected": pgettext_lazy("request step", "corrected"),
    "correction notices to earlier recipients": pgettext_lazy(
        "request step", "correction notices to earlier recipients"
    ),
    "deleted": pgettext_lazy("request step", "deleted"),
    "processing stopped": pgettext_lazy("request step", "processing stopped"),
}
_REFUSED = re.compile(r"^refused \((?P<ground>\w+)\)$")
# Notes written by code (older rows may hold the ones no longer written).
_NOT_MAILED = {
    "email address under correction": pgettext_lazy("request step", "the email address is being corrected"),
    "email refused": pgettext_lazy("request step", "the email was refused"),
    "no email notices chosen": pgettext_lazy("request step", "the member chose no email notices"),
    "no notice made": pgettext_lazy("request step", "no notice was made"),
}
_PREPARED = re.compile(r"^(?P<records>\d+) records of (?P<kinds>\d+) kinds, (?P<size>\d+) bytes$")
_SHOWN_ON_SITE = re.compile(r"^(?P<why>.+); shown on site only$")
_FIXED_NOTES = {
    "identity verified": pgettext_lazy("request step", "identity verified"),
    "link to the export": pgettext_lazy("request step", "link to the copy"),
}

BREACH_ACTIONS = {
    "recorded": pgettext_lazy("breach log", "recorded"),
    "updated": pgettext_lazy("breach log", "updated"),
    "members_added": pgettext_lazy("breach log", "affected members added"),
    "reported": pgettext_lazy("breach log", "reported to the regulator"),
    "closed": pgettext_lazy("breach log", "closed"),
    "members_notified": pgettext_lazy("breach log", "affected members notified"),
}


@register.filter
def step_action(action: str) -> str:
    if match := _REFUSED.match(action):
        ground = match["ground"]
        label = RefusalGround(ground).label[:1] if ground in RefusalGround.values else ground
        return _("refused (ground %(ground)s)") % {"ground": label}
    return str(STEP_ACTIONS.get(action, action))


@register.filter
def step_note(note: str) -> str:
    if note in _FIXED_NOTES:
        return str(_FIXED_NOTES[note])
    if match := _PREPARED.match(note):
        return _("%(records)s records of %(kinds)s kinds, %(size)s bytes") % match.groupdict()
    if (match := _SHOWN_ON_SITE.match(note)) and match["why"] in _NOT_MAILED:
        return _("%(why)s: shown on the site only") % {"why": _NOT_MAILED[match["why"]]}
    return note


@register.filter
def breach_action(action: str) -> str:
    return str(BREACH_ACTIONS.get(action, action))


@register.filter
def breach_fields(names) -> str:
    """The incident's fields a change touched, by their labels."""
    labels = []
    for name in names or ():
        try:
            labels.append(str(BreachIncident._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(name)
    return ", ".join(labels)
