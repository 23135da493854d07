"""Notices to staff about orders that did not reach their provider and need a person."""

from django.utils.translation import gettext_lazy as _

from snshelper.notifications.kinds import declare

declare(
    "provider_order_conflict",
    title=_("Order %(number)s: the provider's order number is taken"),
    body=_(
        "%(provider)s answered order number %(external_id)s for our order %(number)s, but our order "
        "%(other)s already has it (the provider restarted or renumbered, or the account is shared). "
        "Nothing is synced for it until you settle it on the Providers page."
    ),
    required=False,
)
declare(
    "provider_order_gave_up",
    title=_("Order %(number)s: sending to the provider stopped"),
    body=_(
        "Order %(number)s could not be sent to %(provider)s after %(attempts)s attempts. It is not "
        "retried any more: settle it on the Providers page."
    ),
    required=False,
)
