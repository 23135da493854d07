"""The disclosure register (P7, P11): the only way personal data leaves us for a third party.

The privacy officer records who receives what, about whom, on which legal basis; the register
produces the bundle that is handed over, lists it to each member in their "view" export, and tells
every earlier recipient when a disclosed field is later corrected.
"""

import json
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from snshelper.accounts.models import Member
from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.privacy import registry
from snshelper.privacy import restrictions as corrections
from snshelper.privacy.models import CorrectionNotice, DataSubjectRequest, Disclosure


class DisclosureRefused(DomainError):
    message = _("This disclosure cannot be recorded.")


def disclosable_fields() -> list[tuple[str, str]]:
    """(key, label) of every registered field of a member's records."""
    choices = []
    for label in registry.owned_models():
        for declaration in registry.declarations_for(label):
            model = declaration.model
            choices.append(
                (
                    f"{label}.{declaration.field}",
                    f"{capfirst(registry.record_name(model))}: {declaration.verbose_name}",
                )
            )
    return choices


def _field_values(member, key: str) -> list:
    """The field's values across the member's records (decrypted: fetched through the model)."""
    label, field = key.rsplit(".", 1)
    return [getattr(row, field) for row in registry.member_rows(label, member).only("pk", field)]


@transaction.atomic
def record_disclosure(
    *,
    by,
    recipient: str,
    legal_basis: str,
    fields: list[str],
    member_ids: list[str],
    disclosed_at: datetime,
    recipient_contact: str = "",
) -> Disclosure:
    """Enter a provision in the register and build the bundle handed to the recipient."""
    recipient, legal_basis = (recipient or "").strip(), (legal_basis or "").strip()
    if not recipient:
        raise DisclosureRefused(_("Name the recipient."))
    if not legal_basis:
        raise DisclosureRefused(
            _("Cite the law that requires this provision: without one, nothing is provided.")
        )
    known = dict(disclosable_fields())
    fields = list(dict.fromkeys(fields or []))
    if not fields or any(field not in known for field in fields):
        raise DisclosureRefused(_("Choose registered fields to provide."))
    wanted = [m.strip().upper() for m in member_ids if m.strip()]
    members = list(Member.objects.filter(member_id__in=wanted, is_staff=False, withdrawn_at__isnull=True))
    missing = sorted(set(wanted) - {m.member_id for m in members})
    if not members or missing:
        raise DisclosureRefused(_("Unknown member IDs: %(ids)s") % {"ids": ", ".join(missing) or "—"})
    if disclosed_at > clock.now():
        raise DisclosureRefused(_("A disclosure is recorded when it is made, not before."))
    held = sorted(
        member.member_id for member in members if corrections.fields_under_correction(member) & set(fields)
    )
    if held:  # P10: data under correction is not provided until the correction is done
        raise DisclosureRefused(
            _("Data of %(ids)s is being corrected and cannot be provided until the correction is done.")
            % {"ids": ", ".join(held)}
        )
    bundle = {
        "recipient": recipient,
        "legal_basis": legal_basis,
        "disclosed_at": disclosed_at,
        "members": [
            {"member_id": member.member_id, **{key: _field_values(member, key) for key in fields}}
            for member in members
        ],
    }
    disclosure = Disclosure.objects.create(
        recipient=recipient,
        recipient_contact=(recipient_contact or "").strip(),
        legal_basis=legal_basis,
        fields=fields,
        disclosed_at=disclosed_at,
        recorded_by=by,
        recorded_at=clock.now(),
        bundle=json.dumps(bundle, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
    )
    disclosure.members.set(members)
    return disclosure


# How a change came about, as the correction notice tells the recipient.
BY_REQUEST, BY_MEMBER, BY_STAFF = "request", "member", "staff"


def notify_change(
    *, member, changes: dict[str, object], how: str, record_id="", request: DataSubjectRequest | None = None
) -> list[CorrectionNotice]:
    """Registered fields of a member changed (``changes``: "app.Model.field" → the new value),
    however it came about: the member on their own pages, our staff, or a request carried out. Each
    earlier recipient of any of them gets one correction notice (P11), mailed once the change
    commits when its contact is an email address."""
    notices = []
    disclosed = Disclosure.objects.filter(members=member, disclosed_at__lte=clock.now()).order_by("pk")
    for disclosure in disclosed:
        fields = [field for field in changes if field in disclosure.fields]
        if not fields:
            continue
        notice = CorrectionNotice.objects.create(
            disclosure=disclosure,
            member=member,
            request=request,
            field=", ".join(fields)[:120],
            text=_notice_text(disclosure, member, {f: changes[f] for f in fields}, how, record_id, request),
        )
        notices.append(notice)
        transaction.on_commit(lambda pk=notice.pk: send_correction_notice(pk))
    return notices


def _notice_text(disclosure, member, changes: dict, how: str, record_id, request) -> str:
    cause = {
        BY_REQUEST: f"by the member's request #{request.pk if request else ''}",
        BY_MEMBER: "by the member on their account pages",
        BY_STAFF: "by our staff",
    }[how]
    record = f" (record {record_id})" if record_id else ""
    values = "\n".join(f"{field}: {value}" for field, value in changes.items())
    return (
        f"Correction notice from {settings.SITE_NAME}\n\n"
        f"On {disclosure.disclosed_at:%Y-%m-%d} we provided personal data of member "
        f"{member.member_id} to {disclosure.recipient} ({disclosure.legal_basis}).\n"
        f"The following{record} has since been corrected {cause}. The correct value is:\n\n{values}\n\n"
        "Please correct your copy without delay."
    )


def notify_correction(*, request: DataSubjectRequest) -> list[CorrectionNotice]:
    """After a correction request is carried out, one notice to each earlier recipient of that field."""
    return notify_change(
        member=request.member,
        changes={request.target: request.requested_value},
        how=BY_REQUEST,
        record_id=request.target_id,
        request=request,
    )


def send_correction_notice(notice_pk: int) -> bool:
    """Mail the notice when the recipient's contact is an email address; otherwise the officer
    delivers it and marks it sent."""
    notice = CorrectionNotice.objects.select_related("disclosure").get(pk=notice_pk)
    contact = notice.disclosure.recipient_contact
    try:
        validate_email(contact)
    except ValidationError:
        return False
    EmailMessage("Correction of personal data provided to you", notice.text, to=[contact]).send()
    CorrectionNotice.objects.filter(pk=notice.pk).update(sent_at=clock.now())
    return True


def mark_notice_sent(*, notice: CorrectionNotice, by) -> None:
    CorrectionNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(sent_at=clock.now())
