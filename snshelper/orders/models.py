"""Orders and their state machine. Status strings are API v2's, exactly."""

import hashlib
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.catalog.models import Service
from snshelper.core import clock
from snshelper.wallet.models import MONEY


class Status(models.TextChoices):
    PENDING = "Pending", _("Pending")
    IN_PROGRESS = "In progress", _("In progress")
    PROCESSING = "Processing", _("Processing")
    COMPLETED = "Completed", _("Completed")
    PARTIAL = "Partial", _("Partial")
    CANCELED = "Canceled", _("Canceled")


class Actor(StrEnum):
    """Who asks an order to move (the history row's ``by`` says which person, if anyone)."""

    MEMBER = "member"  # on the site: never moves an order, asks staff to cancel it (CancelRequest)
    API = "api"  # a reseller over API v2 or v1: the same, through a cancel request
    STAFF = "staff"  # the manual queue, orders that could not be forwarded, the demo data
    PROVIDER = "provider"  # the status sync: the upstream provider's word on the orders it holds
    SYSTEM = "system"  # a move another record makes: a cancel request accepted, the last drip-feed
    # run delivered, a subscription started or ended


_FULFILS = frozenset({Actor.STAFF, Actor.PROVIDER})
_FOLLOWS = _FULFILS | {Actor.SYSTEM}

# The one table of order moves, (from, to) → who may make it; a move not listed, nobody.
# Completed, Partial and Canceled are final. Moving an order to the status it has changes
# nothing, for whoever may make moves at all (status syncs, retries and double clicks repeat).
MOVES: dict[tuple[str, str], frozenset[Actor]] = {
    (Status.PENDING, Status.PROCESSING): _FULFILS,
    (Status.PENDING, Status.IN_PROGRESS): _FOLLOWS,  # system: a subscription starts
    (Status.PENDING, Status.COMPLETED): _FULFILS,
    (Status.PENDING, Status.PARTIAL): _FULFILS,
    (Status.PENDING, Status.CANCELED): _FOLLOWS,  # system: a cancel request accepted
    (Status.PROCESSING, Status.IN_PROGRESS): _FULFILS,
    (Status.PROCESSING, Status.COMPLETED): _FULFILS,
    (Status.PROCESSING, Status.PARTIAL): _FULFILS,
    (Status.PROCESSING, Status.CANCELED): _FOLLOWS,  # system: a cancel request accepted
    (Status.IN_PROGRESS, Status.PROCESSING): _FULFILS,
    (Status.IN_PROGRESS, Status.COMPLETED): _FOLLOWS,  # system: the last run, a subscription's end
    (Status.IN_PROGRESS, Status.PARTIAL): _FULFILS,
    (Status.IN_PROGRESS, Status.CANCELED): _FOLLOWS,  # system: a request accepted, a subscription
}
# Who may make any move at all (and so repeat one): not members or resellers.
MOVERS: frozenset[Actor] = frozenset().union(*MOVES.values())
# The same table by status: where each status may go, whoever moves it.
TRANSITIONS: dict[str, set[str]] = {
    status: {to for (start, to) in MOVES if start == status} for status in Status
}
ACTIVE = [Status.PENDING, Status.PROCESSING, Status.IN_PROGRESS]


