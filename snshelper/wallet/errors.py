"""Wallet errors. Each carries a message a member can read (pages show it; API v2 maps it)."""

from django.utils.translation import gettext_lazy as _

from snshelper.core.errors import DomainError


class WalletError(DomainError):
    message = _("The payment could not be made.")


class InsufficientFunds(WalletError):
    message = _("Not enough funds on balance.")


class InvalidAmount(WalletError):
    message = _("Enter an amount greater than zero, with at most two decimals.")


class IdempotencyConflict(WalletError):
    """The same idempotency key was used for a different movement of money."""

    message = _("This request was already used for a different payment.")


class AlreadyHandled(WalletError):
    """A top-up or withdrawal that was approved, rejected, paid or expired cannot change again."""

    message = _("This request was already handled and cannot change now.")
