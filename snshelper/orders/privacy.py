"""Order data: the SNS account IDs, links and texts a member gives (contract and payment, 5 years)."""

from snshelper.privacy.registry import Category, Purpose, not_personal, owned_by, personal_data

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
