"""Reads of the notices: the member's notification centre, unread count, channels, and what was
delivered (for staff and for tests)."""

from django.core.paginator import Paginator

from snshelper.notifications import channels, kinds
from snshelper.notifications.models import Channel, ChannelChoice, DeliveryStatus, Notification

PAGE_SIZE = 20


def unread_count(member) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).count()


def centre_page(member, page_number=1):
    """A page of the member's notices, newest first, each with its text in the active language."""
    paginator = Paginator(
        Notification.objects.filter(member=member)
        .prefetch_related("deliveries")
        .order_by("-created_at", "-id"),
        PAGE_SIZE,
    )
    page = paginator.get_page(page_number)
    for notification in page.object_list:
        notification.title, notification.body = kinds.render(notification.kind, notification.params)
    return page


def channel_choice(member) -> ChannelChoice:
    return ChannelChoice.objects.filter(member=member).first() or ChannelChoice(member=member)


def line_status(member) -> dict:
    """What the notice settings page says about LINE."""
    from allauth.socialaccount.models import SocialApp

    login_offered = bool(
        SocialApp.objects.filter(provider=channels.LINE_PROVIDER).exists() or _configured_line_login()
    )
    return {
        "push_offered": channels.line_configured(),
        "login_offered": login_offered,
        "linked": bool(channels.line_user_id(member)),
    }


def _configured_line_login() -> bool:
    from django.conf import settings

    return bool(settings.SOCIALACCOUNT_PROVIDERS.get("line", {}).get("APPS"))


def goes_by_email(notification) -> bool:
    """The notice is on its way by email (or went): not refused at once (an address being
    corrected, P10), not for a member who turned email notices off."""
    return (
        notification is not None
        and notification.deliveries.filter(
            channel=Channel.EMAIL, status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENT]
        ).exists()
    )


def email_refusal(notification) -> str:
    """Why the notice's email was refused at once ("" when it was not, or has no email)."""
    if notification is None:
        return ""
    delivery = notification.deliveries.filter(channel=Channel.EMAIL, status=DeliveryStatus.REFUSED).first()
    return delivery.last_error if delivery else ""


def notified_member_ids(event_key: str):
    """The members already told of this event (a subquery of member ids)."""
    return Notification.objects.filter(event_key=event_key).values("member_id")
