"""Order errors: each message is what API v2 clients and members are told."""

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


class TransitionNotAllowed(OrderError):
    message = _("This order cannot move to that status")


class RefillNotAvailable(OrderError):
    message = _("Refill not available")


class CancelNotAvailable(OrderError):
    message = _("Cancel not available")
