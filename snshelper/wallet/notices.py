"""Notices the wallet sends: a top-up approved or rejected, a payout to the bank paid or refused.
Each is required: it tells the member what happened to their money."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from snshelper.notifications import services as notices
from snshelper.notifications.kinds import declare

declare(
    "top_up_approved",
    title=_("Top-up %(reference)s approved"),
    body=_("We received your payment: %(amount)s THB is now in your balance."),
    required=True,
)
declare(
    "top_up_rejected",
    title=_("Top-up %(reference)s was not approved"),
    body=_("We could not approve your top-up of %(amount)s THB: %(reason)s"),
    required=True,
)
declare(
    "withdrawal_paid",
    title=_("Refund %(reference)s paid"),
    body=_("We transferred %(amount)s THB to your bank account (transfer reference %(payout)s)."),
    required=True,
)
declare(
    "withdrawal_rejected",
    title=_("Refund %(reference)s was not paid"),
    body=_("We could not pay your refund of %(amount)s THB: %(reason)s The amount is back in your balance."),
    required=True,
)


def top_up_reviewed(top_up) -> None:
    approved = top_up.status == top_up.Status.APPROVED
    notices.notify(
        member=top_up.member,
        kind="top_up_approved" if approved else "top_up_rejected",
        params={
            "reference": top_up.reference,
            "amount": f"{top_up.amount:,.2f}",
            "reason": top_up.reject_reason,
        },
        link=reverse("wallet:top_up", args=[top_up.reference]),
        event_key=f"topup:{top_up.pk}:{top_up.status}",
    )


def withdrawal_handled(withdrawal) -> None:
    paid = withdrawal.status == withdrawal.Status.PAID
    notices.notify(
        member=withdrawal.member,
        kind="withdrawal_paid" if paid else "withdrawal_rejected",
        params={
            "reference": withdrawal.reference,
            "amount": f"{withdrawal.amount:,.2f}",
            "payout": withdrawal.payout_reference,
            "reason": withdrawal.reject_reason,
        },
        link=reverse("wallet:home"),
        event_key=f"withdrawal:{withdrawal.pk}:{withdrawal.status}",
    )