class Order(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="orders"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="orders"
    )
    link = models.CharField(_("link or account ID"), max_length=500)
    quantity = models.PositiveIntegerField(_("quantity"))
    runs = models.PositiveIntegerField(_("drip-feed runs"), null=True, blank=True)
    interval = models.PositiveIntegerField(_("drip-feed interval (minutes)"), null=True, blank=True)
    runs_done = models.PositiveIntegerField(_("drip-feed runs delivered"), default=0)
    comments = models.TextField(_("comments"), blank=True)
    # usernames, hashtags, answer_number, ...
    type_fields = models.JSONField(
        _("order details (usernames, comments, answers)"), default=dict, blank=True
    )
    rate = models.DecimalField(_("price per 1,000"), **MONEY)  # the service's rate when ordered
    charge = models.DecimalField(_("price charged"), **MONEY)
    refunded = models.DecimalField(_("amount refunded"), default=0, **MONEY)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    start_count = models.PositiveIntegerField(_("start count"), null=True, blank=True)
    remains = models.PositiveIntegerField(_("remaining"), null=True, blank=True)
    idempotency_key = models.CharField(_("retry key"), max_length=200, blank=True)
    # While the order is active on a service that takes one active order per link: a hash of the
    # link (see ``link_key``), unique per member and service; None otherwise. The rule
    # ``one_active_order_per_link`` is this index, checked by the order's own INSERT.
    active_link = models.CharField(  # noqa: DJ001 - None, not "", is outside the unique index
        _("active link key"), max_length=64, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("ordered at"), default=clock.now, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), default=clock.now, db_index=True)  # retention sweep

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotency",
            ),
            models.CheckConstraint(
                condition=Q(refunded__lte=models.F("charge")), name="refund_within_charge"
            ),
            models.UniqueConstraint(
                fields=["member", "service", "active_link"],
                condition=Q(active_link__isnull=False),
                name="one_active_order_per_link",
            ),
        ]
        indexes = [models.Index(fields=["member", "status", "-created_at"])]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def total_quantity(self) -> int:
        return self.quantity * (self.runs or 1)


def link_key(link: str) -> str:
    """The key under which an active order holds its link (``Order.active_link``): the SHA-256 of
    the link as the order keeps it (stripped), so the index stays small whatever the link's length."""
    return hashlib.sha256(link.encode()).hexdigest()


class OrderTransition(models.Model):
    """Who moved an order from one status to another, when and why (with the counts then)."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("previous status"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("new status"), max_length=16, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    start_count = models.PositiveIntegerField(_("start count"), null=True, blank=True)
    remains = models.PositiveIntegerField(_("remaining"), null=True, blank=True)
    at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.order} {self.from_status or '∅'} → {self.to_status}"


class RefillStatus(models.TextChoices):  # API v2 strings, exactly
    PENDING = "Pending", _("Pending")
    IN_PROGRESS = "In progress", _("In progress")
    COMPLETED = "Completed", _("Completed")
    REJECTED = "Rejected", _("Rejected")
    CANCELED = "Canceled", _("Canceled")


OPEN_REFILL = [RefillStatus.PENDING, RefillStatus.IN_PROGRESS]


class RefillRequest(models.Model):
    """A member asks for units that dropped to be put back, inside the service's refill window."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="refills"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RefillStatus.choices, default=RefillStatus.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"), default=clock.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("refill request")
        verbose_name_plural = _("refill requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=["Pending", "In progress"]),
                name="one_open_refill_per_order",
            ),
        ]

    def __str__(self):
        return f"Refill #{self.pk} of {self.order}"


