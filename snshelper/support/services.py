"""Writes of consultations: open, reply (member or staff, public or internal), assign, close, reopen,
flag a dispute; and the canned replies. Each write is one transaction; a refused upload stores nothing.

We answer 24 hours a day: a consultation's first answer is due ``FIRST_RESPONSE_WITHIN`` after it is
opened (or reopened). A member may reopen what they closed (or we closed) within ``MEMBER_REOPEN_DAYS``.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock, uploads
from snshelper.notifications import services as notices
from snshelper.staff.roles import SUPPORT
from snshelper.support.errors import ConsultationError, NotAllowedNow, ReopenTooLate
from snshelper.support.models import (
    TRANSITIONS,
    Attachment,
    CannedReply,
    Consultation,
    Message,
    Status,
    Topic,
)

FIRST_RESPONSE_WITHIN = timedelta(hours=24)
MEMBER_REOPEN_DAYS = 30
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = ("jpeg", "png", "pdf")
MAX_ATTACHMENTS = 3
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _number() -> str:
    return "C-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


def member_link(consultation: Consultation) -> str:
    return reverse("support:detail", args=[consultation.number])


# --- Checks ------------------------------------------------------------------------------------


def _text(value: str, *, limit: int, missing) -> str:
    value = (value or "").strip()
    if not value:
        raise ConsultationError(missing)
    if len(value) > limit:
        raise ConsultationError(_("Please keep it under %(limit)s characters.") % {"limit": limit})
    return value


def _checked_files(files, *, member) -> list[tuple]:
    """Every file checked (and scanned) before anything is stored: one refusal refuses them all."""
    files = [f for f in files if f]
    if len(files) > MAX_ATTACHMENTS:
        raise uploads.UploadRefused(_("Attach at most %(count)s files.") % {"count": MAX_ATTACHMENTS})
    checked = []
    for upload in files:
        kind = uploads.check_upload(
            upload,
            allowed=ATTACHMENT_TYPES,
            max_bytes=ATTACHMENT_MAX_BYTES,
            purpose="consultation",
            member_id=member.member_id,
        )
        checked.append((upload, kind))
    return checked


def _store(message: Message, checked: list[tuple], stored: list[Attachment]) -> None:
    for upload, kind in checked:
        original = (getattr(upload, "name", "") or "")[-120:]
        attachment = Attachment(
            message=message,
            original_name=original,
            content_type=kind.content_type,
            size=upload.size,
            created_at=message.created_at,
        )
        stored.append(attachment)
        attachment.file.save(uploads.random_name("consultations", kind.kind), upload, save=False)
        attachment.save()


def _with_files(write):
    """Run ``write(stored)`` in one transaction; if it fails, the files it stored are deleted."""
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            return write(stored)
    except Exception:
        for attachment in stored:
            if attachment.file:
                attachment.file.delete(save=False)  # nothing is kept of a message not recorded
        raise


def _own(record, member):
    if record is not None and record.member_id != member.pk:
        raise ConsultationError(_("Choose one of your own orders or top-ups."))
    return record


def _move(consultation: Consultation, to: str) -> None:
    if to != consultation.status and to not in TRANSITIONS[consultation.status]:
        raise NotAllowedNow()
    consultation.status = to


def _locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def _notify(consultation: Consultation, *, kind: str, event: str) -> None:
    notices.notify(
        member=consultation.member,
        kind=kind,
        params={"number": consultation.number},
        link=member_link(consultation),
        event_key=f"consultation:{consultation.pk}:{event}",
    )


# --- Members and staff -------------------------------------------------------------------------


def open_consultation(
    *, member, topic: str, subject: str, body: str, order=None, top_up=None, files=()
) -> Consultation:
    if topic not in Topic.values:
        raise ConsultationError(_("Choose what your consultation is about."))
    subject = _text(subject, limit=150, missing=_("Give your consultation a subject."))
    body = _text(body, limit=5000, missing=_("Write your message."))
    _own(order, member)
    _own(top_up, member)
    checked = _checked_files(files, member=member)
    now = clock.now()

    def write(stored):
        consultation = Consultation.objects.create(
            number=_number(),
            member=member,
            topic=topic,
            order=order,
            top_up=top_up,
            subject=subject,
            is_complaint=topic == Topic.COMPLAINT,
            created_at=now,
            updated_at=now,
            due_at=now + FIRST_RESPONSE_WITHIN,
        )
        message = Message.objects.create(
            consultation=consultation, author=member, from_staff=False, body=body, created_at=now
        )
        _store(message, checked, stored)
        return consultation

    return _with_files(write)


def reply(*, consultation: Consultation, author, body: str, files=(), internal: bool = False) -> Message:
    """A message on an open consultation. The member's reply to an answered one makes it wait for us
    again; a staff reply answers it (the first one is its first response) and notifies the member.
    An internal note (staff only) changes nothing the member sees."""
    from_staff = author.pk != consultation.member_id
    if internal and not from_staff:
        raise ConsultationError(_("Only staff write internal notes."))
    body = _text(body, limit=5000, missing=_("Write your message."))
    checked = _checked_files(files, member=author)
    now = clock.now()

    def write(stored):
        locked = _locked(consultation)
        if locked.status == Status.CLOSED:
            raise ConsultationError(_("This consultation is closed. Reopen it to write again."))
        message = Message.objects.create(
            consultation=locked,
            author=author,
            from_staff=from_staff,
            internal=internal,
            body=body,
            created_at=now,
        )
        _store(message, checked, stored)
        if not internal:
            _move(locked, Status.ANSWERED if from_staff else Status.WAITING)
            if from_staff and locked.first_response_at is None:
                locked.first_response_at = now
            locked.updated_at = now
            locked.save(update_fields=["status", "first_response_at", "updated_at"])
            if from_staff:
                _notify(locked, kind="consultation_reply", event=f"message:{message.pk}")
        _refresh(consultation, locked)
        return message

    return _with_files(write)


def close(*, consultation: Consultation, by) -> Consultation:
    """Closed by the member or by staff (staff closing notifies the member)."""
    now = clock.now()
    with transaction.atomic():
        locked = _locked(consultation)
        if locked.status == Status.CLOSED:
            raise NotAllowedNow(_("This consultation is already closed."))
        _move(locked, Status.CLOSED)
        locked.closed_at = locked.updated_at = now
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        if by.pk != locked.member_id:
            _notify(locked, kind="consultation_closed", event=f"closed:{locked.reopened_count}")
    return _refresh(consultation, locked)


def reopen(*, consultation: Consultation, by) -> Consultation:
    """Staff reopen any closed consultation; a member one closed within ``MEMBER_REOPEN_DAYS``."""
    now = clock.now()
    with transaction.atomic():
        locked = _locked(consultation)
        if locked.status != Status.CLOSED:
            raise NotAllowedNow(_("This consultation is not closed."))
        if by.pk == locked.member_id and locked.closed_at < now - timedelta(days=MEMBER_REOPEN_DAYS):
            raise ReopenTooLate(ReopenTooLate.message % {"days": MEMBER_REOPEN_DAYS})
        _move(locked, Status.WAITING)
        locked.closed_at = None
        locked.reopened_count += 1
        locked.updated_at = now
        locked.due_at = now + FIRST_RESPONSE_WITHIN
        locked.save(update_fields=["status", "closed_at", "reopened_count", "updated_at", "due_at"])
    return _refresh(consultation, locked)


def _refresh(consultation: Consultation, locked: Consultation) -> Consultation:
    """The caller's object shows what was written."""
    for name in ("status", "first_response_at", "closed_at", "reopened_count", "updated_at", "due_at"):
        setattr(consultation, name, getattr(locked, name))
    return consultation


