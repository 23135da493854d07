"""The kinds of notice there are. Each app declares its own in its ``notices.py``:

    declare("order_status", title=_("Order %(number)s: %(status)s"), body=_("..."), required=True)

Title and body are translatable texts filled with the notice's params when shown or sent, in the
language of whoever reads them. ``required``: the law or the contract requires the notice (a member
who stopped the processing of their data still gets it). ``prepare`` turns stored params into what
the text shows (a status label in the reader's language, say) and runs in that language.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    body: str
    required: bool
    prepare: Callable[[dict], dict] | None = None
    # A notice with more to say by email than its body (a policy change, a breach) names templates
    # ``<email_template>_subject.txt`` and ``_body.txt``, rendered with the prepared params.
    email_template: str = ""
    # Routine order updates: a member may keep these to the notification centre (a reseller with
    # thousands of orders a day does not want an email for each).
    routine: bool = False


KINDS: dict[str, Kind] = {}


class _Blank(dict):
    def __missing__(self, key):
        return "…"


def declare(
    key: str, *, title, body, required: bool, prepare=None, email_template: str = "", routine: bool = False
) -> Kind:
    if key in KINDS:
        raise ValueError(f"notice kind {key!r} is declared twice")
    KINDS[key] = Kind(
        key=key,
        title=title,
        body=body,
        required=required,
        prepare=prepare,
        email_template=email_template,
        routine=routine,
    )
    return KINDS[key]


def kind(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"notice kind {key!r} is not declared in any app's notices.py") from None


def values(key: str, params: dict) -> dict:
    """The params as the texts show them, in the active language."""
    declared = kind(key)
    shown = _Blank(params)
    if declared.prepare:
        shown.update(declared.prepare(dict(params)))
    return shown


def render(key: str, params: dict, language: str | None = None) -> tuple[str, str]:
    """(title, body) of a notice, in ``language`` (the active one when None)."""
    declared = kind(key)
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        shown = values(key, params)
        return str(declared.title) % shown, str(declared.body) % shown
