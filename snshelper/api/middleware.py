"""The machine APIs (API v2, JSON API v1) go past the site's HTML-only middleware.

Sessions, sign-in, messages, the language from the session or cookie, the cookie choice, the
staff checks, CSRF and the per-request CSP are for pages a browser shows; a reseller's
program sends a key and reads JSON. This middleware stands just after the security headers and
static files in ``settings.MIDDLEWARE``: for the APIs' paths it does what those APIs need of the
rest (maintenance mode closes them, v1 reads the language of ``Accept-Language``, the answer gets
the pages' CSP and frame headers, built once), calls the view and returns its answer, so the
middleware after it never runs for them. Every other path goes on down the list as before. The
APIs' keys pages and docs pages are pages: they are not skipped.
"""

from csp.utils import build_policy
from django.conf import settings
from django.urls import resolve
from django.utils import translation

from snshelper.maintenance import middleware as maintenance
from snshelper.maintenance import selectors as maintenance_state

MACHINE_PATHS = maintenance.API_PATHS  # "/api/v1/", "/api/v2" (and "/api/v2/")
PAGES = ("/api/v1/docs",)  # JSON API v1's interactive docs: a page, with the pages' CSP


def is_machine_api(path: str) -> bool:
    return path.startswith(MACHINE_PATHS) and not path.startswith(PAGES)


class MachineApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # What the pages' CSP and frame middleware would add to a JSON answer, computed once: the
        # APIs' answers carry the same hardening headers as pages (no nonce: they hold no script).
        self.headers = {
            "Content-Security-Policy": build_policy(),
            "X-Frame-Options": settings.X_FRAME_OPTIONS,
        }

    def __call__(self, request):
        if not is_machine_api(request.path_info):
            return self.get_response(request)
        state = maintenance_state.current()
        if state.on:  # no one signs in to the APIs: closed to every key
            return maintenance.closed(request, state)
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        match = resolve(request.path_info)
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        if not response.streaming and "Content-Length" not in response:
            # As CommonMiddleware does for pages: the client knows where the answer ends, even when
            # the request's own body was refused unread.
            response.headers["Content-Length"] = str(len(response.content))
        return response
