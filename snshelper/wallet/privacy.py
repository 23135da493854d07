"""Personal data in the wallet: payment records, kept 5 years (policy: payment and supply)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.privacy import registry
from snshelper.privacy.registry import (
    ANONYMISE,
    Category,
    Purpose,
    not_personal,
    not_swept,
    owned_by,
    personal_data,
    sweep,
)
from snshelper.wallet.models import TopUp, Withdrawal

PAY = {"category": Category.PAYMENT_RECORD, "purpose": Purpose.CONTRACT_PAYMENT, "retention": "payment"}

personal_data("wallet.LedgerEntry", "amount", **PAY)
personal_data("wallet.LedgerTransaction", "memo", **PAY)  # staff may name a reason about the member
personal_data("wallet.LedgerTransaction", "created_at", **PAY)
personal_data("wallet.LedgerAccount", "balance", **PAY)
not_personal(
    "wallet.LedgerTransaction",
    "idempotency_key",
    reason="A key made by our code or the client's program to make retries safe.",
)

personal_data(
    "wallet.TopUp",
    "payer_name",
    category=Category.FINANCIAL,
    purpose=Purpose.CONTRACT_PAYMENT,
    retention="payment",
    important=True,
)
personal_data(
    "wallet.TopUp",
    "payer_bank",
    category=Category.FINANCIAL,
    purpose=Purpose.CONTRACT_PAYMENT,
    retention="payment",
)
personal_data("wallet.TopUp", "slip", **PAY)
personal_data("wallet.TopUp", "amount", **PAY)
personal_data("wallet.TopUp", "transferred_at", **PAY)
personal_data("wallet.TopUp", "created_at", **PAY)
personal_data("wallet.TopUp", "promptpay_payload", **PAY)
personal_data("wallet.TopUp", "reject_reason", **PAY)
not_personal("wallet.TopUp", "slip_content_type", reason="The file type of the slip (image/png...).")
not_personal("wallet.TopUp", "bank_account", reason="Which of OUR bank accounts was paid into.")

BANK = {"category": Category.FINANCIAL, "purpose": Purpose.CONTRACT_PAYMENT, "retention": "payment"}
personal_data("wallet.RefundBankAccount", "bank_name", **BANK)
personal_data("wallet.RefundBankAccount", "account_holder", important=True, **BANK)
personal_data("wallet.RefundBankAccount", "account_number", important=True, **BANK)
personal_data("wallet.RefundBankAccount", "updated_at", **PAY)
personal_data("wallet.Withdrawal", "bank_name", **BANK)
personal_data("wallet.Withdrawal", "account_holder", important=True, **BANK)
personal_data("wallet.Withdrawal", "account_number", important=True, **BANK)
personal_data("wallet.Withdrawal", "amount", **PAY)
personal_data("wallet.Withdrawal", "requested_at", **PAY)
personal_data("wallet.Withdrawal", "payout_reference", **PAY)
personal_data("wallet.Withdrawal", "reject_reason", **PAY)
not_personal("wallet.Withdrawal", "idempotency_key", reason="A key our form sends to make retries safe.")

owned_by("wallet.LedgerAccount", "member")
owned_by("wallet.LedgerEntry", "account__member")
owned_by("wallet.LedgerTransaction", "entries__account__member")
for model in ("wallet.TopUp", "wallet.RefundBankAccount", "wallet.Withdrawal"):
    owned_by(model, "member")

# --- Retention -------------------------------------------------------------------------------
# A top-up never paid: gone after a few days (with a slip, if one was uploaded).
sweep(
    "wallet.TopUp",
    rule="unpaid_top_ups",
    since="created_at",
    when=Q(status__in=[TopUp.Status.AWAITING_PAYMENT, TopUp.Status.EXPIRED]),
    files=("slip",),
)
# A rejected top-up's slip and payer: kept only while the rejection may be disputed.
sweep(
    "wallet.TopUp",
    rule="rejected_slips",
    since="reviewed_at",
    action=ANONYMISE,
    when=Q(status=TopUp.Status.REJECTED),
    anonymise={"slip": "", "payer_name": "", "payer_bank": ""},
    files=("slip",),
)
# Payment records, 5 years: the row and its amount stay (the ledger credited it), who paid goes.
sweep(
    "wallet.TopUp",
    rule="payment",
    since="created_at",
    action=ANONYMISE,
    when=Q(status__in=[TopUp.Status.APPROVED, TopUp.Status.REJECTED]),
    anonymise={"slip": "", "payer_name": "", "payer_bank": "", "promptpay_payload": "", "reject_reason": ""},
    files=("slip",),
)
sweep(
    "wallet.Withdrawal",
    rule="payment",
    since="requested_at",
    action=ANONYMISE,
    when=Q(status__in=[Withdrawal.Status.PAID, Withdrawal.Status.REJECTED]),
    anonymise={
        "bank_name": "",
        "account_holder": "",
        "account_number": "",
        "payout_reference": "",
        "reject_reason": "",
    },
)
# The ledger is append-only (its models refuse updates; on PostgreSQL a trigger does too). Emptying
# a memo is its one exception (wallet migration 0005): the sweep sends a raw UPDATE of the memo
# alone, with the transaction-local switch the trigger checks. Entries are never touched.
sweep(
    "wallet.LedgerTransaction",
    rule="payment",
    since="created_at",
    action=ANONYMISE,
    anonymise={"memo": ""},
    trigger_switch="snshelper.redact_ledger_memo",
)
not_swept(
    "wallet.LedgerEntry",
    reason=_("Amounts only. A balance is the sum of its entries, so entries are never deleted or changed."),
)
not_swept("wallet.LedgerAccount", reason=_("The member's balance: the sum of their ledger entries."))
not_swept(
    "wallet.RefundBankAccount",
    reason=_("Kept while the membership lasts, for paying money back; withdrawal removes it."),
)


# --- Every other field, explicitly not personal (registry completeness, issue 15 point 7) ---

registry.not_personal("wallet.LedgerAccount", "id", reason=registry.KEY)
registry.not_personal("wallet.LedgerAccount", "kind", "currency", reason="The kind and currency of a wallet.")
registry.not_personal("wallet.LedgerAccount", "member", reason=registry.MEMBER_LINK)
registry.not_personal("wallet.LedgerTransaction", "id", reason=registry.KEY)
registry.not_personal("wallet.LedgerTransaction", "kind", reason="The kind of money movement.")
registry.not_personal("wallet.LedgerTransaction", "created_by", reason=registry.ACTOR_LINK)
registry.not_personal("wallet.LedgerEntry", "id", reason=registry.KEY)
registry.not_personal("wallet.LedgerEntry", "transaction", "account", reason=registry.LINK)
registry.not_personal("wallet.TopUp", "id", reason=registry.KEY)
registry.not_personal(
    "wallet.TopUp",
    "reference",
    "method",
    "status",
    "expires_at",
    "reviewed_at",
    reason="Our reference for the top-up, its method, state and review dates: the handling of the top-up.",
)
registry.not_personal("wallet.TopUp", "member", reason=registry.MEMBER_LINK)
registry.not_personal("wallet.TopUp", "reviewed_by", reason=registry.ACTOR_LINK)
registry.not_personal("wallet.RefundBankAccount", "id", reason=registry.KEY)
registry.not_personal("wallet.RefundBankAccount", "member", reason=registry.MEMBER_LINK)
registry.not_personal("wallet.Withdrawal", "id", reason=registry.KEY)
registry.not_personal(
    "wallet.Withdrawal",
    "reference",
    "status",
    "handled_at",
    reason="Our reference for the withdrawal, its state and when it was handled: the handling of the payout.",
)
registry.not_personal("wallet.Withdrawal", "member", reason=registry.MEMBER_LINK)
registry.not_personal("wallet.Withdrawal", "handled_by", reason=registry.ACTOR_LINK)
