"""The cookies the site sets: these and no others (policy: language and popup choices only,
besides what signing in needs). The cookies page and the browser test read this list."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CookieDeclaration:
    name: str
    purpose: str
    lifetime: str
    essential: bool


def declared_cookies() -> list[CookieDeclaration]:
    return [
        CookieDeclaration(
            settings.SESSION_COOKIE_NAME,
            _("Keeps you signed in."),
            _("Until you sign out, at most 2 weeks"),
            essential=True,
        ),
        CookieDeclaration(
            settings.CSRF_COOKIE_NAME,
            _("Protects forms against cross-site request forgery."),
            _("1 year"),
            essential=True,
        ),
        CookieDeclaration(
            settings.LANGUAGE_COOKIE_NAME,
            _("Remembers the language you chose."),
            _("1 year"),
            essential=False,
        ),
        CookieDeclaration(
            settings.POPUP_COOKIE_NAME,
            _("Remembers that you chose not to see an announcement popup again."),
            _("1 year"),
            essential=False,
        ),
    ]
