"""Refunds to a bank account: encrypted and masked; held in the ledger; paid or returned once."""

from decimal import Decimal

import pytest
from django.db import connection

from snshelper.wallet import ledger, selectors, services
from snshelper.wallet.errors import InsufficientFunds, WalletError
from snshelper.wallet.models import LedgerAccount, Withdrawal
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
D = Decimal
NUMBER = "123-4-56789-0"


@pytest.fixture
def account(funded):
    return services.save_refund_account(
        member=funded, bank_name="KBank", account_holder="สมชาย ใจดี", account_number=NUMBER
    )


def test_bank_holder_and_number_are_encrypted_and_shown_masked(account):
    with connection.cursor() as cursor:
        cursor.execute("SELECT account_holder, account_number FROM wallet_refundbankaccount")
        holder, number = cursor.fetchone()
    assert "สมชาย" not in holder and "1234567890" not in number and "67890" not in number
    assert account.masked_number == "•••• 7890"


@pytest.mark.parametrize("number", ["12345", "1234567890123456", "12ab567890", ""])
def test_a_bad_account_number_is_refused(funded, number):
    with pytest.raises(WalletError):
        services.save_refund_account(
            member=funded, bank_name="KBank", account_holder="A", account_number=number
        )


def test_withdrawal_holds_the_amount_then_finance_pays_it_once(account, make_staff):
    finance, _ = make_staff("finance")
    withdrawal = services.request_withdrawal(
        member=account.member, amount=Decimal("400"), idempotency_key="w1"
    )
    again = services.request_withdrawal(member=account.member, amount=Decimal("400"), idempotency_key="w1")
    assert again.pk == withdrawal.pk and selectors.balance(account.member) == D("600")
    services.pay_withdrawal(withdrawal=withdrawal, by=finance, payout_reference="KB-20261125-01")
    services.pay_withdrawal(withdrawal=withdrawal, by=finance, payout_reference="KB-20261125-01")
    payable = ledger.system_account(LedgerAccount.Kind.WITHDRAWALS_PAYABLE)
    assert selectors.balance_from_entries(payable) == 0
    assert selectors.balance(account.member) == D("600")
    with pytest.raises(WalletError):
        services.reject_withdrawal(withdrawal=withdrawal, by=finance, reason="late")


def test_rejected_withdrawal_returns_to_the_balance_with_a_reason(account, make_staff):
    finance, _ = make_staff("finance")
    withdrawal = services.request_withdrawal(
        member=account.member, amount=Decimal("400"), idempotency_key="w1"
    )
    with pytest.raises(WalletError):
        services.reject_withdrawal(withdrawal=withdrawal, by=finance, reason="")
    services.reject_withdrawal(withdrawal=withdrawal, by=finance, reason="Account name does not match")
    assert selectors.balance(account.member) == D("1000")
    assert Withdrawal.objects.get().reject_reason == "Account name does not match"


def test_withdrawing_more_than_the_balance_is_refused(account):
    with pytest.raises(InsufficientFunds):
        services.request_withdrawal(member=account.member, amount=Decimal("1000.01"), idempotency_key="w2")
    assert not Withdrawal.objects.exists() and selectors.balance(account.member) == D("1000")


def test_withdrawal_needs_a_saved_account(funded):
    with pytest.raises(WalletError):
        services.request_withdrawal(member=funded, amount=Decimal("10"), idempotency_key="w3")


def test_member_page_requests_and_finance_page_pays(client, funded, make_staff):
    sign_in(client, funded.email)
    client.post(
        "/wallet/withdraw/",
        {
            "bank_name": "SCB",
            "account_holder": "Somchai",
            "account_number": NUMBER,
            "amount": "250",
            "idempotency_key": "abc",
        },
    )
    withdrawal = Withdrawal.objects.get()
    assert "•••• 7890" in client.get("/wallet/").content.decode()
    assert NUMBER.replace("-", "") not in client.get("/wallet/").content.decode()
    client.logout()
    marketing, secret = make_staff("marketing")
    sign_in(client, marketing.email, totp_secret=secret)
    assert client.get("/wallet/staff/withdrawals/").status_code == 403
    client.logout()
    finance, secret = make_staff("finance")
    sign_in(client, finance.email, totp_secret=secret)
    assert "1234567890" not in client.get("/wallet/staff/withdrawals/").content.decode()  # masked (P16)
    revealed = client.post("/wallet/staff/withdrawals/", {"withdrawal": withdrawal.pk, "reason": "Paying it"})
    assert "1234567890" in revealed.content.decode()  # finance sees it once revealed with a reason
    client.post(f"/wallet/staff/withdrawals/{withdrawal.pk}/", {"action": "pay", "payout_reference": "X1"})
    assert Withdrawal.objects.get().status == Withdrawal.Status.PAID


def test_a_refused_withdrawal_on_the_page_changes_nothing(client, funded):
    sign_in(client, funded.email)
    response = client.post(
        "/wallet/withdraw/",
        {
            "bank_name": "SCB",
            "account_holder": "Somchai",
            "account_number": NUMBER,
            "amount": "5000",
            "idempotency_key": "x",
        },
    )
    assert response.status_code == 200 and not Withdrawal.objects.exists()
    from snshelper.wallet.models import RefundBankAccount

    assert not RefundBankAccount.objects.exists()  # rolled back with the refused request


def test_finance_rejects_with_a_reason_and_a_reveal_must_name_a_withdrawal_on_the_list(
    client, account, make_staff
):
    withdrawal = services.request_withdrawal(
        member=account.member, amount=Decimal("400"), idempotency_key="w1"
    )
    finance, secret = make_staff("finance")
    sign_in(client, finance.email, totp_secret=secret)
    for named in ("", "not-a-number", str(withdrawal.pk + 1), "9" * 40):
        response = client.post("/wallet/staff/withdrawals/", {"withdrawal": named, "reason": "Paying it"})
        assert response.status_code == 404
    client.post(f"/wallet/staff/withdrawals/{withdrawal.pk}/", {"action": "reject", "reason": ""})
    assert Withdrawal.objects.get().status == Withdrawal.Status.REQUESTED  # a reason is needed
    client.post(
        f"/wallet/staff/withdrawals/{withdrawal.pk}/", {"action": "reject", "reason": "Wrong account"}
    )
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.reject_reason) == (Withdrawal.Status.REJECTED, "Wrong account")
    assert selectors.balance(account.member) == Decimal("1000")
