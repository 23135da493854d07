"""API keys: a member's programs order with them (API v2 ``key``, JSON API bearer token).

The secret is shown once, when made or rotated; we keep only its SHA-256 hash (a random
160-bit secret needs no slow hash) and its first characters, so the member can tell keys apart.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock


class ApiKey(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key starts with"), max_length=12)
    secret_hash = models.CharField(_("key (stored as a one-way hash)"), max_length=64, unique=True)
    allowed_ips = models.TextField(
        _("allowed IP addresses"),
        blank=True,
        help_text=_("One address or network (CIDR) per line; empty allows any address."),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    rotated_at = models.DateTimeField(_("secret replaced at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from (IP address)"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member"], condition=Q(revoked_at=None), name="api_key_live")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """A JSON API v1 order request sent with an ``Idempotency-Key``: which body the key was first
    used with, and the order it made. A retry with the same body replays that order; another
    body with the key is refused; a retry while the first is still running is told to wait."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("idempotency key"), max_length=200)
    fingerprint = models.CharField(_("request body (SHA-256)"), max_length=64)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("first sent at"), default=clock.now)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["member", "key"], name="one_request_per_idempotency_key")
        ]

    def __str__(self):
        return f"{self.key} → {self.order_id or '…'}"
