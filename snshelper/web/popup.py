"""The "don't show this popup again" choice, kept in its one cookie (the id seen last). A visitor
who refused optional cookies gets no such cookie: the popup shows each time (policy P13)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from snshelper.privacy.cookies import optional_cookies_allowed


def dismissed_up_to(request: HttpRequest) -> int:
    if not optional_cookies_allowed(request):
        return 0
    value = request.COOKIES.get(settings.POPUP_COOKIE_NAME, "")
    return int(value) if value.isdigit() else 0


def remember_dismissed(request: HttpRequest, response: HttpResponse, announcement_id: int) -> None:
    if not optional_cookies_allowed(request):
        return
    response.set_cookie(
        settings.POPUP_COOKIE_NAME,
        str(max(announcement_id, dismissed_up_to(request))),
        max_age=settings.POPUP_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
