"""The cookies the site sets: these and no others (policy P13: the language and the popup choice,
besides what signing in, forms and this choice itself need). The cookies page, the policy page and
the browser tests read the list.

The two optional cookies are never set by merely visiting: only when the visitor asks for something
to be remembered (a language button, "Don't show again"). A visitor may refuse them; the refusal is
kept in one essential cookie, and for a signed-in member also in their account (with the policy
version in effect), so it follows them to another browser at sign-in. A refused browser gets no
optional cookie from any view: the middleware below deletes and strips them.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from snshelper.core import clock, parse
from snshelper.privacy.models import CookieChoice

CHOICE_COOKIE_NAME = "snshelper_cookies"
CHOICE_COOKIE_AGE = 365 * 24 * 3600
ACCEPTED, REFUSED = "accepted", "refused"
DAY = 24 * 3600

security_log = logging.getLogger("snshelper.security")


def lifetime_text(max_age: int, *, until_sign_out: bool = False) -> str:
    """How long a cookie lives, in words, in the active language (a year is 364 to 366 days)."""
    if max_age >= 364 * DAY:
        years = round(max_age / (365 * DAY))
        period = ngettext("%(n)s year", "%(n)s years", years) % {"n": years}
    elif max_age >= DAY and max_age % (7 * DAY) == 0:
        weeks = max_age // (7 * DAY)
        period = ngettext("%(n)s week", "%(n)s weeks", weeks) % {"n": weeks}
    elif max_age >= DAY:
        days = max_age // DAY
        period = ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    else:
        hours = max(max_age // 3600, 1)
        period = ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    if until_sign_out:
        return _("Until you sign out, at most %(period)s") % {"period": period}
    return period


@dataclass(frozen=True)
class CookieDeclaration:
    name: str
    purpose: str
    max_age: int  # seconds
    essential: bool
    setting_names: tuple[str, ...] = ()  # the settings that name it or set its age
    until_sign_out: bool = False

    @property
    def lifetime(self) -> str:
        return lifetime_text(self.max_age, until_sign_out=self.until_sign_out)


def declared_cookies() -> list[CookieDeclaration]:
    return [
        CookieDeclaration(
            settings.SESSION_COOKIE_NAME,
            _("Keeps you signed in."),
            settings.SESSION_COOKIE_AGE,
            essential=True,
            setting_names=("SESSION_COOKIE_NAME", "SESSION_COOKIE_AGE"),
            until_sign_out=True,
        ),
        CookieDeclaration(
            settings.CSRF_COOKIE_NAME,
            _("Protects forms against cross-site request forgery."),
            settings.CSRF_COOKIE_AGE,
            essential=True,
            setting_names=("CSRF_COOKIE_NAME", "CSRF_COOKIE_AGE"),
        ),
        CookieDeclaration(
            CHOICE_COOKIE_NAME,
            _("Remembers whether you accepted or refused the optional cookies, and the policy version."),
            CHOICE_COOKIE_AGE,
            essential=True,
        ),
        CookieDeclaration(
            settings.LANGUAGE_COOKIE_NAME,
            _("Remembers the language you chose."),
            settings.LANGUAGE_COOKIE_AGE,
            essential=False,
            setting_names=("LANGUAGE_COOKIE_NAME", "LANGUAGE_COOKIE_AGE"),
        ),
        CookieDeclaration(
            settings.POPUP_COOKIE_NAME,
            _("Remembers the announcement popups you closed, so each shows once."),
            settings.POPUP_COOKIE_AGE,
            essential=False,
            setting_names=("POPUP_COOKIE_NAME", "POPUP_COOKIE_AGE"),
        ),
    ]


def optional_cookie_names() -> list[str]:
    return [cookie.name for cookie in declared_cookies() if not cookie.essential]


# --- The visitor's choice ---------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    accepted: bool
    policy_version: int | None = None

    @property
    def value(self) -> str:
        word = ACCEPTED if self.accepted else REFUSED
        return word if self.policy_version is None else f"{word}.{self.policy_version}"

    @classmethod
    def parse(cls, value: str | None) -> "Choice | None":
        word, _dot, version = (value or "").partition(".")
        if word not in (ACCEPTED, REFUSED):
            return None
        return cls(accepted=word == ACCEPTED, policy_version=parse.record_id(version))


def current_choice(request: HttpRequest) -> Choice | None:
    """What this browser chose; None until the visitor (or their account, at sign-in) has chosen."""
    return Choice.parse(request.COOKIES.get(CHOICE_COOKIE_NAME))


def optional_cookies_allowed(request: HttpRequest) -> bool:
    """Whether a view may set the language or popup cookie for this visitor (not after a refusal)."""
    choice = current_choice(request)
    return choice is None or choice.accepted


def remember_choice(
    *, request: HttpRequest, response: HttpResponse, accepted: bool, policy_version: int | None
) -> Choice:
    """Keep the choice, made under the policy version in effect, in this browser and, for a
    signed-in member, in their account; a refusal deletes the optional cookies the browser holds."""
    choice = Choice(accepted=accepted, policy_version=policy_version)
    _write_choice(response, choice)
    if not accepted:
        _forget_optional_cookies(set(request.COOKIES), response)
    if request.user.is_authenticated:
        keep_member_choice(member=request.user, choice=choice)
    return choice


def keep_member_choice(*, member, choice: Choice) -> CookieChoice:
    """The member's latest choice, with the policy version it was made under (P21)."""
    kept, _created = CookieChoice.objects.update_or_create(
        member=member,
        defaults={
            "accepted": choice.accepted,
            "policy_version": choice.policy_version,
            "chosen_at": clock.now(),
        },
    )
    return kept


