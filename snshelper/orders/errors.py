"""Order errors: each message is what API v2 clients and members are told."""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from snshelper.core.errors import DomainError


class OrderError(DomainError):
    message = _("Incorrect request")


class IncorrectService(OrderError):
    message = _("Incorrect service ID")


class IncorrectLink(OrderError):
    message = _("Incorrect link")


class QuantityTooSmall(OrderError):
    message = _("Quantity less than minimal")


class QuantityTooLarge(OrderError):
    message = _("Quantity more than maximal")


class QuantityNotInSteps(OrderError):
    message = _("Quantity must be a multiple of the service's step")


class ActiveOrderForLink(OrderError):
    message = _("You already have an active order with this link")


class InvalidOrderFields(OrderError):
    message = _("Incorrect request")


def interpolate(message, values: dict):
    """``message % values``, translated when it is read (API v2 reads it in English, a page in Thai)."""
    return lazy(lambda: str(message) % values, str)()


def missing(field: str) -> InvalidOrderFields:
    """``Incorrect request: quantity is missing``: a field the order needs was not given."""
    return InvalidOrderFields(interpolate(_("Incorrect request: %(field)s is missing"), {"field": field}))


def not_a_whole_number(field: str) -> InvalidOrderFields:
    """``Incorrect request: max must be a whole number``: a field was given, but not as a number."""
    return InvalidOrderFields(
        interpolate(_("Incorrect request: %(field)s must be a whole number"), {"field": field})
    )


class IncorrectExpiry(InvalidOrderFields):
    """A subscription's expiry that is not a date written d/m/Y."""

    message = _("Incorrect expiry: write the date as d/m/Y, e.g. 25/12/2026")


class TransitionNotAllowed(OrderError):
    message = _("This order cannot move to that status")


class RefillNotAvailable(OrderError):
    message = _("Refill not available")


class CancelNotAvailable(OrderError):
    message = _("Cancel not available")
