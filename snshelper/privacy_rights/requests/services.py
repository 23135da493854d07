"""Data-subject requests (P9–P12): correct, delete and suspend, asked by a verified member and
answered by the privacy officer — carried out, or refused with one of the policy's grounds.

"View" is answered by the queue (``privacy.export``); leaving entirely is ``privacy.withdrawal``.
Every step is written to the request's steps, never with the data itself.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.notifications import services as notices
from snshelper.privacy import journal, registry, restrictions
from snshelper.privacy.models import (
    DataSubjectRequest,
    ProcessingSuspension,
    RefusalGround,
    RequestStep,
)
from snshelper.privacy.registry import Category
from snshelper.privacy_rights import disclosures
from snshelper.privacy_rights.notices import REQUEST_ANSWERED

Kind, Status = DataSubjectRequest.Kind, DataSubjectRequest.Status

# Fields a member edits on their own pages, at once: no request needed.
SELF_SERVICE = {
    "accounts.Member.name": "accounts:profile",
    "accounts.Member.phone": "accounts:profile",
    "accounts.Member.email": "account_email",
    "accounts.Member.language": "accounts:profile",
    "wallet.RefundBankAccount.bank_name": "wallet:withdraw",
    "wallet.RefundBankAccount.account_holder": "wallet:withdraw",
    "wallet.RefundBankAccount.account_number": "wallet:withdraw",
}
# What a member can ask about: things they told us or that describe them, not our own bookkeeping.
ASKABLE_CATEGORIES = {
    Category.IDENTITY,
    Category.CONTACT,
    Category.FINANCIAL,
    Category.ORDER_DATA,
    Category.FREE_TEXT,
}


class RequestRefused(DomainError):
    message = _("This request cannot be made.")


@dataclass(frozen=True)
class Target:
    key: str  # "app.Model.field"
    label: str
    self_service_url: str  # a URL name when the member edits it themselves
    per_record: bool  # whether the member must say which record (an order, a top-up...)


def targets() -> list[Target]:
    """The registered fields of a member's records that a request can be about."""
    found = []
    for label in registry.owned_models():
        for declaration in registry.declarations_for(label):
            if declaration.category not in ASKABLE_CATEGORIES:
                continue
            key = f"{label}.{declaration.field}"
            model = declaration.model
            found.append(
                Target(
                    key=key,
                    label=f"{capfirst(registry.record_name(model))}: {declaration.verbose_name}",
                    self_service_url=SELF_SERVICE.get(key, ""),
                    per_record=registry.owner_path(label) != "pk",
                )
            )
    return found


def target(key: str) -> Target:
    for found in targets():
        if found.key == key:
            return found
    raise RequestRefused(_("Choose which of your data the request is about."))


def _record(member, target: Target, record_id: str):
    """The member's own record the request is about (the member record itself when not per record)."""
    label, field = target.key.rsplit(".", 1)
    rows = registry.member_rows(label, member)
    if not target.per_record:
        return rows.get()
    if not str(record_id).strip().isdigit():
        raise RequestRefused(_("Give the number of the record, e.g. the order number."))
    record = rows.filter(pk=int(record_id)).first()
    if record is None:
        raise RequestRefused(_("You have no record with that number."))
    return record


def _step(request: DataSubjectRequest, action: str, actor=None, note: str = "") -> None:
    RequestStep.objects.create(request=request, actor=actor, action=action, note=note[:300], at=clock.now())


def _open(*, member, kind: str, **fields) -> DataSubjectRequest:
    now = clock.now()
    request = DataSubjectRequest.objects.create(
        member=member,
        kind=kind,
        created_at=now,
        verified_at=now,
        due_at=now + timedelta(days=settings.PRIVACY_ANSWER_DAYS),
        **fields,
    )
    _step(request, "received", member)
    return request


@transaction.atomic
def request_correction(
    *, member, target_key: str, record_id: str = "", value: str, details: str = ""
) -> DataSubjectRequest:
    """Ask for a registered field to be corrected. Until it is done the field is not used or
    provided (P10: ``privacy.corrections``)."""
    chosen = target(target_key)
    if chosen.self_service_url:
        raise RequestRefused(_("You can change this yourself on your account pages, at once."))
    record = _record(member, chosen, record_id)
    value = (value or "").strip()
    if not value:
        raise RequestRefused(_("Write the correct value."))
    if DataSubjectRequest.objects.filter(
        member=member, kind=Kind.CORRECT, status=Status.OPEN, target=chosen.key, target_id=str(record.pk)
    ).exists():
        raise RequestRefused(_("A correction of this is already waiting for our answer."))
    return _open(
        member=member,
        kind=Kind.CORRECT,
        target=chosen.key,
        target_id=str(record.pk),
        requested_value=value[:2000],
        details=(details or "").strip()[:2000],
    )


@transaction.atomic
def request_deletion(
    *, member, target_key: str, record_id: str = "", details: str = ""
) -> DataSubjectRequest:
    """Ask for one registered field of a record to be deleted. (Everything: leave SNS Helper.)"""
    chosen = target(target_key)
    record = _record(member, chosen, record_id)
    return _open(
        member=member,
        kind=Kind.DELETE,
        target=chosen.key,
        target_id=str(record.pk),
        details=(details or "").strip()[:2000],
    )


