"""Personal data in the wallet: payment records, kept 5 years (policy: payment and supply)."""

from snshelper.privacy.registry import Category, Purpose, not_personal, owned_by, personal_data

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
