"""Random sequences of money movements keep every ledger invariant (hypothesis state machine).

Checked after every step: each transaction balances, every cached balance equals the sum of its
entries, no member balance is negative, and no refund exceeds what its charge left refundable.
"""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from snshelper.accounts import services as account_services
from snshelper.wallet import selectors, services
from snshelper.wallet.errors import InsufficientFunds
from snshelper.wallet.models import LedgerAccount, LedgerEntry, LedgerTransaction

amounts = st.decimals(min_value=Decimal("0.00001"), max_value=Decimal("5000"), places=5)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # each example runs in a transaction rolled back at teardown
        self.members = [
            account_services.register_member(email=f"m{i}@example.test", name=f"M{i}", password=None)
            for i in range(3)
        ]
        self.expected = {m.pk: Decimal(0) for m in self.members}
        self.charges = []  # [member, key, charged, refunded]
        self.keys = []  # (callable, kwargs) of earlier successful posts, to replay
        self.counter = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _key(self, prefix):
        self.counter += 1
        return f"{prefix}-{self.counter}"

    @rule(who=st.integers(0, 2), amount=amounts)
    def top_up(self, who, amount):
        member = self.members[who]
        kwargs = {"member": member, "amount": amount, "idempotency_key": self._key("topup")}
        services.credit_top_up(**kwargs)
        self.expected[member.pk] += amount
        self.keys.append((services.credit_top_up, kwargs))

    @rule(who=st.integers(0, 2), amount=amounts)
    def charge(self, who, amount):
        member = self.members[who]
        key = self._key("order")
        if amount > self.expected[member.pk]:
            with pytest.raises(InsufficientFunds):
                services.charge(member=member, amount=amount, idempotency_key=key)
            return
        services.charge(member=member, amount=amount, idempotency_key=key)
        self.expected[member.pk] -= amount
        self.charges.append([member, key, amount, Decimal(0)])

    @precondition(lambda self: self.charges)
    @rule(pick=st.integers(0, 10_000), share=st.fractions(0, 1))
    def refund_part_of_a_charge(self, pick, share):
        """Partial (remains × unit price) or full (cancel) refund of an earlier charge."""
        entry = self.charges[pick % len(self.charges)]
        member, key, charged, refunded = entry
        amount = ((charged - refunded) * Decimal(share.numerator) / Decimal(share.denominator)).quantize(
            Decimal("0.00001"), rounding="ROUND_DOWN"
        )
        if amount <= 0:
            return
        services.refund(member=member, amount=amount, idempotency_key=f"{key}-refund-{refunded}")
        entry[3] += amount
        self.expected[member.pk] += amount

    @precondition(lambda self: self.keys)
    @rule(pick=st.integers(0, 10_000))
    def retry_an_earlier_request(self, pick):
        post, kwargs = self.keys[pick % len(self.keys)]
        post(**kwargs)  # a retried request changes nothing

    @invariant()
    def every_transaction_balances(self):
        totals = defaultdict(Decimal)  # exact Decimal sums (SQLite would sum floats)
        for transaction_id, amount in LedgerEntry.objects.values_list("transaction_id", "amount"):
            totals[transaction_id] += amount
        assert set(totals) == set(LedgerTransaction.objects.values_list("pk", flat=True))
        assert all(total == 0 for total in totals.values())

    @invariant()
    def balances_equal_the_sum_of_entries_and_the_model(self):
        for account in LedgerAccount.objects.all():
            assert account.balance == selectors.balance_from_entries(account)
        for member in self.members:
            assert selectors.balance(member) == self.expected[member.pk] >= 0

    @invariant()
    def no_refund_exceeds_its_charge(self):
        for member, key, charged, refunded in self.charges:
            recorded = sum(
                LedgerEntry.objects.filter(
                    transaction__idempotency_key__startswith=f"{key}-refund-", account__member=member
                ).values_list("amount", flat=True),
                Decimal(0),
            )
            assert recorded == refunded <= charged


@pytest.mark.django_db
def test_random_money_movements_keep_the_ledger_invariants():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