class CancelRequest(models.Model):
    """A member asks to cancel an order that has not started (services that allow it)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for our staff")
        ACCEPTED = "accepted", _("Canceled and refunded")
        REJECTED = "rejected", _("Not canceled")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="cancel_requests"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested at"), default=clock.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="pending"), name="one_open_cancel_per_order"
            ),
        ]

    def __str__(self):
        return f"Cancel request #{self.pk} of {self.order}"


class DripFeedRun(models.Model):
    """One delivery of a drip-feed order. The queue releases it when due; staff deliver it."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DUE = "due", _("Due")
        DONE = "done", _("Delivered")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="drip_runs"
    )
    number = models.PositiveIntegerField(_("run number"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    done_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delivered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("drip-feed run")
        verbose_name_plural = _("drip-feed runs")
        ordering = ["order", "number"]
        constraints = [models.UniqueConstraint(fields=["order", "number"], name="one_run_per_number")]

    def __str__(self):
        return f"{self.order} run {self.number}"


# --- Subscriptions ---------------------------------------------------------------------------


class SubscriptionStatus(models.TextChoices):  # API v2 strings, exactly
    ACTIVE = "Active", _("Active")
    PAUSED = "Paused", _("Paused")
    COMPLETED = "Completed", _("Completed")
    EXPIRED = "Expired", _("Expired")
    CANCELED = "Canceled", _("Canceled")


# The one table of allowed subscription transitions. Completed, Expired and Canceled are final.
SUBSCRIPTION_TRANSITIONS: dict[str, set[str]] = {
    SubscriptionStatus.ACTIVE: {
        SubscriptionStatus.PAUSED,
        SubscriptionStatus.COMPLETED,
        SubscriptionStatus.EXPIRED,
        SubscriptionStatus.CANCELED,
    },
    SubscriptionStatus.PAUSED: {
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.EXPIRED,
        SubscriptionStatus.CANCELED,
    },
    SubscriptionStatus.COMPLETED: set(),
    SubscriptionStatus.EXPIRED: set(),
    SubscriptionStatus.CANCELED: set(),
}
OPEN_SUBSCRIPTION = [SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED]


class Subscription(models.Model):
    """A member's standing order for an account's posts (API v2 type "Subscriptions").

    It is anchored on an ``Order`` (charge 0, link = the username) so API v2 keeps one id space;
    each post staff record places a child order, charged then (``SubscriptionPost``).
    """

    order = models.OneToOneField(
        Order,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="subscription",
    )
    username = models.CharField(_("account"), max_length=500)
    min = models.PositiveIntegerField(_("minimum per post"))
    max = models.PositiveIntegerField(_("maximum per post"))
    posts = models.PositiveIntegerField(_("new posts"), null=True, blank=True)
    old_posts = models.PositiveIntegerField(_("existing posts"), null=True, blank=True)
    delay = models.PositiveIntegerField(_("delay (minutes)"), default=0)
    expiry = models.DateField(_("expiry"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.ACTIVE,
        db_index=True,
    )
    posts_done = models.PositiveIntegerField(_("posts ordered"), default=0)
    reason = models.CharField(_("reason"), max_length=300, blank=True)  # why it paused or ended
    updated_at = models.DateTimeField(_("last changed"), default=clock.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(min__gte=1) & Q(max__gte=models.F("min")), name="subscription_min_max"
            ),
            models.CheckConstraint(
                condition=Q(posts__gte=1) | Q(old_posts__gte=1), name="subscription_has_posts"
            ),
        ]

    def __str__(self):
        return f"Subscription {self.order}"

    @property
    def posts_allowed(self) -> int:
        return (self.posts or 0) + (self.old_posts or 0)


class SubscriptionPost(models.Model):
    """A post staff recorded on a subscription, and the child order it placed."""

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="post_orders"
    )
    link = models.CharField(_("post link"), max_length=500)
    existing = models.BooleanField(
        _("existing post"), default=False, help_text=_("Published before the subscription (old_posts).")
    )
    order = models.OneToOneField(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="subscription_post"
    )
    due_at = models.DateTimeField(_("starts at"), db_index=True)  # created + the subscription's delay
    created = models.DateTimeField(_("recorded at"), default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("subscription post")
        verbose_name_plural = _("subscription posts")
        ordering = ["created", "order_id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "link"], name="one_child_order_per_post"),
        ]

    def __str__(self):
        return f"{self.subscription} post {self.link}"


class SubscriptionTransition(models.Model):
    """Who moved a subscription from one status to another, when and why."""

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        _("previous status"), max_length=16, choices=SubscriptionStatus.choices, blank=True
    )
    to_status = models.CharField(_("new status"), max_length=16, choices=SubscriptionStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        verbose_name = _("subscription status change")
        verbose_name_plural = _("subscription status changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.subscription} {self.from_status or '∅'} → {self.to_status}"
