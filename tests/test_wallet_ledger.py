"""The ledger: double-entry, append-only, never below zero, idempotent, exact in Decimal."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from snshelper.wallet import ledger, memos, selectors, services
from snshelper.wallet.errors import IdempotencyConflict, InsufficientFunds, InvalidAmount, WalletError
from snshelper.wallet.models import LedgerAccount, LedgerEntry, LedgerTransaction

pytestmark = pytest.mark.django_db
D = Decimal


def test_top_up_credits_the_member_and_balances_against_bank_clearing(member):
    services.credit_top_up(member=member, amount=D("500.00"), idempotency_key="topup-1")
    assert selectors.balance(member) == D("500.00")
    bank = ledger.system_account(LedgerAccount.Kind.BANK_CLEARING)
    assert selectors.balance_from_entries(bank) == D("-500.00")
    assert sum(e.amount for e in LedgerEntry.objects.all()) == 0


def test_the_same_key_twice_moves_money_once(member):
    first = services.credit_top_up(member=member, amount=D("100"), idempotency_key="topup-7")
    again = services.credit_top_up(member=member, amount=D("100"), idempotency_key="topup-7")
    assert first.pk == again.pk
    assert selectors.balance(member) == D("100")
    assert LedgerTransaction.objects.count() == 1


def test_a_key_reused_for_a_different_amount_is_refused(member):
    services.credit_top_up(member=member, amount=D("100"), idempotency_key="topup-8")
    with pytest.raises(IdempotencyConflict):
        services.credit_top_up(member=member, amount=D("999"), idempotency_key="topup-8")
    assert selectors.balance(member) == D("100")


def test_a_charge_beyond_the_balance_is_refused_and_nothing_is_written(member):
    services.credit_top_up(member=member, amount=D("10"), idempotency_key="t")
    with pytest.raises(InsufficientFunds):
        services.charge(member=member, amount=D("10.00001"), idempotency_key="order-1")
    assert selectors.balance(member) == D("10")
    assert not LedgerTransaction.objects.filter(idempotency_key="order-1").exists()


def test_charge_and_refund_to_the_fifth_decimal(member):
    services.credit_top_up(member=member, amount=D("1.00"), idempotency_key="t")
    services.charge(member=member, amount=D("0.27819"), idempotency_key="o")
    services.refund(member=member, amount=D("0.04371"), idempotency_key="r")
    assert selectors.balance(member) == D("0.76552")
    assert selectors.balance(member) == selectors.balance_from_entries(ledger.wallet_of(member))


def test_floats_and_unbalanced_transactions_are_refused(member):
    wallet, sales = ledger.wallet_of(member), ledger.system_account(LedgerAccount.Kind.SALES)
    with pytest.raises(TypeError):
        ledger.post(
            idempotency_key="f", kind="top_up", lines=[ledger.Line(wallet, 1.5), ledger.Line(sales, -1.5)]
        )
    with pytest.raises(ValueError):
        ledger.post(
            idempotency_key="u",
            kind="top_up",
            lines=[ledger.Line(wallet, D("2")), ledger.Line(sales, D("-1"))],
        )
    assert not LedgerTransaction.objects.exists()


def test_entries_cannot_be_changed_or_removed_through_the_models(member):
    services.credit_top_up(member=member, amount=D("5"), idempotency_key="t")
    entry = LedgerEntry.objects.first()
    entry.amount = D("500")
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.all().update(amount=D("1"))
    with pytest.raises(TypeError):
        LedgerTransaction.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers guard PostgreSQL")
def test_the_database_refuses_to_change_ledger_rows_even_with_raw_sql(member):
    services.credit_top_up(member=member, amount=D("5"), idempotency_key="t")
    for statement in (
        "UPDATE wallet_ledgerentry SET amount = 500",
        "DELETE FROM wallet_ledgerentry",
        "UPDATE wallet_ledgertransaction SET memo = 'x'",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert selectors.balance_from_entries(ledger.wallet_of(member)) == D("5")


def test_the_database_refuses_a_negative_member_balance(member):
    wallet = ledger.wallet_of(member)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=wallet.pk).update(balance=D("-1"))


def test_manual_adjustment_needs_a_reason_and_never_goes_below_zero(member, make_staff):
    finance, _ = make_staff("finance")
    services.adjust_balance(member=member, amount=D("50"), reason="Bonus", by=finance, idempotency_key="a1")
    with pytest.raises(InsufficientFunds):
        services.adjust_balance(
            member=member, amount=D("-60"), reason="Correction", by=finance, idempotency_key="a2"
        )
    with pytest.raises(WalletError):
        services.adjust_balance(member=member, amount=D("5"), reason=" ", by=finance, idempotency_key="a3")
    assert selectors.balance(member) == D("50")
    assert LedgerTransaction.objects.get(idempotency_key="a1").created_by == finance


@pytest.mark.parametrize("raw", ["0", "-5", "1.005", "abc", "NaN", "Infinity", ""])
def test_amounts_from_people_must_be_positive_with_two_decimals(raw):
    with pytest.raises(InvalidAmount):
        services.parse_amount(raw)


def test_amounts_from_people_accept_thousands_separators():
    assert services.parse_amount("1,250.50") == D("1250.50")


# --- Batches (a provider's status sync refunds many orders at once) ---------------------------


def _refunds(members, amount="1.5", prefix="r"):
    memo = memos.build(memos.ORDER_REFUND, order=1, outcome="canceled")
    return [(m.pk, Decimal(amount), f"{prefix}:{n}", memo) for n, m in enumerate(members)]


def test_refunds_in_a_batch_post_once_each_and_a_repeat_posts_nothing(make_member):
    members = [make_member() for _ in range(5)]
    for m in members:
        services.credit_top_up(member=m, amount=Decimal("10"), idempotency_key=f"fund:{m.pk}")
        services.charge(member=m, amount=Decimal("10"), idempotency_key=f"charge:{m.pk}")

    first = services.refund_many(_refunds(members))
    again = services.refund_many(_refunds(members))

    assert [t.pk for t in first] == [t.pk for t in again]
    assert LedgerTransaction.objects.filter(kind="order_refund").count() == 5
    for m in members:
        account = ledger.wallet_of(m)
        assert selectors.balance(m) == Decimal("1.5") == selectors.balance_from_entries(account)


def test_a_batch_with_one_bad_posting_writes_nothing(make_member):
    members = [make_member() for _ in range(3)]
    for m in members:
        services.credit_top_up(member=m, amount=Decimal("10"), idempotency_key=f"fund:{m.pk}")
    services.refund_many(_refunds(members[:1]))  # r:0 posted for 1.5
    before = LedgerEntry.objects.count()
    with pytest.raises(IdempotencyConflict):
        services.refund_many(_refunds(members, amount="2"))  # r:0 again, for another amount
    wallets = [ledger.Line(ledger.wallet_of(m), Decimal("-20")) for m in members]
    with pytest.raises(InsufficientFunds):
        ledger.post_many(
            [
                ledger.Posting(
                    idempotency_key=f"too-much:{n}",
                    kind=LedgerTransaction.Kind.ADJUSTMENT,
                    lines=[
                        line,
                        ledger.Line(ledger.system_account(LedgerAccount.Kind.ADJUSTMENTS), Decimal("20")),
                    ],
                )
                for n, line in enumerate(wallets)
            ]
        )
    with pytest.raises(ValueError):
        services.refund_many(_refunds(members) + _refunds(members))
    assert LedgerEntry.objects.count() == before


def test_a_batch_costs_the_same_queries_for_five_refunds_or_fifty(make_member):
    from django.test.utils import CaptureQueriesContext

    members = [make_member() for _ in range(50)]
    for m in members:
        services.credit_top_up(member=m, amount=Decimal("10"), idempotency_key=f"fund:{m.pk}")
    ledger.system_account(LedgerAccount.Kind.SALES)  # made by the shop's first sale, long ago
    counts = []
    for size, prefix in ((5, "small"), (50, "large")):
        with CaptureQueriesContext(connection) as queries:
            services.refund_many(_refunds(members[:size], prefix=prefix))
        counts.append(len([q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]))
    assert counts[0] == counts[1] <= 7
