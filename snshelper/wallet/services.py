"""Writes that move money. Each is one ledger transaction and takes an idempotency key."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock, uploads
from snshelper.wallet import ledger, memos, notices, promptpay, signals
from snshelper.wallet.errors import AlreadyHandled, InvalidAmount, WalletError
from snshelper.wallet.models import LedgerAccount, LedgerTransaction, RefundBankAccount, TopUp, Withdrawal

Kind = LedgerAccount.Kind
CENT = Decimal("0.01")


def parse_amount(value) -> Decimal:
    """A positive baht amount with at most two decimals, from a form, a command or the API."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (ArithmeticError, ValueError):
        raise InvalidAmount from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise InvalidAmount
    return amount


def parse_signed_amount(value) -> Decimal:
    """A non-zero baht amount, positive or negative, with at most two decimals."""
    text = str(value).strip()
    negative = text.startswith("-")
    amount = parse_amount(text.lstrip("+-"))
    return -amount if negative else amount


def credit_top_up(*, member, amount: Decimal, idempotency_key: str, by=None, memo: memos.Memo | None = None):
    """Money received (bank transfer or PromptPay) becomes the member's balance."""
    return ledger.post(
        idempotency_key=idempotency_key,
        kind=LedgerTransaction.Kind.TOP_UP,
        memo=memo,
        created_by=by,
        lines=[
            ledger.Line(ledger.wallet_of(member), amount),
            ledger.Line(ledger.system_account(Kind.BANK_CLEARING), -amount),
        ],
    )


def charge(*, member, amount: Decimal, idempotency_key: str, memo: memos.Memo | None = None, held=None):
    """An order's price leaves the member's balance; raises InsufficientFunds when it is short.

    ``held``: the member's wallet as locked by the caller's transaction (see ``ledger.post``)."""
    return ledger.post(
        idempotency_key=idempotency_key,
        kind=LedgerTransaction.Kind.ORDER_CHARGE,
        memo=memo,
        lines=[
            ledger.Line(held or ledger.wallet_of(member), -amount),
            ledger.Line(ledger.system_account(Kind.SALES), amount),
        ],
        held=held,
    )


def refund(*, member, amount: Decimal, idempotency_key: str, memo: memos.Memo | None = None, by=None):
    """Part or all of an order's price returns to the member's balance."""
    return ledger.post(
        idempotency_key=idempotency_key,
        kind=LedgerTransaction.Kind.ORDER_REFUND,
        memo=memo,
        created_by=by,
        lines=[
            ledger.Line(ledger.wallet_of(member), amount),
            ledger.Line(ledger.system_account(Kind.SALES), -amount),
        ],
    )


def refund_many(refunds: list[tuple[int, Decimal, str, memos.Memo]]) -> list:
    """Refunds for many orders at once: (member id, amount, idempotency key, memo) each, posted as
    ``refund`` would post them one by one, in a fixed number of queries."""
    if not refunds:
        return []
    members = {member_id for member_id, *_ in refunds}
    sales = ledger.system_account(Kind.SALES)
    with transaction.atomic():  # a savepoint when nested: a refusal leaves the caller usable
        wallets = {
            account.member_id: account
            for account in LedgerAccount.objects.select_for_update()
            .filter(kind=Kind.MEMBER_WALLET, member_id__in=members, currency=settings.CURRENCY)
            .order_by("pk")
        }
        return ledger.post_many(
            held={account.pk: account for account in wallets.values()},
            postings=[
                ledger.Posting(
                    idempotency_key=key,
                    kind=LedgerTransaction.Kind.ORDER_REFUND,
                    memo=memo,
                    lines=[ledger.Line(wallets[member_id], amount), ledger.Line(sales, -amount)],
                )
                for member_id, amount, key, memo in refunds
            ],
        )


def adjust_balance(*, member, amount: Decimal, reason: str, by, idempotency_key: str):
    """Finance credits (positive) or debits (negative) a balance by hand, with a reason."""
    if not amount:
        raise InvalidAmount
    memo = memos.build(memos.ADJUSTMENT, reason=reason)
    account = RefundBankAccount.objects.filter(member=member).first()
    if account is not None and account.account_number in "".join(ch for ch in reason if ch.isdigit()):
        raise WalletError(_("Do not write the member's bank account number in the reason."))
    return ledger.post(
        idempotency_key=idempotency_key,
        kind=LedgerTransaction.Kind.ADJUSTMENT,
        memo=memo,
        created_by=by,
        lines=[
            ledger.Line(ledger.wallet_of(member), amount),
            ledger.Line(ledger.system_account(Kind.ADJUSTMENTS), -amount),
        ],
    )


# --- Top-ups ---------------------------------------------------------------------------------

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _reference() -> str:
    return "TU-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _top_up_amount(value) -> Decimal:
    amount = parse_amount(value)
    if not settings.TOPUP_MIN_AMOUNT <= amount <= settings.TOPUP_MAX_AMOUNT:
        raise InvalidAmount(
            _("Top up between %(min)s and %(max)s THB.")
            % {"min": f"{settings.TOPUP_MIN_AMOUNT:,.2f}", "max": f"{settings.TOPUP_MAX_AMOUNT:,.2f}"}
        )
    return amount


