"""Upstream providers we forward orders to over API v2, their catalogues, and each order's
journey to them (forwarding, refill and cancel requests passed on)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.catalog.models import RATE, Service
from snshelper.core import clock
from snshelper.core.encryption import EncryptedTextField
from snshelper.orders.models import CancelRequest, Order, RefillRequest


class Provider(models.Model):
    class PriceChanges(models.TextChoices):
        APPLY = "apply", _("Apply at once by the markup rule (and report)")
        REVIEW = "review", _("Hold for review; pause a service that would sell at a loss")

    name = models.CharField(_("name"), max_length=100, unique=True)
    api_url = models.URLField(_("API URL"), max_length=300)
    api_key = EncryptedTextField(_("API key"))
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    exchange_rate = models.DecimalField(
        _("exchange rate"),
        max_digits=14,
        decimal_places=6,
        default=Decimal("1"),
        help_text=_("How much of our currency one unit of the provider's currency costs."),
    )
    timeout_seconds = models.DecimalField(
        _("timeout (seconds)"), max_digits=5, decimal_places=2, default=Decimal("20")
    )
    supports_idempotency = models.BooleanField(
        _("honours idempotency keys"),
        default=False,
        help_text=_(
            "The provider answers a repeated add with the same idempotency_key with the first order. "
            "Only then is an unconfirmed order looked up automatically; otherwise staff decide."
        ),
    )
    markup_percent = models.DecimalField(
        _("default markup (%)"), max_digits=7, decimal_places=2, default=Decimal("30")
    )
    markup_fixed = models.DecimalField(_("default markup (fixed, per 1,000)"), default=Decimal("0"), **RATE)
    rounding = models.CharField(
        _("rounding"), max_length=4, choices=Service.Rounding.choices, default=Service.Rounding.CENTS
    )
    price_changes = models.CharField(
        _("when the provider changes a price"),
        max_length=8,
        choices=PriceChanges.choices,
        default=PriceChanges.REVIEW,
    )
    is_active = models.BooleanField(_("active"), default=True)
    balance = models.DecimalField(null=True, blank=True, **RATE)
    balance_currency = models.CharField(max_length=3, blank=True)
    balance_checked_at = models.DateTimeField(null=True, blank=True)
    services_synced_at = models.DateTimeField(null=True, blank=True)
    statuses_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProviderService(models.Model):
    """A service as the provider's ``services`` action last described it."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    external_id = models.CharField(max_length=50)
    name = models.CharField(max_length=300)
    type = models.CharField(max_length=50, default="Default")
    category = models.CharField(max_length=300, blank=True)
    rate = models.DecimalField(**RATE)  # per 1,000, in the provider's currency
    min_quantity = models.PositiveIntegerField(default=1)
    max_quantity = models.PositiveIntegerField(default=1)
    refill = models.BooleanField(default=False)
    cancel = models.BooleanField(default=False)
    dripfeed = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    average_time = models.CharField(max_length=100, blank=True)
    available = models.BooleanField(default=True)
    first_seen_at = models.DateTimeField(default=clock.now)
    last_seen_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["provider", "category", "id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "external_id"], name="one_row_per_provider_service")
        ]

    def __str__(self):
        return f"{self.provider} #{self.external_id} {self.name}"


class CatalogChange(models.Model):
    """What a re-sync found different at the provider, and what was done about it."""

    class Kind(models.TextChoices):
        NEW = "new", _("New service")
        PRICE = "price", _("Price changed")
        LIMITS = "limits", _("Minimum or maximum changed")
        GONE = "gone", _("No longer offered")
        BACK = "back", _("Offered again")

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied by rule")
        PAUSED = "paused", _("Our service paused")
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted by staff")
        DISMISSED = "dismissed", _("Dismissed by staff")
        NOTED = "noted", _("Noted (not sold by us)")

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="changes")
    provider_service = models.ForeignKey(ProviderService, on_delete=models.CASCADE, related_name="changes")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detected_at = models.DateTimeField(default=clock.now)
    handled_by = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-detected_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.provider_service}"


class Forwarding(models.Model):
    """One order's journey to its provider.

    Written in the same transaction as the order (an outbox: no order is lost between commit and
    queue). ``sending`` is committed BEFORE the request leaves, so a crash or a lost reply leaves a
    trace: such an order is never sent again blindly, only looked up (a provider that honours
    idempotency keys) or put to staff.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("At the provider")
        UNCONFIRMED = "unconfirmed", _("Sent, reply lost: to reconcile")
        REFUSED = "refused", _("Refused by the provider")
        MANUAL = "manual", _("Moved to our manual queue")
        ABANDONED = "abandoned", _("Canceled before reaching the provider")
        CONFLICT = "conflict", _("The provider gave an order number another order has")
        ATTENTION = "attention", _("Needs attention: gave up sending")

    order = models.OneToOneField(Order, primary_key=True, on_delete=models.CASCADE, related_name="forwarding")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="forwardings")
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    external_id = models.CharField(max_length=50, blank=True)
    # The order number the provider answered when another of our orders already has it (a
    # provider restarted or renumbered, a shared account): kept for staff, never synced.
    conflicting_external_id = models.CharField(max_length=50, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    provider_charge = models.DecimalField(null=True, blank=True, **RATE)
    provider_currency = models.CharField(max_length=3, blank=True)
    missing_count = models.PositiveSmallIntegerField(default=0)  # "Incorrect order ID" answers in a row
    last_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["provider", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"],
                condition=~Q(external_id=""),
                name="one_order_per_provider_order",
            ),
        ]

    def __str__(self):
        return f"{self.order} → {self.provider} ({self.state})"


class PassedOn(models.Model):
    """A member's request about a provider's order (refill, cancel), passed on to the provider."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Accepted by the provider")
        REFUSED = "refused", _("Refused by the provider")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{type(self).__name__} #{self.pk} → {self.provider_id} ({self.state})"


class ForwardedRefill(PassedOn):
    refill = models.OneToOneField(
        RefillRequest, primary_key=True, on_delete=models.CASCADE, related_name="forwarded"
    )
    external_id = models.CharField(max_length=50, blank=True)  # the provider's refill id


class ForwardedCancel(PassedOn):
    cancel_request = models.OneToOneField(
        CancelRequest, primary_key=True, on_delete=models.CASCADE, related_name="forwarded"
    )


class ProviderCall(models.Model):
    """One request to a provider and how it went: the providers page's error rate and latency."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="calls")
    action = models.CharField(max_length=20)
    ok = models.BooleanField()
    outcome = models.CharField(max_length=100, blank=True)  # e.g. "timeout", "html page", "error: ..."
    milliseconds = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["provider", "-at"])]

    def __str__(self):
        return f"{self.provider_id} {self.action} {'ok' if self.ok else self.outcome}"
