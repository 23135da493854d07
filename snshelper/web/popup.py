"""The "don't show this popup again" choice, kept in its one cookie (the id seen last)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def dismissed_up_to(request: HttpRequest) -> int:
    value = request.COOKIES.get(settings.POPUP_COOKIE_NAME, "")
    return int(value) if value.isdigit() else 0


def remember_dismissed(request: HttpRequest, response: HttpResponse, announcement_id: int) -> None:
    response.set_cookie(
        settings.POPUP_COOKIE_NAME,
        str(max(announcement_id, dismissed_up_to(request))),
        max_age=settings.POPUP_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
