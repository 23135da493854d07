"""Notices the orders app sends: an order's status changes, and the outcome of refill and cancel
requests. Made from the recorded transitions after they commit, so a batch of provider reports
costs the status sync nothing more than queueing one job."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from snshelper.notifications import services as notices
from snshelper.notifications.kinds import declare
from snshelper.orders.models import CancelRequest, OrderTransition, RefillStatus, Status

NOTIFIED = {Status.IN_PROGRESS, Status.COMPLETED, Status.PARTIAL, Status.CANCELED}


def _status_label(params: dict) -> dict:
    status = params.get("status", "")
    return {"status": Status(status).label if status in Status.values else status}


def _refill_label(params: dict) -> dict:
    status = params.get("status", "")
    return {"status": RefillStatus(status).label if status in RefillStatus.values else status}


declare(
    "order_started",
    title=_("Order #%(number)s has started"),
    body=_("We have started your order #%(number)s (%(quantity)s). We will tell you when it is done."),
    required=False,
    routine=True,
)
declare(
    "order_completed",
    title=_("Order #%(number)s is completed"),
    body=_("Your order #%(number)s (%(quantity)s) is completed. Thank you for ordering with us."),
    required=True,
    routine=True,
)
declare(
    "order_partial",
    title=_("Order #%(number)s finished in part"),
    body=_(
        "Your order #%(number)s could deliver only part of its quantity: %(remains)s did not arrive. "
        "We refunded %(refunded)s THB to your balance."
    ),
    required=True,
    routine=True,
)
declare(
    "order_canceled",
    title=_("Order #%(number)s is canceled"),
    body=_("Your order #%(number)s is canceled. We refunded %(refunded)s THB to your balance."),
    required=True,
    routine=True,
)
declare(
    "refill_outcome",
    title=_("Refill of order #%(number)s: %(status)s"),
    body=_("Your refill request for order #%(number)s is now: %(status)s. %(reason)s"),
    required=True,
    prepare=_refill_label,
)
declare(
    "cancel_rejected",
    title=_("Order #%(number)s cannot be canceled"),
    body=_("We could not cancel your order #%(number)s: %(reason)s"),
    required=True,
)

KIND_OF = {
    Status.IN_PROGRESS: "order_started",
    Status.COMPLETED: "order_completed",
    Status.PARTIAL: "order_partial",
    Status.CANCELED: "order_canceled",
}


def _link(order_id: int) -> str:
    return reverse("orders:detail", args=[order_id])


def notify_transitions(transition_ids: list[int]) -> int:
    """The notices of recorded status changes: once per order and status (event key)."""
    made = 0
    rows = (
        OrderTransition.objects.filter(pk__in=transition_ids, to_status__in=NOTIFIED)
        .select_related("order__member")
        .order_by("pk")
    )
    for row in rows:
        order = row.order
        made += bool(
            notices.notify(
                member=order.member,
                kind=KIND_OF[row.to_status],
                params={
                    "number": order.pk,
                    "quantity": f"{order.total_quantity:,}",
                    "remains": f"{row.remains or 0:,}",
                    "refunded": f"{order.refunded:,.2f}",
                },
                link=_link(order.pk),
                event_key=f"order:{order.pk}:{row.to_status}",
            )
        )
    return made


def notify_refill(refill) -> None:
    if refill.status not in (RefillStatus.COMPLETED, RefillStatus.REJECTED, RefillStatus.CANCELED):
        return
    order = refill.order
    notices.notify(
        member=order.member,
        kind="refill_outcome",
        params={"number": order.pk, "status": refill.status, "reason": refill.reason},
        link=_link(order.pk),
        event_key=f"refill:{refill.pk}:{refill.status}",
    )


def notify_cancel(cancel_request) -> None:
    """An accepted cancel is told by the order's own "canceled" notice (its refund included)."""
    if cancel_request.status != CancelRequest.Status.REJECTED:
        return
    order = cancel_request.order
    notices.notify(
        member=order.member,
        kind="cancel_rejected",
        params={"number": order.pk, "reason": cancel_request.reason},
        link=_link(order.pk),
        event_key=f"cancel:{cancel_request.pk}:rejected",
    )
