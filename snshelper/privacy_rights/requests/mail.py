"""Mail to one member, at once, in their language: identity codes (``privacy.identity``).

A code must arrive while the member waits for it, so it does not go through the notification
service and its queue. Every other privacy notice (policy changes, answers to requests, exports
ready, the officer's answers, breach notices) is a notice (``privacy.notices``), sent by
``snshelper.notifications.services.notify`` to the notification centre, by email and by LINE.

A member's email address under correction is not used (P10): ``MailRefused`` is raised.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from snshelper.core.errors import DomainError
from snshelper.privacy import restrictions as corrections


class MailRefused(DomainError):
    pass


def send_to_member(*, member, template: str, context: dict | None = None) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` in the member's language and
    send them. Templates live under ``privacy/mail/`` (or any app's templates). A code is sent even
    to a member who stopped the processing of their data: they asked for it, to use their rights."""
    if corrections.is_under_correction(member, "accounts.Member.email"):
        raise MailRefused("The member's email address is being corrected.")
    context = {
        "member": member,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        **(context or {}),
    }
    with translation.override(member.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip().replace("\n", " ")
        body = render_to_string(f"{template}_body.txt", context)
    EmailMessage(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, to=[member.email]).send()
