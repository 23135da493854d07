"""Maintenance mode at the door: while it is on, members and visitors get the maintenance page
(HTTP 503 with ``Retry-After``; ``{"error": ...}`` on the APIs), and signed-in staff pass, as do
the sign-in pages (so staff can sign in), the health check, the language switch and the privacy
policy with its cookie choice (the closed page's cookie banner needs them). The job
queue does not go through here: the worker keeps forwarding orders and syncing providers.

It stands early in ``settings.MIDDLEWARE``, just after sign-in is read (it must know who is
staff), so a closed site does no more work than reading the state (cached briefly)."""

import logging
import math

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from snshelper.core import clock
from snshelper.maintenance import selectors
from snshelper.maintenance.selectors import Maintenance

logger = logging.getLogger(__name__)
UNGATED = ("/healthz", "/static/")  # answered without even reading the state
OPEN_PATHS = (
    *UNGATED,
    "/accounts/login/",
    "/accounts/2fa/authenticate/",
    "/accounts/logout/",
    "/i18n/setlang/",
    # The privacy policy and the cookie choice: the closed page's cookie banner links and posts there.
    "/privacy/",
)
API_PATHS = ("/api/v1/", "/api/v2")


def passes(request: HttpRequest) -> bool:
    if request.path.startswith(OPEN_PATHS):
        return True
    user = request.user
    return user.is_authenticated and user.is_active and user.is_staff


def retry_after(state: Maintenance) -> int:
    """Seconds until the expected end; once it has passed (or with none given), the setting's."""
    if state.ends_at is not None:
        left = (state.ends_at - clock.now()).total_seconds()
        if left > 0:
            return math.ceil(left)
    return settings.MAINTENANCE_RETRY_AFTER


def api_error(state: Maintenance) -> str:
    """The APIs' error, in English as API clients expect."""
    text = "Under maintenance"
    if state.ends_at is not None and state.ends_at > clock.now():
        text += f" until {state.ends_at.isoformat(timespec='minutes')}"
    message = state.messages.get("en", "")
    return f"{text}: {message}" if message else f"{text}, try again later"


def closed(request: HttpRequest, state: Maintenance) -> HttpResponse:
    if request.path.startswith(API_PATHS):
        response = JsonResponse({"error": api_error(state)}, status=503)
    else:
        overdue = state.ends_at is not None and state.ends_at <= clock.now()
        context = {
            "state": state,
            "message": state.message(),
            "overdue": overdue,
            "no_maintenance_banner": True,
        }
        response = render(request, "maintenance/closed.html", context, status=503)
    response["Retry-After"] = str(retry_after(state))
    response["Cache-Control"] = "no-store"
    return response


class MaintenanceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(UNGATED):
            return self.get_response(request)
        try:
            state = selectors.current()
        except DatabaseError:  # the page's own reads will fail and say so; this is not the place
            logger.warning("Maintenance mode could not be read: the database did not answer.")
            state = selectors.OFF
        request.maintenance = state
        if state.on and not passes(request):
            return closed(request, state)
        return self.get_response(request)