@transaction.atomic
def request_suspension(*, member, details: str) -> DataSubjectRequest:
    """Ask us to stop processing the member's data (all of it, or what the details say)."""
    if restrictions.processing_suspended(member):
        raise RequestRefused(_("Processing of your data is already stopped."))
    if not (details or "").strip():
        raise RequestRefused(_("Tell us what processing you want stopped, and why if you wish."))
    return _open(member=member, kind=Kind.SUSPEND, details=details.strip()[:2000])


@transaction.atomic
def resume_processing(*, member) -> int:
    """The member lifts the stop of processing they asked for: optional notices start again and
    orders held from the providers go ahead at their next attempt."""
    stops = list(
        ProcessingSuspension.objects.select_for_update().filter(member=member, lifted_at__isnull=True)
    )
    if not stops:
        raise RequestRefused(_("Processing of your data is not stopped."))
    now = clock.now()
    for stop in stops:
        stop.lifted_at = now
        stop.save(update_fields=["lifted_at"])
        if stop.request is not None:
            _step(stop.request, "processing resumed by the member", member)
    return len(stops)


@transaction.atomic
def withdraw_request(*, request: DataSubjectRequest, member) -> None:
    """The member takes back an open request."""
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk, member=member)
    if request.status != Status.OPEN:
        raise RequestRefused(_("This request is already answered."))
    request.status, request.closed_at = Status.WITHDRAWN, clock.now()
    request.save(update_fields=["status", "closed_at"])
    _step(request, "withdrawn by the member", member)


def _locked_open(request: DataSubjectRequest) -> DataSubjectRequest:
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Status.OPEN:
        raise RequestRefused(_("This request is already answered."))
    return request


def _close(request: DataSubjectRequest, *, status: str, by, answer: str, ground: str = "") -> None:
    request.status, request.closed_at = status, clock.now()
    request.answer, request.refusal_ground, request.handled_by = answer, ground, by
    request.save(update_fields=["status", "closed_at", "answer", "refusal_ground", "handled_by"])
    _tell_member(request)


def _tell_member(request: DataSubjectRequest) -> None:
    """The answer as a notice (required: even a member who stopped processing gets it), sent once the
    answer commits; it also stays on the member's privacy page."""
    notices.notify(
        member=request.member,
        kind=REQUEST_ANSWERED,
        params={
            "number": request.pk,
            "kind": request.kind,
            "status": request.status,
            "ground": request.refusal_ground,
            "answer": request.answer,
        },
        link=reverse("privacy_member:overview"),
        event_key=f"request:{request.pk}:{request.status}",
    )


@transaction.atomic
def carry_out(*, request: DataSubjectRequest, by, answer: str = "") -> DataSubjectRequest:
    """Do what the member asked: correct or delete the field, or stop processing."""
    request = _locked_open(request)
    if request.kind == Kind.CORRECT:
        chosen = target(request.target)
        record = _record(request.member, chosen, request.target_id)
        field = record._meta.get_field(request.target.rsplit(".", 1)[1])
        try:
            value = field.clean(request.requested_value, record)
        except ValidationError as error:
            raise RequestRefused(" ".join(error.messages)) from None
        setattr(record, field.name, value)
        record.save(update_fields=[field.name])
        _step(request, "corrected", by)
        notices = disclosures.notify_correction(request=request)
        if notices:
            _step(request, "correction notices to earlier recipients", by, f"{len(notices)}")
    elif request.kind == Kind.DELETE:
        chosen = target(request.target)
        record = _record(request.member, chosen, request.target_id)
        model_field = record._meta.get_field(request.target.rsplit(".", 1)[1])
        if not (model_field.blank or model_field.null):
            raise RequestRefused(
                _("This data cannot be emptied on its own: refuse with a ground, or offer withdrawal.")
            )
        setattr(record, model_field.name, None if model_field.null and not model_field.blank else "")
        record.save(update_fields=[model_field.name])
        # The deletion journal (P21): a database restored from an older backup empties it again.
        label = record._meta.label
        journal.record(journal.entries_for(journal.EMPTIED, label, [record.pk], detail=model_field.name))
        _step(request, "deleted", by)
    elif request.kind == Kind.SUSPEND:
        ProcessingSuspension.objects.create(member=request.member, request=request, since=clock.now())
        _step(request, "processing stopped", by)
    else:
        raise RequestRefused(_("A copy of data is prepared by the queue, not by hand."))
    _close(request, status=Status.DONE, by=by, answer=(answer or "").strip())
    return request


@transaction.atomic
def refuse(*, request: DataSubjectRequest, by, ground: str, reason: str) -> DataSubjectRequest:
    """Refuse, citing one of the policy's grounds ①②③ and a reason the member reads (P12)."""
    if ground not in RefusalGround.values:
        raise RequestRefused(_("A refusal must cite ground ①, ② or ③ of the policy."))
    if not (reason or "").strip():
        raise RequestRefused(_("Write the reason the member will read."))
    request = _locked_open(request)
    _close(request, status=Status.REFUSED, by=by, answer=reason.strip(), ground=ground)
    _step(request, f"refused ({ground})", by)
    return request