def bank_accounts() -> list[dict]:
    """Our bank accounts members may transfer to (from settings)."""
    return list(settings.TOPUP_BANK_ACCOUNTS)


def create_bank_transfer_top_up(
    *, member, amount, bank_account: str, transferred_at, payer_name: str, payer_bank: str, slip
) -> TopUp:
    """A member reports a transfer and uploads its slip; finance checks it against the bank."""
    amount = _top_up_amount(amount)
    if bank_account not in {account["key"] for account in bank_accounts()}:
        raise WalletError(_("Choose one of our bank accounts."))
    if transferred_at is None or transferred_at > clock.now() + timedelta(minutes=5):
        raise WalletError(_("Enter when you made the transfer (not a time in the future)."))
    if not payer_name.strip():
        raise WalletError(_("Enter the name on the account you paid from."))
    checked = uploads.check_upload(
        slip,
        allowed=("jpeg", "png", "pdf"),
        max_bytes=settings.SLIP_MAX_BYTES,
        purpose="slip",
        member_id=member.member_id,
    )
    slip.name = uploads.random_name("slips", checked.kind)
    top_up = TopUp(
        reference=_reference(),
        member=member,
        method=TopUp.Method.BANK_TRANSFER,
        amount=amount,
        status=TopUp.Status.PENDING_REVIEW,
        bank_account=bank_account,
        transferred_at=transferred_at,
        payer_name=payer_name.strip(),
        payer_bank=payer_bank.strip(),
        slip_content_type=checked.content_type,
    )
    try:
        with transaction.atomic():
            top_up.slip.save(slip.name, slip, save=False)
            top_up.save()
    except Exception:
        if top_up.slip:
            top_up.slip.delete(save=False)  # nothing is kept of a top-up that was not recorded
        raise
    return top_up


def create_promptpay_top_up(*, member, amount) -> TopUp:
    """A PromptPay QR for exactly this amount, valid for PROMPTPAY_EXPIRY_MINUTES."""
    amount = _top_up_amount(amount)
    now = clock.now()
    return TopUp.objects.create(
        reference=_reference(),
        member=member,
        method=TopUp.Method.PROMPTPAY,
        amount=amount,
        status=TopUp.Status.AWAITING_PAYMENT,
        promptpay_payload=promptpay.promptpay_payload(settings.PROMPTPAY_ID, amount),
        expires_at=now + timedelta(minutes=settings.PROMPTPAY_EXPIRY_MINUTES),
        created_at=now,
    )


@transaction.atomic
def mark_paid(*, top_up: TopUp, member) -> TopUp:
    """The member says they paid the PromptPay QR: finance is asked to confirm receipt."""
    top_up = TopUp.objects.select_for_update().get(pk=top_up.pk, member=member)
    if top_up.status != TopUp.Status.AWAITING_PAYMENT:
        raise AlreadyHandled
    top_up.status = TopUp.Status.PENDING_REVIEW
    top_up.save(update_fields=["status"])
    return top_up


REVIEWABLE = (TopUp.Status.AWAITING_PAYMENT, TopUp.Status.PENDING_REVIEW, TopUp.Status.EXPIRED)


@transaction.atomic
def approve_top_up(*, top_up: TopUp, by) -> TopUp:
    """Finance confirms the money arrived: the member is credited exactly once."""
    top_up = TopUp.objects.select_for_update().get(pk=top_up.pk)
    if top_up.status == TopUp.Status.APPROVED:
        return top_up  # a second click, or two finance staff at once
    if top_up.status not in REVIEWABLE:
        raise AlreadyHandled
    credit_top_up(
        member=top_up.member,
        amount=top_up.amount,
        idempotency_key=f"topup:{top_up.pk}:credit",
        by=by,
        memo=memos.build(memos.TOP_UP, reference=top_up.reference),
    )
    top_up.status, top_up.reviewed_by, top_up.reviewed_at = TopUp.Status.APPROVED, by, clock.now()
    top_up.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    notices.top_up_reviewed(top_up)
    return top_up


@transaction.atomic
def reject_top_up(*, top_up: TopUp, by, reason: str) -> TopUp:
    """Finance refuses a top-up (no money found, wrong amount...); the member sees why."""
    if not reason.strip():
        raise WalletError(_("Give the member a reason."))
    top_up = TopUp.objects.select_for_update().get(pk=top_up.pk)
    if top_up.status not in REVIEWABLE:
        raise AlreadyHandled
    top_up.status, top_up.reviewed_by, top_up.reviewed_at = TopUp.Status.REJECTED, by, clock.now()
    top_up.reject_reason = reason.strip()[:300]
    top_up.save(update_fields=["status", "reviewed_by", "reviewed_at", "reject_reason"])
    notices.top_up_reviewed(top_up)
    return top_up


def expire_unpaid_top_ups() -> int:
    """PromptPay top-ups not paid in time expire (a periodic job)."""
    return TopUp.objects.filter(status=TopUp.Status.AWAITING_PAYMENT, expires_at__lte=clock.now()).update(
        status=TopUp.Status.EXPIRED
    )


