"""A per-address limit on the forms anyone may send without signing in (P15).

allauth limits its own forms (sign-in, sign-up, password reset, e-mail confirmation, MFA codes);
this covers every other POST a visitor can make (the language switch, the cookie choice, closing an
announcement) and any public form added later, so none of them can be flooded. The APIs are left
to their own per-key and failed-key limits.
"""

from django.conf import settings
from django.shortcuts import render

from snshelper.core import ratelimit
from snshelper.core.network import client_ip


class PublicFormRateLimitMiddleware:
    """Counts POSTs from visitors who are not signed in, per IP address; past the limit, 429."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._counted(request):
            verdict = ratelimit.hit("public-form", client_ip(request) or "unknown", settings.PUBLIC_FORM_RATE)
            if not verdict.allowed:
                return too_many_requests(request, retry_after=verdict.retry_after)
        return self.get_response(request)

    @staticmethod
    def _counted(request) -> bool:
        return (
            request.method == "POST"
            and not request.user.is_authenticated
            and not request.path.startswith(tuple(settings.PUBLIC_FORM_RATE_EXEMPT_PATHS))
        )


def too_many_requests(request, *, retry_after: int):
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
