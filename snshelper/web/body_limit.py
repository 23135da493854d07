"""Bodies over a declared size are refused before a byte of them is read (issue 16).

Django reads a body only when a view asks for it, and then reads it whole (an upload to a
temporary file): a 30 MB multipart sent with a wrong API key used to be read before the key was
checked. This middleware looks only at the declared ``Content-Length``: over ``API_REQUEST_MAX_BYTES``
on the APIs (JSON ``{"error": "Request too large"}``) or ``REQUEST_MAX_BYTES`` elsewhere (the error
page, in the visitor's language), the answer is 413 at once.
A body without a length (chunked) is not read by Django at all.
"""

from django.conf import settings
from django.utils import translation

from snshelper.web import errors


def declared_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def limit_for(path: str) -> int:
    if path.startswith(errors.API_PREFIX):
        return settings.API_REQUEST_MAX_BYTES
    return settings.REQUEST_MAX_BYTES


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if declared_length(request) > limit_for(request.path):
            # It stands before the APIs' middleware and the language's: the visitor's language is
            # read here (cookie, then Accept-Language), as LocaleMiddleware would.
            with translation.override(translation.get_language_from_request(request)):
                response = errors.too_large(request)
            response["Content-Length"] = str(len(response.content))  # the client needs no more
            return response
        return self.get_response(request)