# --- Refunds to a bank account ---------------------------------------------------------------


def save_refund_account(*, member, bank_name: str, account_holder: str, account_number: str):
    """The member's bank account for withdrawals (one per member; saving again replaces it)."""
    digits = "".join(ch for ch in account_number if ch.isdigit())
    if len(digits) < 10 or len(digits) > 15 or not all(ch.isdigit() or ch in " -" for ch in account_number):
        raise WalletError(_("Enter the account number: 10 to 15 digits."))
    if not bank_name.strip() or not account_holder.strip():
        raise WalletError(_("Enter the bank and the account holder's name."))
    values = {
        "bank_name": bank_name.strip(),
        "account_holder": account_holder.strip(),
        "account_number": digits,
    }
    before = RefundBankAccount.objects.filter(member=member).first()
    account, _created = RefundBankAccount.objects.update_or_create(
        member=member, defaults={**values, "updated_at": clock.now()}
    )
    changed = {
        name for name, value in values.items() if before is not None and getattr(before, name) != value
    }
    if changed:
        signals.refund_account_changed.send(sender=RefundBankAccount, account=account, fields=changed)
    return account


def request_withdrawal(*, member, amount, idempotency_key: str):
    """Move part of the balance aside for finance to pay to the member's bank account."""
    amount = parse_amount(amount)
    account = RefundBankAccount.objects.filter(member=member).first()
    if account is None:
        raise WalletError(_("Save the bank account to pay you back to first."))
    with transaction.atomic():
        ledger.lock_wallet(member)
        earlier = Withdrawal.objects.filter(member=member, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
        withdrawal = Withdrawal.objects.create(
            reference="WD-" + _reference()[3:],
            member=member,
            amount=amount,
            bank_name=account.bank_name,
            account_holder=account.account_holder,
            account_number=account.account_number,
            idempotency_key=idempotency_key,
        )
        ledger.post(
            idempotency_key=f"withdrawal:{withdrawal.pk}:hold",
            kind=LedgerTransaction.Kind.WITHDRAWAL,
            memo=memos.build(memos.WITHDRAWAL, reference=withdrawal.reference),
            lines=[
                ledger.Line(ledger.wallet_of(member), -amount),
                ledger.Line(ledger.system_account(Kind.WITHDRAWALS_PAYABLE), amount),
            ],
        )
    return withdrawal


@transaction.atomic
def pay_withdrawal(*, withdrawal, by, payout_reference: str):
    """Finance transferred the money: the withdrawal leaves our books, exactly once."""
    withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    if withdrawal.status == Withdrawal.Status.PAID:
        return withdrawal
    if withdrawal.status != Withdrawal.Status.REQUESTED:
        raise AlreadyHandled
    if not payout_reference.strip():
        raise WalletError(_("Enter the bank transfer reference."))
    ledger.post(
        idempotency_key=f"withdrawal:{withdrawal.pk}:paid",
        kind=LedgerTransaction.Kind.WITHDRAWAL_PAID,
        memo=memos.build(memos.WITHDRAWAL, reference=withdrawal.reference),
        created_by=by,
        lines=[
            ledger.Line(ledger.system_account(Kind.WITHDRAWALS_PAYABLE), -withdrawal.amount),
            ledger.Line(ledger.system_account(Kind.BANK_CLEARING), withdrawal.amount),
        ],
    )
    withdrawal.status, withdrawal.handled_by, withdrawal.handled_at = Withdrawal.Status.PAID, by, clock.now()
    withdrawal.payout_reference = payout_reference.strip()[:100]
    withdrawal.save(update_fields=["status", "handled_by", "handled_at", "payout_reference"])
    notices.withdrawal_handled(withdrawal)
    return withdrawal


@transaction.atomic
def reject_withdrawal(*, withdrawal, by, reason: str):
    """Finance refuses: the amount returns to the member's balance, with the reason."""
    if not reason.strip():
        raise WalletError(_("Give the member a reason."))
    withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    if withdrawal.status == Withdrawal.Status.REJECTED:
        return withdrawal
    if withdrawal.status != Withdrawal.Status.REQUESTED:
        raise AlreadyHandled
    ledger.post(
        idempotency_key=f"withdrawal:{withdrawal.pk}:returned",
        kind=LedgerTransaction.Kind.WITHDRAWAL_RETURNED,
        memo=memos.build(memos.WITHDRAWAL, reference=withdrawal.reference),
        created_by=by,
        lines=[
            ledger.Line(ledger.system_account(Kind.WITHDRAWALS_PAYABLE), -withdrawal.amount),
            ledger.Line(ledger.wallet_of(withdrawal.member), withdrawal.amount),
        ],
    )
    withdrawal.status, withdrawal.handled_by, withdrawal.handled_at = (
        Withdrawal.Status.REJECTED,
        by,
        clock.now(),
    )
    withdrawal.reject_reason = reason.strip()[:300]
    withdrawal.save(update_fields=["status", "handled_by", "handled_at", "reject_reason"])
    notices.withdrawal_handled(withdrawal)
    return withdrawal
