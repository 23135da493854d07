"""Leaving SNS Helper (P5).

A member withdraws after verifying their identity. In one database transaction: sign-in stops
(the account is deactivated, its password made unusable, its sessions deleted); what the law and
fraud prevention need is copied, encrypted, to the withdrawn-member store that only the privacy
officer reads, each record on its own clock (a payment 5 years from the payment, a complaint 5
years from its closing; the identity 5 years from the end of the contract, or while a record of
it is still kept), then swept; every other trace is
removed from the ordinary tables. Rows that other records must keep (the member row itself, which
orders and the ledger point at; orders; the ledger; top-ups; withdrawals) are anonymised in place,
everything else is deleted. Which is which is driven by the registry: every model a member owns
must be named in ``ANONYMISE`` or ``DELETE`` (a test fails otherwise, and so does a withdrawal).

A later sign-up (or a new email or phone number) matching a withdrawn member within those 5 years
is flagged for staff, by keyed hash: the store never has to be searched by clear data.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Q, Value
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from snshelper.accounts.models import Member
from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.core.events import send_on_commit
from snshelper.orders.models import (
    ACTIVE,
    OPEN_REFILL,
    OPEN_SUBSCRIPTION,
    CancelRequest,
    Order,
    RefillRequest,
    Subscription,
)
from snshelper.privacy import journal, registry
from snshelper.privacy.models import LegalHold, SignupMatch, WithdrawnMember, WithdrawnRecord
from snshelper.privacy.retention import RULES
from snshelper.privacy.signals import personal_data_removed
from snshelper.privacy_rights.export import services as export
from snshelper.wallet import selectors as wallet_selectors
from snshelper.wallet.models import LedgerAccount, LedgerTransaction, TopUp, Withdrawal

# Retention rules whose records outlive the account: copied to the withdrawn-member store.
KEPT_RULES = frozenset({"contract", "payment", "complaint", "data_requests", "breaches"})


def _numbered(prefix: str):
    """A value unique per row, for fields under a unique constraint (e.g. a post's link)."""
    return Concat(Value(prefix), Cast("pk", output_field=models.CharField()))


# Rows other records must keep: emptied of personal data in place (field → new value), not deleted.
# The member row and ledger memos are handled by their own functions below.
ANONYMISE: dict[str, dict] = {
    "accounts.Member": {},  # _anonymise_member
    "orders.Order": {"link": "", "comments": "", "type_fields": {}, "active_link": None},
    "orders.OrderTransition": {"reason": ""},
    "orders.RefillRequest": {"reason": ""},
    "orders.CancelRequest": {"reason": ""},
    "orders.Subscription": {"username": "", "reason": ""},
    "orders.SubscriptionPost": {"link": _numbered("withdrawn-post-")},
    "orders.SubscriptionTransition": {"reason": ""},
    "wallet.LedgerAccount": {},
    "wallet.LedgerEntry": {},
    "wallet.LedgerTransaction": {},  # _redact_memos
    "wallet.TopUp": {
        "payer_name": "",
        "payer_bank": "",
        "slip": "",  # the file itself is deleted from storage once the withdrawal commits
        "promptpay_payload": "",
        "reject_reason": "",
    },
    "wallet.Withdrawal": {"bank_name": "", "account_holder": "", "account_number": "", "reject_reason": ""},
    # The register of provisions to third parties (P7) and legal holds are records of our legal
    # obligations; they name the member by the (anonymised) row and hold nothing in clear.
    "privacy.Disclosure": {},
    "privacy.LegalHold": {},
    # A staff member's pledges, training and hand-over prove their duties, which outlast their
    # employment; their own sweep ends them 3 years after leaving (staff close at hand-over, not here).
    "staff.SecurityPledge": {},
    "staff.TrainingSession": {},
    "staff.HandOver": {},
    # A breach incident stays in the register (P18) with its list of affected members.
    "privacy.BreachIncident": {},
    # Login records are kept for the 6 months the policy promises by law (their own sweep ends
    # them); they hold an IP address and a browser, never an email, a name or a phone number.
    "accounts.LoginRecord": {},
    # Consultation attachments: their files are deleted from storage once the withdrawal commits;
    # the rows then go with the consultation below (complaints were copied to the kept document).
    "support.Attachment": {"file": "", "original_name": ""},
}

# Everything else a member owns, deleted (children before parents).
DELETE: tuple[str, ...] = (
    "account.EmailAddress",
    "mfa.Authenticator",
    "api.ApiKey",
    "api.IdempotentRequest",  # the keyed hash of an order request: the order itself is anonymised
    "wallet.RefundBankAccount",
    "privacy.IdentityCheck",
    "privacy.CookieChoice",
    "web.PopupSeen",
    "privacy.PolicyChangeNotice",
    "privacy.CorrectionNotice",
    "privacy.ProcessingSuspension",
    "privacy.DataExport",
    "privacy.RequestStep",
    "privacy.DataSubjectRequest",
    "privacy.PrivacyInquiry",
    "privacy.BreachNotice",  # copied to the kept document first (rule "breaches")
    "notifications.Delivery",
    "notifications.Notification",
    "notifications.ChannelChoice",
    "socialaccount.SocialAccount",
    # Consultations: copied to the kept document first (rule "complaint"), like privacy inquiries.
    "support.Attachment",
    "support.Message",
    "support.Consultation",
    # The terms accepted at sign-up: copied to the kept document first (rule "contract").
    "pages.TermsAcceptance",
)


class AlreadyWithdrawn(DomainError):
    message = _("This account has already been closed.")


@dataclass(frozen=True)
class Obstacle:
    """Something that must be finished before the contract can end, and where to finish it."""

    what: str
    link: str = ""
    link_label: str = ""


class WithdrawalBlocked(DomainError):
    message = _(
        "You cannot leave yet: the contract cannot be ended while it is still being carried out "
        "(the policy's exception ③). Finish or cancel your orders and ask for your balance back "
        "to your bank account first, then come back."
    )

    def __init__(self, obstacles: list[Obstacle]):
        self.obstacles = obstacles
        super().__init__()


def unhandled_models() -> list[str]:
    """Models a member owns that are neither anonymised nor deleted on withdrawal (must be none)."""
    handled = set(ANONYMISE) | set(DELETE)
    return [label for label in registry.owned_models() if label not in handled]


# --- What stands in the way --------------------------------------------------------------------


def obstacles(member) -> list[Obstacle]:
    """What must be settled before ``member`` can leave: running orders and requests, money we
    owe them or they may still send us. Open privacy requests are no obstacle."""
    found: list[Obstacle] = []
    orders_page, orders_label = reverse("orders:list"), _("Your orders")
    wallet_page, wallet_label = reverse("wallet:home"), _("Your balance")
    if member.is_staff:
        found.append(Obstacle(_("Staff accounts are closed by an administrator at hand-over, not here.")))
    running = Order.objects.filter(member=member, status__in=ACTIVE).count()
    if running:
        found.append(
            Obstacle(
                ngettext(
                    "%(count)d order is still running. Wait until it completes, or cancel it.",
                    "%(count)d orders are still running. Wait until they complete, or cancel them.",
                    running,
                )
                % {"count": running},
                orders_page,
                orders_label,
            )
        )
    if Subscription.objects.filter(order__member=member, status__in=OPEN_SUBSCRIPTION).exists():
        found.append(
            Obstacle(_("A subscription is still active. Cancel it first."), orders_page, orders_label)
        )
    if (
        RefillRequest.objects.filter(order__member=member, status__in=OPEN_REFILL).exists()
        or CancelRequest.objects.filter(order__member=member, status=CancelRequest.Status.PENDING).exists()
    ):
        found.append(
            Obstacle(
                _("A refill or cancellation you asked for is still being handled. Wait for our answer."),
                orders_page,
                orders_label,
            )
        )
    balance = wallet_selectors.balance(member)
    if balance > 0:
        found.append(
            Obstacle(
                _("Your balance is ฿%(amount)s. Ask for it back to your bank account first.")
                % {"amount": f"{balance:,.2f}"},
                reverse("wallet:withdraw"),
                _("Withdraw your balance"),
            )
        )
    if Withdrawal.objects.filter(member=member, status=Withdrawal.Status.REQUESTED).exists():
        found.append(
            Obstacle(
                _(
                    "Our finance team has not yet paid the withdrawal you asked for. "
                    "You can leave once it is paid."
                ),
                wallet_page,
                wallet_label,
            )
        )
    unsettled_top_ups = TopUp.objects.filter(member=member).filter(
        Q(status=TopUp.Status.PENDING_REVIEW)
        | Q(status=TopUp.Status.AWAITING_PAYMENT, expires_at__gt=clock.now())
    )
    if unsettled_top_ups.exists():
        found.append(
            Obstacle(
                _("A top-up is waiting for your payment or for our check. Wait until it is settled."),
                wallet_page,
                wallet_label,
            )
        )
    return found


# --- Withdrawing -------------------------------------------------------------------------------


def withdraw(*, member, reason: str = "") -> WithdrawnMember:
    """Close ``member``'s account for good: all of it in one transaction, or nothing.

    Raises ``WithdrawalBlocked`` (with the obstacles) while orders run or money is owed either way.
    """
    with transaction.atomic():
        stored = _close(member, now=clock.now(), reason=reason, check=True)
    # The caller's object (often request.user) now shows what the database holds.
    member.refresh_from_db()
    return stored


def redo(*, member, at: datetime) -> WithdrawnMember | None:
    """Withdraw again a member who withdrew at ``at`` but is back in a database restored from an
    older backup (the deletion journal says so, P21). What stood in the way then was settled
    before ``at``; the restored copy shows an older state, so nothing is checked. None when the
    member is already withdrawn (a second replay changes nothing)."""
    with transaction.atomic():
        if Member.objects.filter(pk=member.pk, withdrawn_at__isnull=False).exists():
            return None
        return _close(member, now=at, reason="", check=False)


def _close(member, *, now: datetime, reason: str, check: bool) -> WithdrawnMember:
    # Everything a member does with money is serialised on their wallet row: no order or
    # top-up can slip in between the checks below and the end of this transaction.
    list(LedgerAccount.objects.select_for_update().filter(member=member))
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if locked.withdrawn_at is not None:
        raise AlreadyWithdrawn()
    if check:
        blocked = obstacles(locked)
        if blocked:
            raise WithdrawalBlocked(blocked)
    unhandled = unhandled_models()
    if unhandled:
        raise ImproperlyConfigured(f"Say whether withdrawal anonymises or deletes: {unhandled}")
    held = LegalHold.objects.filter(member=locked, released_at__isnull=True).exists()
    records = kept_records(locked, now=now, held=held)
    identity_ends = RULES["withdrawn_member"].ends(now)
    stored = WithdrawnMember.objects.create(
        member_id=locked.member_id,
        withdrawn_at=now,
        contract_ended_at=now,
        # The identity stays while any of its records is kept: they are about this person.
        destroy_after=max([identity_ends, *(record.ends for record in records)]),
        email_hash=email_hash(locked.email),
        phone_hash=phone_hash(locked.phone),
        kept=json.dumps(_identity(locked, now=now, reason=reason, held=held), cls=DjangoJSONEncoder),
    )
    WithdrawnRecord.objects.bulk_create(
        WithdrawnRecord(
            withdrawn=stored,
            record_type=record.label,
            rule=record.rule,
            counted_from=record.start,
            destroy_after=record.ends,
            data=json.dumps(record.row, cls=DjangoJSONEncoder),
        )
        for record in records
    )
    _redact_memos(locked)
    for label, values in ANONYMISE.items():
        if values:
            _anonymise(label, locked, values)
    for label in DELETE:
        _delete(label, locked)
    _end_sessions(locked)
    _anonymise_member(locked, now=now)
    # The deletion journal (P21): a database restored from an older backup forgets them again.
    journal.record(journal.entries_for(journal.WITHDREW, "accounts.Member", [locked.pk]))
    # Remnants (P21): the worker vacuums the tables whose rows were removed or rewritten.
    send_on_commit(personal_data_removed, sender=withdraw, tables=touched_tables())
    return stored


def touched_tables() -> list[str]:
    """The tables a withdrawal deletes from or rewrites (an UPDATE leaves the old row behind too)."""
    labels = {*ANONYMISE, *DELETE, "accounts.Member", "sessions.Session"}
    return sorted(apps.get_model(label)._meta.db_table for label in labels)


@dataclass(frozen=True)
class KeptRecord:
    """One row copied to the store, with its own clock: the rule it is kept under, the moment its
    period counts from, and when it leaves the store."""

    label: str
    pk: object
    rule: str
    start: datetime
    ends: datetime
    row: dict


def kept_records(member, *, now: datetime, held: bool = False) -> list[KeptRecord]:
    """The member's rows that a kept rule covers (all of them while a legal hold names the
    member), each with its own clock. A row still open at withdrawal (a complaint not closed)
    counts from the withdrawal; a row no sweep dates counts from the end of the contract, which
    is the withdrawal too."""
    found = []
    for label in registry.owned_models():
        if label == "accounts.Member":
            continue  # the identity, in the entry itself
        condition = Q() if held else _kept_condition(label)
        if condition is None:
            continue
        rows = registry.member_rows(label, member).filter(condition).order_by("pk").distinct()
        clocks = _clocks(label, rows, now=now)
        for row in rows:
            rule, start = clocks.get(row.pk) or _fallback_clock(label, now=now)
            found.append(KeptRecord(label, row.pk, rule, start, RULES[rule].ends(start), _row(row)))
    return found


def _clocks(label: str, rows, *, now: datetime) -> dict:
    """pk → (rule, start) for the rows a kept sweep dates: the model's own sweeps, or its
    parent's (an order's transitions count from the order's date). Where two kept rules date one
    row, the later end wins."""
    clocks: dict = {}

    def note(pk, rule: str, start):
        start = start or now  # still open at withdrawal: counted from the end of the contract
        if pk not in clocks or RULES[rule].ends(start) > RULES[clocks[pk][0]].ends(clocks[pk][1]):
            clocks[pk] = (rule, start)

    if label in KEPT_SINCE:
        rule = _fallback_clock(label, now=now)[0]
        for pk, start in rows.values_list("pk", KEPT_SINCE[label]):
            note(pk, rule, start)
    for declared in registry.all_sweeps():
        if declared.model_label != label:
            continue
        if not declared.parent:
            if declared.rule in KEPT_RULES and not declared.due:
                for pk, start in rows.filter(declared.when or Q()).values_list("pk", declared.since):
                    note(pk, declared.rule, start)
            continue
        for parent in registry.sweeps():
            if parent.model_label != declared.parent or parent.rule not in KEPT_RULES or parent.due:
                continue
            parents = apps.get_model(parent.model_label)._base_manager.filter(parent.when or Q())
            selected = rows.filter(**{f"{declared.via}__in": parents})
            for pk, start in selected.values_list("pk", f"{declared.via}__{parent.since}"):
                note(pk, parent.rule, start)
    return clocks


# Kept rows no sweep dates, and the field their period counts from: a refund account from when it
# was last set (each payout to it is kept on its own clock, with the account it was paid to); a
# ledger entry from its transaction. Others count from the end of the contract (terms accepted).
KEPT_SINCE = {
    "wallet.RefundBankAccount": "updated_at",
    "wallet.LedgerEntry": "transaction__created_at",
}


def _fallback_clock(label: str, *, now: datetime) -> tuple[str, datetime]:
    """The longest kept rule the model declares, from the end of the contract (a legally held
    member's other records: the withdrawn-member rule)."""
    rules = [d.retention for d in registry.declarations_for(label) if d.retention in KEPT_RULES]
    if not rules:
        return "withdrawn_member", now
    return max(rules, key=lambda rule: RULES[rule].ends(now)), now


def kept_document(member, *, now: datetime, reason: str = "") -> dict:
    """What the withdrawn-member store keeps: who the member was, and every record of the rules
    the law makes us keep (all of their records while a legal hold names them)."""
    held = LegalHold.objects.filter(member=member, released_at__isnull=True).exists()
    records: dict[str, list] = {}
    for record in kept_records(member, now=now, held=held):
        records.setdefault(record.label, []).append(record.row)
    return {**_identity(member, now=now, reason=reason, held=held), "records": records}


def _identity(member, *, now: datetime, reason: str, held: bool) -> dict:
    return {
        "member": {
            "member_id": member.member_id,
            "name": member.name,
            "email": member.email,
            "phone": member.phone,
            "language": member.language,
            "joined": member.date_joined,
            "withdrawn": now,
        },
        "reason": reason,
        "legal_hold": held,
    }


def _kept_condition(label: str):
    """Which rows of ``label`` a kept rule covers (a Q; None: no row). The model's own sweeps say it
    row by row (a complaint is kept 5 years, an ordinary consultation is not kept at all); rows that
    go with a parent follow the parent's; a model no sweep names follows its declared rules."""
    sweeps = [s for s in registry.all_sweeps() if s.model_label == label]
    own = [s for s in sweeps if not s.parent]
    if own:
        kept = [s for s in own if s.rule in KEPT_RULES]
        if not kept:
            return None
        if any(s.when is None for s in kept):
            return Q()
        condition = Q(pk__in=[])
        for s in kept:
            condition |= s.when
        return condition
    if sweeps:
        condition = None
        for s in sweeps:
            parent = _kept_condition(s.parent)
            if parent is not None:
                through = Q(**{f"{s.via}__in": apps.get_model(s.parent)._default_manager.filter(parent)})
                condition = through if condition is None else condition | through
        return condition
    rules = {d.retention for d in registry.declarations_for(label)}
    return Q() if rules & KEPT_RULES else None


def _row(row) -> dict:
    values = {}
    for field in row._meta.concrete_fields:
        value = field.value_from_object(row)
        values[field.attname] = value.name if isinstance(value, FieldFile) else value
    return values


def _anonymise(label: str, member, values: dict) -> None:
    rows = registry.member_rows(label, member)
    model = rows.model
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField) and field.name in values:
            names = [name for name in rows.values_list(field.name, flat=True) if name]
            transaction.on_commit(lambda storage=field.storage, names=names: _delete_files(storage, names))
    # A relation path may repeat rows (distinct): update through the primary keys.
    model._default_manager.filter(pk__in=rows.values("pk")).update(**values)


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def _unlink_all(paths) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _delete(label: str, member) -> None:
    rows = registry.member_rows(label, member)
    model = rows.model
    if label == "privacy.DataExport":
        files = [path for path in map(export.file_path, rows) if path is not None]
        transaction.on_commit(lambda: _unlink_all(files))
    model._default_manager.filter(pk__in=list(rows.values_list("pk", flat=True))).delete()


