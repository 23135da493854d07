"""The security pledge every staff member signs before personal data opens to them (P17).

The text is the template ``staff/pledge.html`` (translated like any page). Changing what it asks of
staff means raising ``PLEDGE_VERSION``: everybody then signs again before their next staff page.
"""

import hashlib

from django.template.loader import render_to_string

PLEDGE_VERSION = "2026-11"
TEMPLATE = "staff/pledge.html"


def pledge_text() -> str:
    """The pledge in the active language, as the staff member reads it."""
    return render_to_string(TEMPLATE, {"version": PLEDGE_VERSION}).strip()


def text_hash(text: str) -> str:
    """A fingerprint of the text signed: the same text in the same language gives the same hash."""
    return hashlib.sha256(text.encode()).hexdigest()
