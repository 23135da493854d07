"""Notices about a member's consultation. Both answer the member's own request, so they are
required: a member who stopped the processing of their data still gets them."""

from django.utils.translation import gettext_lazy as _

from snshelper.notifications.kinds import declare

declare(
    "consultation_reply",
    title=_("Consultation %(number)s: we replied"),
    body=_("Our support team answered your consultation %(number)s. Open it to read the reply."),
    required=True,
)
declare(
    "consultation_closed",
    title=_("Consultation %(number)s: closed"),
    body=_(
        "Our support team closed your consultation %(number)s. If you still need help, "
        "you can reopen it within 30 days."
    ),
    required=True,
)
