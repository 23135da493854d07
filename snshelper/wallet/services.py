"""Writes that move money. Each is one ledger transaction and takes an idempotency key."""

from decimal import Decimal

from snshelper.wallet import ledger
from snshelper.wallet.errors import InvalidAmount
from snshelper.wallet.models import LedgerAccount, LedgerTransaction

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


def credit_top_up(*, member, amount: Decimal, idempotency_key: str, by=None, memo: str = ""):
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


def charge(*, member, amount: Decimal, idempotency_key: str, memo: str = ""):
    """An order's price leaves the member's balance; raises InsufficientFunds when it is short."""
    return ledger.post(
        idempotency_key=idempotency_key,
        kind=LedgerTransaction.Kind.ORDER_CHARGE,
        memo=memo,
        lines=[
            ledger.Line(ledger.wallet_of(member), -amount),
            ledger.Line(ledger.system_account(Kind.SALES), amount),
        ],
    )


def refund(*, member, amount: Decimal, idempotency_key: str, memo: str = "", by=None):
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


def adjust_balance(*, member, amount: Decimal, reason: str, by, idempotency_key: str):
    """Finance credits (positive) or debits (negative) a balance by hand, with a reason."""
    if not reason.strip():
        raise ValueError("A manual adjustment needs a reason.")
    if not amount:
        raise InvalidAmount
    return ledger.post(
        idempotency_key=idempotency_key,
        kind=LedgerTransaction.Kind.ADJUSTMENT,
        memo=reason.strip(),
        created_by=by,
        lines=[
            ledger.Line(ledger.wallet_of(member), amount),
            ledger.Line(ledger.system_account(Kind.ADJUSTMENTS), -amount),
        ],
    )
