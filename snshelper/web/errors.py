"""Error pages in the site's layout and the visitor's language, each with a way back; the APIs
answer their errors as JSON (``{"error": ...}``) instead. Wired in ``snshelper/urls.py``
(handler400/403/404/500) and ``settings.CSRF_FAILURE_VIEW``.

An error can happen before the middleware has set up the request (a host we do not serve is
refused before sign-in is read), or be the database itself: the page is drawn for an anonymous
visitor when no one is signed in yet, and without the layout's reads when the layout fails."""

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


@dataclass(frozen=True)
class ErrorText:
    status: int
    title: str
    heading: str
    explanation: str
    api: str  # the API's {"error": ...}, in English as API clients expect


BAD_REQUEST = ErrorText(
    400,
    _("Request not understood"),
    _("We could not understand this request"),
    _(
        "Something in the request was incomplete or malformed. Go back and try again; if it happens again, "
        "ask us for help."
    ),
    "Incorrect request",
)
FORBIDDEN = ErrorText(
    403,
    _("No access"),
    _("This page is not open to you"),
    _(
        "Your account does not have access to this page. If you think it should, ask us for help and tell us "
        "which page you tried to open."
    ),
    "Forbidden",
)
NOT_FOUND = ErrorText(
    404,
    _("Page not found"),
    _("We could not find this page"),
    _(
        "The link may be old or mistyped, or the page was moved. Check the address, or start again from one "
        "of the pages below."
    ),
    "Not found",
)
EXPIRED_FORM = ErrorText(
    403,
    _("The form expired"),
    _("The form could not be sent"),
    _(
        "For your safety, a form works only for a while after the page is opened, and only with the site's "
        "essential cookies. Go back, reload the page and send the form again."
    ),
    "Forbidden",
)
TOO_LARGE = ErrorText(
    413,
    _("Too large to send"),
    _("What you sent is too large"),
    _(
        "The files and text sent at once are larger than we accept. Send smaller or fewer files (each at "
        "most 5 MB), or ask us for help."
    ),
    "Request too large",
)
SERVER_ERROR = ErrorText(
    500,
    _("Something went wrong"),
    _("Something went wrong on our side"),
    _(
        "The error was recorded for our team. Please try again in a few minutes; if you were sending "
        "something, check whether it arrived before you send it again."
    ),
    "Server error",
)


def _page(request: HttpRequest, error: ErrorText) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": error.api}, status=error.status)
    if not hasattr(request, "user"):  # refused before sign-in was read
        request.user = AnonymousUser()
    try:
        return render(request, "web/error_page.html", {"error": error}, status=error.status)
    except Exception:  # the layout's own reads failed: the plain page, which needs nothing
        logger.exception("The error page could not be drawn with the site's layout.")
        html = loader.get_template("web/error_plain.html").render({"error": error})
        return HttpResponse(html, status=error.status)


def bad_request(request, exception=None):
    return _page(request, BAD_REQUEST)


def permission_denied(request, exception=None):
    return _page(request, FORBIDDEN)


def page_not_found(request, exception=None):
    return _page(request, NOT_FOUND)


def csrf_failure(request, reason=""):
    """The form's security token was missing or stale (a page left open, cookies refused)."""
    return _page(request, EXPIRED_FORM)


def server_error(request):
    return _page(request, SERVER_ERROR)


def too_large(request):
    """A body over the declared limit, refused before it is read (``body_limit``)."""
    return _page(request, TOO_LARGE)
