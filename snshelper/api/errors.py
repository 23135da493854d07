"""API errors: the messages API v2 clients expect, word for word."""

from django.utils.translation import gettext_lazy as _

from snshelper.core.errors import DomainError


class ApiError(DomainError):
    message = _("Incorrect request")


class InvalidApiKey(ApiError):
    """Wrong, revoked, or used from an address the key does not allow: one answer for all."""

    message = _("Invalid API key")


class TooManyRequests(ApiError):
    message = _("Too many requests")

    def __init__(self, retry_after: int = 60):
        super().__init__()
        self.retry_after = retry_after


class ServiceUnavailable(ApiError):
    """A part the request needs (the rate limiter's store) does not answer: try again later."""

    message = _("Service temporarily unavailable")

    def __init__(self, retry_after: int = 30):
        super().__init__()
        self.retry_after = retry_after


class InvalidKeyFields(ApiError):
    message = _("Check the key's name and IP addresses.")


class IncorrectOrderId(ApiError):
    """No order of this member has that id (another member's orders do not exist for them)."""

    message = _("Incorrect order ID")


class RefillNotFound(ApiError):
    message = _("Refill not found")