def _redact_memos(member) -> None:
    """Empty the memos of the member's ledger transactions that name them.

    The ledger is append-only (models refuse updates; on PostgreSQL a trigger does too). This
    one raw UPDATE is the deliberate exception: it changes nothing but memos already copied to the
    withdrawn-member store, and on PostgreSQL only with the transaction-local switch that the
    trigger checks (wallet migration 0005). Amounts, kinds and dates are never touched.
    """
    terms = [
        term for term in (member.email, member.name, member.phone, _digits(member.phone)) if len(term) >= 3
    ]
    if not terms:
        return
    mentions = Q()
    for term in terms:
        mentions |= Q(memo__icontains=term)
    ids = list(
        LedgerTransaction.objects.filter(pk__in=registry.member_rows(LedgerTransaction, member).values("pk"))
        .filter(mentions)
        .values_list("pk", flat=True)
    )
    if not ids:
        return
    table = LedgerTransaction._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('snshelper.redact_ledger_memo', 'on', true)")
        cursor.execute(f"UPDATE {table} SET memo = '' WHERE id IN ({placeholders})", ids)  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('snshelper.redact_ledger_memo', 'off', true)")


def _end_sessions(member) -> None:
    """Delete every session signed in as the member (the unusable password ends them anyway)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return  # sessions only in a cache: Django refuses them once the password hash changed
    pk = str(member.pk)
    keys = [
        session.session_key
        for session in store.get_model_class().objects.iterator()
        if str(session.get_decoded().get(SESSION_KEY, "")) == pk
    ]
    for key in keys:
        store(session_key=key).delete()


def _anonymise_member(member, *, now: datetime) -> None:
    member.email = f"withdrawn-{member.member_id.lower()}@withdrawn.invalid"
    member.name = ""
    member.phone = ""
    member.set_unusable_password()
    member.is_active = False
    member.last_login = None
    member.withdrawn_at = now
    member.save(
        update_fields=["email", "name", "phone", "password", "is_active", "last_login", "withdrawn_at"]
    )
    member.groups.clear()
    member.user_permissions.clear()


# --- Matching a returning member by keyed hash -------------------------------------------------


def _digits(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def _keyed(value: str) -> str:
    return hmac.new(settings.PRIVACY_MATCH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def email_hash(email: str) -> str:
    return _keyed((email or "").strip().lower())


def phone_hash(phone: str) -> str:
    """The hash of a phone number's digits, written the Thai way (+66 81… and 081… are one
    number); empty when there is no number."""
    digits = _digits(phone)
    if digits.startswith("66") and len(digits) == 11:
        digits = "0" + digits[2:]
    return _keyed(digits) if digits else ""


def flag_returning_member(*, member) -> list[SignupMatch]:
    """Flag ``member`` for staff when their email or phone number is a withdrawn member's whose
    kept data is still in the store. Returns the new flags (existing ones are not repeated)."""
    if member.withdrawn_at is not None:
        return []
    flags = []
    for matched_on, digest in (("email", email_hash(member.email)), ("phone", phone_hash(member.phone))):
        if not digest:
            continue
        withdrawn = WithdrawnMember.objects.filter(
            **{f"{matched_on}_hash": digest}, destroy_after__gt=clock.now()
        ).exclude(member_id=member.member_id)
        for entry in withdrawn:
            flag, created = SignupMatch.objects.get_or_create(
                member=member, withdrawn=entry, matched_on=matched_on
            )
            if created:
                flags.append(flag)
    return flags


def review_match(*, match: SignupMatch, by, note: str = "") -> SignupMatch:
    """Staff looked at a flag: who, when, and what they concluded."""
    match.reviewed_by, match.reviewed_at, match.note = by, clock.now(), note.strip()[:300]
    match.save(update_fields=["reviewed_by", "reviewed_at", "note"])
    return match
