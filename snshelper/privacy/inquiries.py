"""Questions and complaints to the privacy officer (P8): each gets a due date and an answer the
member reads on their privacy page. Complaints are kept 5 years (the complaint rule)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.privacy import mail
from snshelper.privacy.models import PrivacyInquiry


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
    transaction.on_commit(lambda: _tell_member(inquiry.pk))
    return inquiry


def _tell_member(pk: int) -> None:
    inquiry = PrivacyInquiry.objects.select_related("member").get(pk=pk)
    try:
        mail.send_to_member(
            member=inquiry.member, template="privacy/mail/inquiry_answered", context={"inquiry": inquiry}
        )
    except mail.MailRefused:
        pass  # the answer stays on the member's privacy page
