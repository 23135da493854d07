"""Order data: the SNS account IDs, links and texts a member gives (contract and payment, 5 years)."""

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat

from snshelper.orders.models import Status
from snshelper.privacy import registry
from snshelper.privacy.registry import (
    ANONYMISE,
    Category,
    Purpose,
    not_personal,
    owned_by,
    personal_data,
    sweep,
    sweep_with,
)

FINAL = [Status.COMPLETED, Status.PARTIAL, Status.CANCELED]

ORDER = {"category": Category.ORDER_DATA, "purpose": Purpose.CONTRACT_PAYMENT, "retention": "contract"}
PAY = {"category": Category.PAYMENT_RECORD, "purpose": Purpose.CONTRACT_PAYMENT, "retention": "payment"}

personal_data("orders.Order", "link", **ORDER)
personal_data("orders.Order", "comments", **ORDER)
personal_data("orders.Order", "type_fields", **ORDER)
personal_data("orders.Order", "charge", **PAY)
personal_data("orders.Order", "refunded", **PAY)
personal_data("orders.Order", "created_at", **ORDER)
personal_data("orders.OrderTransition", "reason", **ORDER)
not_personal(
    "orders.Order", "idempotency_key", reason="A key the member's program sends to make retries safe."
)
personal_data("orders.RefillRequest", "reason", **ORDER)
personal_data("orders.RefillRequest", "requested_at", **ORDER)
personal_data("orders.CancelRequest", "reason", **ORDER)
personal_data("orders.CancelRequest", "requested_at", **ORDER)
personal_data("orders.Subscription", "username", **ORDER)
personal_data("orders.Subscription", "reason", **ORDER)
personal_data("orders.SubscriptionPost", "link", **ORDER)
personal_data("orders.SubscriptionTransition", "reason", **ORDER)

owned_by("orders.Order", "member")
for model in (
    "orders.OrderTransition",
    "orders.RefillRequest",
    "orders.CancelRequest",
    "orders.Subscription",
):
    owned_by(model, "order__member")
owned_by("orders.SubscriptionPost", "subscription__order__member")
owned_by("orders.SubscriptionTransition", "subscription__order__member")

# --- Retention: contract records, 5 years after the order last changed ------------------------
# Orders are anonymised, never deleted: ledger transactions name them, and their amounts are the
# payment records. A finished order's link, comments and typed fields go, with the texts of its
# history (transitions, refills, cancels, a subscription's account and posts).
sweep(
    "orders.Order",
    rule="contract",
    since="updated_at",
    action=ANONYMISE,
    when=Q(status__in=FINAL),
    anonymise={"link": "", "comments": "", "type_fields": {}},
)
sweep_with("orders.OrderTransition", parent="orders.Order", via="order", anonymise={"reason": ""})
sweep_with("orders.RefillRequest", parent="orders.Order", via="order", anonymise={"reason": ""})
sweep_with("orders.CancelRequest", parent="orders.Order", via="order", anonymise={"reason": ""})
sweep_with(
    "orders.Subscription", parent="orders.Order", via="order", anonymise={"username": "", "reason": ""}
)
# A subscription's post links are unique per subscription: each becomes its child order's number.
sweep_with(
    "orders.SubscriptionPost",
    parent="orders.Order",
    via="subscription__order",
    anonymise={"link": Concat(Value("#"), Cast("order_id", output_field=CharField()))},
)
sweep_with(
    "orders.SubscriptionTransition",
    parent="orders.Order",
    via="subscription__order",
    anonymise={"reason": ""},
)


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("orders.Order", "id", reason=registry.KEY)
registry.not_personal("orders.Order", "member", reason=registry.MEMBER_LINK)
registry.not_personal("orders.Order", "service", reason=registry.LINK)
registry.not_personal(
    "orders.Order",
    "quantity",
    "runs",
    "interval",
    "runs_done",
    "rate",
    "status",
    "start_count",
    "remains",
    "updated_at",
    reason="What was ordered (quantities, runs, price per unit) and its progress: not the person.",
)
registry.not_personal("orders.OrderTransition", "id", reason=registry.KEY)
registry.not_personal("orders.OrderTransition", "order", reason=registry.LINK)
registry.not_personal(
    "orders.OrderTransition",
    "from_status",
    "to_status",
    "start_count",
    "remains",
    "at",
    reason="An order's change of state, counts and time: the handling of the order.",
)
registry.not_personal("orders.OrderTransition", "by", reason=registry.ACTOR_LINK)
registry.not_personal("orders.RefillRequest", "id", reason=registry.KEY)
registry.not_personal("orders.RefillRequest", "order", reason=registry.LINK)
registry.not_personal(
    "orders.RefillRequest",
    "status",
    "handled_at",
    reason="The request's state and when it was handled: the handling of the order.",
)
registry.not_personal("orders.RefillRequest", "handled_by", reason=registry.ACTOR_LINK)
registry.not_personal("orders.CancelRequest", "id", reason=registry.KEY)
registry.not_personal("orders.CancelRequest", "order", reason=registry.LINK)
registry.not_personal(
    "orders.CancelRequest",
    "status",
    "handled_at",
    reason="The request's state and when it was handled: the handling of the order.",
)
registry.not_personal("orders.CancelRequest", "handled_by", reason=registry.ACTOR_LINK)
registry.not_personal("orders.DripFeedRun", "id", reason=registry.KEY)
registry.not_personal("orders.DripFeedRun", "order", reason=registry.LINK)
registry.not_personal(
    "orders.DripFeedRun",
    "number",
    "due_at",
    "status",
    "done_at",
    reason="A drip-feed run's number, schedule and state: the handling of the order.",
)
registry.not_personal("orders.DripFeedRun", "done_by", reason=registry.ACTOR_LINK)
registry.not_personal("orders.Subscription", "order", reason=registry.LINK)
registry.not_personal(
    "orders.Subscription",
    "min",
    "max",
    "posts",
    "old_posts",
    "delay",
    "expiry",
    "status",
    "posts_done",
    "updated_at",
    reason="The subscription's settings (amounts, posts, delay, expiry) and progress: not the person.",
)
registry.not_personal("orders.SubscriptionPost", "id", reason=registry.KEY)
registry.not_personal("orders.SubscriptionPost", "subscription", "order", reason=registry.LINK)
registry.not_personal(
    "orders.SubscriptionPost",
    "existing",
    "due_at",
    "created",
    reason="When a post of a subscription is due and whether it existed before: the handling of the order.",
)
registry.not_personal("orders.SubscriptionPost", "recorded_by", reason=registry.ACTOR_LINK)
registry.not_personal("orders.SubscriptionTransition", "id", reason=registry.KEY)
registry.not_personal("orders.SubscriptionTransition", "subscription", reason=registry.LINK)
registry.not_personal(
    "orders.SubscriptionTransition",
    "from_status",
    "to_status",
    "at",
    reason="A subscription's change of state and time: the handling of the order.",
)
registry.not_personal("orders.SubscriptionTransition", "by", reason=registry.ACTOR_LINK)
