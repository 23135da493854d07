"""What a member's open requests forbid every layer to do, asked here by the layer that acts:

- data under correction (P10): while a correction request about a field is open, that field of
  that member is not used or provided (notices, disclosures, provider forwarding);
- suspended processing (P9): while a suspension stands, only what the policy requires is done.
  What stops is listed here (``STOPPED_WHILE_SUSPENDED``, shown in the policy) and each layer that
  does it asks ``processing_suspended``: the notification service (optional notices) and the
  providers' forwarding (new orders wait, and the order page says why).
"""

from django.utils.translation import gettext_lazy as _

from snshelper.privacy.models import DataSubjectRequest, ProcessingSuspension

STOPPED_WHILE_SUSPENDED = [
    _("notices that neither the law nor your orders require, by email, LINE or on the site"),
    _(
        "sending your orders to our upstream providers: a new order waits, its amount stays "
        "reserved, and its page tells you why"
    ),
]
GOES_ON_WHILE_SUSPENDED = [
    _("keeping what the law requires, for the periods above"),
    _("answers to your requests, and notices of policy changes, of incidents and of your orders' results"),
    _("orders already with a provider: following their progress and refunding what is not delivered"),
]


def processing_suspended(member) -> bool:
    """Whether the member has asked us to stop processing their data (and it is not lifted)."""
    return ProcessingSuspension.objects.filter(member=member, lifted_at__isnull=True).exists()


def fields_under_correction(member) -> set[str]:
    """Registered fields ("app.Model.field") of the member with an open correction request."""
    return set(
        DataSubjectRequest.objects.filter(
            member=member, kind=DataSubjectRequest.Kind.CORRECT, status=DataSubjectRequest.Status.OPEN
        )
        .exclude(target="")
        .values_list("target", flat=True)
    )


def is_under_correction(member, field: str, record_id=None) -> bool:
    """Whether ``field`` of the member (optionally of one record) awaits a correction."""
    open_requests = DataSubjectRequest.objects.filter(
        member=member,
        kind=DataSubjectRequest.Kind.CORRECT,
        status=DataSubjectRequest.Status.OPEN,
        target=field,
    )
    if record_id is not None:
        open_requests = open_requests.filter(target_id__in=["", str(record_id)])
    return open_requests.exists()


ORDER_FIELDS_SENT = ("orders.Order.link", "orders.Order.comments", "orders.Order.type_fields")


def order_under_correction(order) -> bool:
    """Whether what a provider would receive of this order awaits a correction (then it waits)."""
    return DataSubjectRequest.objects.filter(
        member_id=order.member_id,
        kind=DataSubjectRequest.Kind.CORRECT,
        status=DataSubjectRequest.Status.OPEN,
        target__in=ORDER_FIELDS_SENT,
        target_id=str(order.pk),
    ).exists()
