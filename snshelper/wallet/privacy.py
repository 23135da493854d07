"""Personal data in the wallet: payment records, kept 5 years (policy: payment and supply)."""

from snshelper.privacy.registry import Category, Purpose, not_personal, personal_data

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
