"""Wallet errors. Each carries a message a member can read (pages show it; API v2 maps it)."""

from django.utils.translation import gettext_lazy as _


class WalletError(Exception):
    message = _("The payment could not be made.")

    def __init__(self, message=None):
        super().__init__(message or self.message)
        self.message = message or self.message


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