def _write_choice(response: HttpResponse, choice: Choice) -> None:
    response.set_cookie(
        CHOICE_COOKIE_NAME,
        choice.value,
        max_age=CHOICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _forget_optional_cookies(held: set[str], response: HttpResponse) -> None:
    """No optional cookie leaves with this response, and those the browser holds are deleted."""
    for name in optional_cookie_names():
        if name in held:
            response.delete_cookie(name, samesite="Lax")
        elif name in response.cookies:
            del response.cookies[name]


# --- Applying it on every request -------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="snshelper.privacy.cookie_choice_at_sign_in")
def _member_choice_at_sign_in(sender, request, user, **kwargs):
    """A member signing in on a browser that has not chosen brings the choice kept in their
    account; the middleware writes it into the response."""
    if request is None or CHOICE_COOKIE_NAME in request.COOKIES:
        return
    kept = CookieChoice.objects.filter(member=user).first()
    if kept is not None:
        request.member_cookie_choice = Choice(accepted=kept.accepted, policy_version=kept.policy_version)


class CookieChoiceMiddleware:
    """Sits after AuthenticationMiddleware. For a refused browser: optional cookies it still holds
    are ignored and deleted, a signed-in member sees the language kept in their account (the
    visitor, the browser's), and no optional cookie is set, whichever view tried."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        held = set(request.COOKIES)
        if not optional_cookies_allowed(request):
            _ignore_optional_cookies(request)
        response = self.get_response(request)
        pending = getattr(request, "member_cookie_choice", None)
        if pending is not None and CHOICE_COOKIE_NAME not in response.cookies:
            _write_choice(response, pending)
        choice = _choice_leaving_with(response) or current_choice(request)
        if choice is not None and not choice.accepted:
            _forget_optional_cookies(held, response)
        return response


def _ignore_optional_cookies(request: HttpRequest) -> None:
    stale = [name for name in optional_cookie_names() if name in request.COOKIES]
    if stale:
        request.COOKIES = {name: value for name, value in request.COOKIES.items() if name not in stale}
    if request.user.is_authenticated:
        language = request.user.language
    elif settings.LANGUAGE_COOKIE_NAME in stale:  # LocaleMiddleware went by it: the browser's instead
        language = translation.get_language_from_request(request)
    else:
        return
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


def _choice_leaving_with(response: HttpResponse) -> Choice | None:
    morsel = response.cookies.get(CHOICE_COOKIE_NAME)
    return Choice.parse(morsel.value) if morsel is not None and morsel["max-age"] != 0 else None


# --- The guard: no other cookie leaves us ------------------------------------------------------


class DeclaredCookiesOnlyMiddleware:
    """The outermost middleware: whatever a view, a middleware or a library set, a cookie that is
    not declared above does not leave with the response; the attempt is logged (P13). Deleting a
    cookie (an empty value that expires at once) stores nothing and passes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        undeclared = set(response.cookies) - {cookie.name for cookie in declared_cookies()}
        for name in sorted(undeclared):
            if not _is_deletion(response.cookies[name]):
                del response.cookies[name]
                security_log.warning(
                    "Refused an undeclared cookie %r on %s %s (not in privacy.cookies.declared_cookies)",
                    name,
                    request.method,
                    request.path,
                )
        return response


def _is_deletion(morsel) -> bool:
    return morsel.value == "" and morsel["max-age"] in (0, "0")


# --- Templates ---------------------------------------------------------------------------------


def cookie_context(request: HttpRequest) -> dict:
    """Context processor: the banner until the visitor chooses (not on the cookies page, which
    asks the same), and whether optional cookies are refused (the language switcher and the popup
    say what that changes)."""
    choice = current_choice(request)
    match = getattr(request, "resolver_match", None)
    on_cookies_page = match is not None and match.view_name == "privacy:cookies"
    return {
        "cookie_choice": choice,
        "optional_cookies_refused": choice is not None and not choice.accepted,
        "show_cookie_banner": choice is None and not on_cookies_page,
    }
