"""What we sell: platforms (with the rule an order's link must fit), categories and services."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

RATE = {"max_digits": 14, "decimal_places": 5}
QUANTUM = Decimal("0.00001")


class Translated(models.Model):
    """Names (and descriptions) in th / en / ko; an empty one falls back to Thai."""

    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def in_language(self, stem: str, language: str | None = None) -> str:
        language = (language or get_language() or "th")[:2]
        return getattr(self, f"{stem}_{language}", "") or getattr(self, f"{stem}_th")

    @property
    def name(self) -> str:
        return self.in_language("name")


class Platform(Translated):
    code = models.SlugField(_("code"), unique=True)
    link_pattern = models.CharField(
        _("link rule"), max_length=500, help_text=_("A regular expression a post or profile URL must match.")
    )
    account_pattern = models.CharField(
        _("account ID rule"),
        max_length=200,
        blank=True,
        help_text=_("A regular expression a bare account ID must match; empty when only links are taken."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def accepts(self, target: str) -> bool:
        """Whether an order's link or account ID fits this platform."""
        target = target.strip()
        if re.fullmatch(self.link_pattern, target, flags=re.IGNORECASE):
            return True
        return bool(self.account_pattern) and bool(re.fullmatch(self.account_pattern, target))


class Category(Translated):
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="categories", verbose_name=_("platform")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["platform__sort_order", "sort_order", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class Service(Translated):
    class Type(models.TextChoices):  # API v2 strings, exactly
        DEFAULT = "Default", _("Default")
        CUSTOM_COMMENTS = "Custom Comments", _("Custom comments")
        MENTIONS = "Mentions", _("Mentions")
        PACKAGE = "Package", _("Package")
        POLL = "Poll", _("Poll")
        SUBSCRIPTIONS = "Subscriptions", _("Subscriptions")

    class Fulfilment(models.TextChoices):
        MANUAL = "manual", _("Our staff (manual queue)")
        PROVIDER = "provider", _("An upstream provider (API v2)")

    class Rounding(models.TextChoices):
        CENTS = "0.01", _("Up to the satang (0.01)")
        TENTHS = "0.1", _("Up to 0.1")
        WHOLE = "1", _("Up to a whole baht")

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="services", verbose_name=_("category")
    )
    type = models.CharField(_("type"), max_length=32, choices=Type.choices, default=Type.DEFAULT)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    rate = models.DecimalField(_("price per 1,000"), **RATE)
    currency = models.CharField(_("currency"), max_length=3, default="THB")
    min_quantity = models.PositiveIntegerField(_("minimum"), default=1)
    max_quantity = models.PositiveIntegerField(_("maximum"), default=10_000)
    step = models.PositiveIntegerField(
        _("step"), default=1, help_text=_("Quantities must be a multiple of this.")
    )
    refill_days = models.PositiveSmallIntegerField(
        _("refill window (days)"), null=True, blank=True, help_text=_("Empty: no refill.")
    )
    cancel_allowed = models.BooleanField(_("cancel allowed"), default=False)
    dripfeed_allowed = models.BooleanField(_("drip-feed allowed"), default=False)
    one_active_order_per_link = models.BooleanField(
        _("one active order per link"),
        default=True,
        help_text=_("Refuse a new order for a link that already has one in progress on this service."),
    )
    average_minutes = models.PositiveIntegerField(
        _("average completion time (minutes)"), null=True, blank=True
    )
    fulfilment = models.CharField(
        _("fulfilment"), max_length=16, choices=Fulfilment.choices, default=Fulfilment.MANUAL
    )
    # Provider mapping and markup: our rate = provider's rate × exchange rate × (1 + percent / 100)
    # + fixed, rounded up. Re-syncs recompute it from these; they are never changed silently.
    provider_service = models.ForeignKey(
        "providers.ProviderService",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="our_services",
        verbose_name=_("provider's service"),
    )
    markup_percent = models.DecimalField(
        _("markup (%)"), max_digits=7, decimal_places=2, default=Decimal("0")
    )
    markup_fixed = models.DecimalField(_("markup (fixed, per 1,000)"), default=Decimal("0"), **RATE)
    rounding = models.CharField(_("rounding"), max_length=4, choices=Rounding.choices, default=Rounding.CENTS)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category__platform__sort_order", "category__sort_order", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0), name="rate_not_negative"),
            models.CheckConstraint(
                condition=Q(min_quantity__gte=1) & Q(step__gte=1), name="quantities_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_quantity__gte=models.F("min_quantity")), name="max_not_below_min"
            ),
            models.CheckConstraint(
                condition=Q(fulfilment="manual") | Q(provider_service__isnull=False),
                name="provider_fulfilment_needs_mapping",
            ),
        ]

    @property
    def description(self) -> str:
        return self.in_language("description")

    @property
    def platform(self) -> Platform:
        return self.category.platform

    @property
    def by_provider(self) -> bool:
        return self.fulfilment == self.Fulfilment.PROVIDER

    @property
    def orderable(self) -> bool:
        """Whether a member can order it now (it and its platform are active)."""
        return self.is_active and self.platform.is_active

    @property
    def refillable(self) -> bool:
        return self.refill_days is not None

    def price(self, quantity: int) -> Decimal:
        """What ``quantity`` units cost: rate per 1,000, to the fifth decimal."""
        return (self.rate * quantity / 1000).quantize(QUANTUM, rounding=ROUND_HALF_UP)