# --- Staff only --------------------------------------------------------------------------------


def assign(*, consultation: Consultation, to, by) -> Consultation:
    """Give the consultation to a support staff member (``to=None``: to nobody)."""
    if to is not None and not (to.is_active and to.is_staff and to.groups.filter(name=SUPPORT).exists()):
        raise ConsultationError(_("Consultations are assigned to support staff only."))
    with transaction.atomic():
        locked = _locked(consultation)
        locked.assigned_to = to
        locked.save(update_fields=["assigned_to"])
    consultation.assigned_to = to
    return consultation


def flag_dispute(*, consultation: Consultation, by, disputed: bool = True) -> Consultation:
    """Mark (or unmark) a consultation as a complaint or dispute: kept under the complaint rule.
    A consultation opened as a complaint stays one."""
    with transaction.atomic():
        locked = _locked(consultation)
        if not disputed and locked.topic == Topic.COMPLAINT:
            raise ConsultationError(_("A consultation opened as a complaint stays a complaint."))
        locked.is_complaint = disputed
        locked.save(update_fields=["is_complaint"])
    consultation.is_complaint = disputed
    return consultation


def save_canned_reply(
    *, title: str, body_th: str, body_en: str, body_ko: str, active: bool = True, canned=None
) -> CannedReply:
    canned = canned or CannedReply()
    canned.title = _text(title, limit=100, missing=_("Give the reply a title."))
    missing = _("Write the reply in Thai, English and Korean.")
    canned.body_th = _text(body_th, limit=5000, missing=missing)
    canned.body_en = _text(body_en, limit=5000, missing=missing)
    canned.body_ko = _text(body_ko, limit=5000, missing=missing)
    canned.active = active
    canned.updated_at = clock.now()
    canned.save()
    return canned
