"""Questions and complaints to the privacy officer (P8): each gets a due date and an answer the
member reads on their privacy page. Complaints are kept 5 years (the complaint rule)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.notifications import services as notices
from snshelper.privacy.models import PrivacyInquiry
from snshelper.privacy_rights.notices import INQUIRY_ANSWERED


class InquiryRefused(DomainError):
    message = _("This message cannot be sent.")


@transaction.atomic
def ask(*, member, kind: str, subject: str, body: str) -> PrivacyInquiry:
    subject, body = (subject or "").strip(), (body or "").strip()
    if kind not in PrivacyInquiry.Kind.values:
        raise InquiryRefused(_("Choose whether this is a question or a complaint."))
    if not subject or not body:
        raise InquiryRefused(_("Write a subject and your message."))
    now = clock.now()
    return PrivacyInquiry.objects.create(
        member=member,
        kind=kind,
        subject=subject[:200],
        body=body[:5000],
        created_at=now,
        due_at=now + timedelta(days=settings.PRIVACY_ANSWER_DAYS),
    )


@transaction.atomic
def answer(*, inquiry: PrivacyInquiry, by, text: str) -> PrivacyInquiry:
    text = (text or "").strip()
    if not text:
        raise InquiryRefused(_("Write the answer."))
    inquiry = PrivacyInquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.answered_at is not None:
        raise InquiryRefused(_("This has already been answered."))
    inquiry.answer, inquiry.answered_at, inquiry.answered_by = text[:5000], clock.now(), by
    inquiry.save(update_fields=["answer", "answered_at", "answered_by"])
    # A notice (required), sent once the answer commits; the answer stays on the privacy page too.
    notices.notify(
        member=inquiry.member,
        kind=INQUIRY_ANSWERED,
        params={"subject": inquiry.subject, "answer": inquiry.answer},
        link=reverse("privacy_member:overview"),
        event_key=f"inquiry:{inquiry.pk}:answered",
    )
    return inquiry
