"""Mail to one member, in their language. Privacy notices (identity codes, policy changes, request
answers) go out through here; the notification service of the customer-care work will build on it.

A member's email address under correction is not used (P10), and a member who stopped the
processing of their data gets only the notices the law or the contract requires: otherwise
``MailRefused`` is raised and the caller keeps the on-site notice only.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from snshelper.core.errors import DomainError


class MailRefused(DomainError):
    pass


def send_to_member(*, member, template: str, context: dict | None = None, required: bool = True) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` in the member's language and
    send them. Templates live under ``privacy/mail/`` (or any app's templates). ``required``: the
    law or the contract requires this notice (answers to requests, policy changes, codes)."""
    from snshelper.privacy import corrections, requests

    if corrections.is_under_correction(member, "accounts.Member.email"):
        raise MailRefused("The member's email address is being corrected.")
    if not required and requests.processing_suspended(member):
        raise MailRefused("The member stopped the processing of their data.")
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
