"""The ledger: append-only, double-entry. Every movement of money is one LedgerTransaction whose
entries sum to zero; an account's balance is the sum of its entries (kept alongside as a cache,
updated in the same database transaction under a row lock, and never below zero for a member)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.encryption import EncryptedTextField
from snshelper.wallet import memos

MONEY = {"max_digits": 18, "decimal_places": 5}


APPEND_ONLY = "The ledger is append-only: post a new transaction instead."


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(APPEND_ONLY)

    def delete(self):
        raise TypeError(APPEND_ONLY)


class AppendOnlyModel(models.Model):
    """Rows are written once. Database triggers (migration 0002) refuse UPDATE and DELETE too."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(APPEND_ONLY)


class LedgerAccount(models.Model):
    """Amounts are credit-positive: a member wallet's balance is what we owe the member; the
    bank-clearing account runs negative by what we hold in the bank. ``balance`` is a cache kept
    for member wallets only (system accounts: the sum of their entries)."""

    class Kind(models.TextChoices):
        MEMBER_WALLET = "member_wallet", _("Member wallet")
        BANK_CLEARING = "bank_clearing", _("Bank and PromptPay receipts")
        SALES = "sales", _("Sales")
        WITHDRAWALS_PAYABLE = "withdrawals_payable", _("Withdrawals to pay")
        ADJUSTMENTS = "adjustments", _("Manual adjustments")

    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    currency = models.CharField(_("currency"), max_length=3, default="THB")
    balance = models.DecimalField(_("balance"), default=0, **MONEY)

    class Meta:
        verbose_name = _("wallet")
        verbose_name_plural = _("wallets")
        constraints = [
            models.UniqueConstraint(fields=["kind", "member", "currency"], name="one_account_per_kind"),
            models.UniqueConstraint(
                fields=["kind", "currency"], condition=Q(member__isnull=True), name="one_system_account"
            ),
            models.CheckConstraint(
                condition=~Q(kind="member_wallet") | Q(balance__gte=0),
                name="member_wallet_never_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind="member_wallet", member__isnull=False)
                | Q(~Q(kind="member_wallet"), member__isnull=True),
                name="wallets_belong_to_members",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.member_id or ''}".strip()


class LedgerTransaction(AppendOnlyModel):
    class Kind(models.TextChoices):
        TOP_UP = "top_up", _("Top-up")
        ORDER_CHARGE = "order_charge", _("Order")
        ORDER_REFUND = "order_refund", _("Order refund")
        ADJUSTMENT = "adjustment", _("Adjustment")
        WITHDRAWAL = "withdrawal", _("Withdrawal requested")
        WITHDRAWAL_PAID = "withdrawal_paid", _("Withdrawal paid")
        WITHDRAWAL_RETURNED = "withdrawal_returned", _("Withdrawal rejected")

    idempotency_key = models.CharField(_("retry key"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    memo = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("wallet transaction")
        verbose_name_plural = _("wallet transactions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def memo_text(self) -> str:
        """The memo (a code and parameters, ``wallet.memos``) in the reader's language."""
        return memos.render(self.memo)


class LedgerEntry(AppendOnlyModel):
    """One side of a transaction. Never updated or deleted (here, and by a database trigger)."""

    transaction = models.ForeignKey(
        LedgerTransaction, verbose_name=_("transaction"), on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(
        LedgerAccount, verbose_name=_("wallet"), on_delete=models.PROTECT, related_name="entries"
    )
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="entry_not_zero")]
        indexes = [models.Index(fields=["account", "transaction"])]

    def __str__(self):
        return f"{self.amount:+} → {self.account}"


class TopUp(models.Model):
    """A member's request to add money: a bank transfer with its slip, or a PromptPay QR.

    Finance approves (the ledger credits the member exactly once) or rejects with a reason the
    member sees. Unpaid PromptPay top-ups expire.
    """

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        PROMPTPAY = "promptpay", _("PromptPay QR")

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Waiting for your payment")
        PENDING_REVIEW = "pending_review", _("Being checked by our finance team")
        APPROVED = "approved", _("Approved: added to your balance")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired: not paid in time")

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.PROTECT, related_name="top_ups"
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    bank_account = models.CharField(_("our bank account"), max_length=32, blank=True)
    transferred_at = models.DateTimeField(_("transfer time"), null=True, blank=True)
    payer_name = EncryptedTextField(_("payer's account name"), blank=True, default="")
    payer_bank = models.CharField(_("payer's bank"), max_length=100, blank=True)
    slip = models.FileField(_("slip"), upload_to="slips/", blank=True)
    slip_content_type = models.CharField(_("slip file type"), max_length=32, blank=True)
    promptpay_payload = models.TextField(_("PromptPay QR data"), blank=True)
    expires_at = models.DateTimeField(_("pay before"), null=True, blank=True)
    created_at = models.DateTimeField(_("top-up started"), default=clock.now, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("top-up")
        verbose_name_plural = _("top-ups")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="top_up_positive")]

    def __str__(self):
        return self.reference


class RefundBankAccount(models.Model):
    """Where a member wants their money back. Holder and number are encrypted, shown masked."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="refund_bank_account",
    )
    bank_name = models.CharField(_("bank"), max_length=100)
    account_holder = EncryptedTextField(_("account holder"))
    account_number = EncryptedTextField(_("account number"))
    updated_at = models.DateTimeField(_("last changed"), default=clock.now)

    class Meta:
        verbose_name = _("refund bank account")
        verbose_name_plural = _("refund bank accounts")

    def __str__(self):
        return f"{self.bank_name} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return "•••• " + self.account_number[-4:]


class Withdrawal(models.Model):
    """A member asks for their balance back to their bank; finance pays it outside and marks it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested: waiting for our finance team")
        PAID = "paid", _("Paid to your bank account")
        REJECTED = "rejected", _("Rejected: returned to your balance")

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="withdrawals",
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    bank_name = models.CharField(_("bank"), max_length=100)
    account_holder = EncryptedTextField(_("account holder"))
    account_number = EncryptedTextField(_("account number"))
    requested_at = models.DateTimeField(_("requested at"), default=clock.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    payout_reference = models.CharField(_("bank transfer reference"), max_length=100, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=300, blank=True)
    idempotency_key = models.CharField(_("retry key"), max_length=200)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="withdrawal_positive"),
            models.UniqueConstraint(fields=["member", "idempotency_key"], name="withdrawal_idempotency"),
        ]

    def __str__(self):
        return self.reference

    @property
    def masked_number(self) -> str:
        return "•••• " + self.account_number[-4:]
