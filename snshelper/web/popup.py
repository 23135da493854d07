"""The announcement popup shows once per announcement per visitor (issue 17), remembered where the
visitor lets us: on a signed-in member's account (every device), in the declared popup cookie when
optional cookies are allowed, and otherwise only for the browser session (policy P13: no optional
cookie after a refusal; the session cookie is strictly necessary and ends with the browser).

It never stands in anybody's way: not on staff pages, not on a form being sent (a POST answer) or the
account forms, and not while the cookie banner is showing (the two never stack; the popup comes on
the next page). On pages that are a form to fill the browser does not open it (web/popup.js)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from snshelper.privacy.cookies import current_choice, optional_cookies_allowed
from snshelper.staff.access import declared_roles, is_staff_route
from snshelper.web import selectors, services

SESSION_KEY = "popup_seen_up_to"
ACCOUNT_FORMS = (
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/",
    "/accounts/2fa/",
    "/accounts/confirm-email/",
)


def may_show(request: HttpRequest) -> bool:
    """Whether this page may carry the popup at all."""
    if request.method != "GET" or request.path.startswith(ACCOUNT_FORMS):
        return False
    if current_choice(request) is None:  # the cookie banner is showing
        return False
    match = getattr(request, "resolver_match", None)
    staff_view = match is not None and declared_roles(match.func) is not None
    return not (staff_view or is_staff_route(request.path.lstrip("/")))


def dismissed_up_to(request: HttpRequest) -> int:
    seen = [_cookie_value(request)] if optional_cookies_allowed(request) else []
    session = getattr(request, "session", None)
    if session is not None:
        seen.append(int(session.get(SESSION_KEY, 0)))
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        seen.append(selectors.popup_seen_up_to(member=user))
    return max(seen, default=0)


def remember_dismissed(request: HttpRequest, response: HttpResponse, announcement_id: int) -> None:
    up_to = max(announcement_id, dismissed_up_to(request))
    if request.user.is_authenticated:
        services.remember_popup_seen(member=request.user, up_to=up_to)
    if optional_cookies_allowed(request):
        response.set_cookie(
            settings.POPUP_COOKIE_NAME,
            str(up_to),
            max_age=settings.POPUP_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    elif not request.user.is_authenticated:
        if request.session.is_empty():
            request.session.set_expiry(0)  # a visitor's session ends when the browser closes
        request.session[SESSION_KEY] = up_to


def _cookie_value(request: HttpRequest) -> int:
    value = request.COOKIES.get(settings.POPUP_COOKIE_NAME, "")
    return int(value) if value.isdigit() else 0
