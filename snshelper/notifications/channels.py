"""The ways a notice leaves us besides the notification centre: email, and LINE push through the
official ``line-bot-sdk`` (the Messaging API's base URL is ``LINE_API_BASE_URL``)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from snshelper.notifications import kinds

LINE_PROVIDER = "line"


class DeliveryFailed(Exception):
    """The channel did not take the notice; worth trying again later."""


def line_configured() -> bool:
    return bool(settings.LINE_CHANNEL_ACCESS_TOKEN)


def line_user_id(member) -> str:
    """The member's LINE user ID, from the LINE account they linked (LINE Login); "" if none."""
    from allauth.socialaccount.models import SocialAccount

    return (
        SocialAccount.objects.filter(user=member, provider=LINE_PROVIDER)
        .values_list("uid", flat=True)
        .first()
        or ""
    )


def _language(member) -> str:
    return member.language or settings.LANGUAGE_CODE


def _texts(notification) -> tuple[str, str, str]:
    language = _language(notification.member)
    title, body = kinds.render(notification.kind, notification.params, language)
    link = f"{settings.SITE_URL}{notification.link}" if notification.link else ""
    return title, body, link


def send_email(notification) -> None:
    title, body, link = _texts(notification)
    member = notification.member
    declared = kinds.kind(notification.kind)
    context = {"member": member, "title": title, "body": body, "link": link, "site_url": settings.SITE_URL}
    with translation.override(_language(member)):
        if declared.email_template:
            context = {
                **kinds.values(notification.kind, notification.params),
                **context,
                "site_name": settings.SITE_NAME,
            }
            subject = render_to_string(f"{declared.email_template}_subject.txt", context).strip()
            text = render_to_string(f"{declared.email_template}_body.txt", context)
        else:
            subject = title
            text = render_to_string("notifications/mail_body.txt", context)
    message = EmailMessage(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject.replace("\n", " "), text, to=[member.email]
    )
    try:
        message.send()
    except Exception as error:  # SMTP refused, connection lost: the delivery is tried again later
        raise DeliveryFailed(f"{type(error).__name__}: {error}") from error


def send_line(notification, *, to: str, retry_key: str) -> None:
    from linebot.v3.messaging import (
        ApiClient,
        ApiException,
        Configuration,
        MessagingApi,
        PushMessageRequest,
        TextMessage,
    )

    title, body, link = _texts(notification)
    text = "\n\n".join(part for part in (title, body, link) if part)[:5000]
    configuration = Configuration(
        host=settings.LINE_API_BASE_URL.rstrip("/"), access_token=settings.LINE_CHANNEL_ACCESS_TOKEN
    )
    try:
        with ApiClient(configuration) as client:
            MessagingApi(client).push_message(
                PushMessageRequest(to=to, messages=[TextMessage(text=text)]),
                x_line_retry_key=retry_key,
                _request_timeout=settings.LINE_PUSH_TIMEOUT,
            )
    except ApiException as error:
        if error.status == 409:  # this retry key was accepted before: the push went out already
            return
        raise DeliveryFailed(f"LINE answered {error.status}: {(error.body or '')[:200]}") from error
    except Exception as error:  # timeouts, refused connections
        raise DeliveryFailed(f"{type(error).__name__}: {error}"[:300]) from error
