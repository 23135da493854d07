"""The whole money path under random sequences: top-ups approved by finance, orders, partials,
cancels, refills and withdrawals (requested, paid, rejected), with retries mixed in.

After every step: each ledger transaction balances, every balance equals the sum of its
entries and is never negative, each member's balance matches a model kept here, and no order
has been refunded more than it was charged (in the order and in the ledger).
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
from snshelper.catalog.models import Category, Platform, Service
from snshelper.catalog.platforms import install_default_platforms
from snshelper.orders import errors as order_errors
from snshelper.orders import services as orders
from snshelper.orders.models import Order, Status
from snshelper.staff import services as staff_services
from snshelper.wallet import selectors, services
from snshelper.wallet.errors import InsufficientFunds
from snshelper.wallet.models import LedgerAccount, LedgerEntry, LedgerTransaction, Withdrawal

CENTS = st.decimals(min_value=Decimal("50"), max_value=Decimal("3000"), places=2)


class MoneyMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # rolled back at teardown: every example starts clean
        install_default_platforms(Platform)
        category = Category.objects.create(platform=Platform.objects.get(code="instagram"), name_th="x")
        self.service = Service.objects.create(
            category=category,
            name_th="x",
            rate=Decimal("33.33333"),
            min_quantity=10,
            max_quantity=5000,
            step=1,
            refill_days=30,
            cancel_allowed=True,
            one_active_order_per_link=False,
        )
        self.finance = account_services.register_member(email="f@example.test", name="F", password=None)
        staff_services.appoint(member=self.finance, role="finance")
        self.members = [
            account_services.register_member(email=f"m{i}@example.test", name=f"M{i}", password=None)
            for i in range(2)
        ]
        for member in self.members:
            services.save_refund_account(
                member=member, bank_name="KBank", account_holder="X", account_number="1234567890"
            )
        self.expected = {m.pk: Decimal(0) for m in self.members}
        self.counter = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _key(self):
        self.counter += 1
        return f"k{self.counter}"

    def _orders(self, *statuses):
        return list(Order.objects.filter(status__in=statuses).order_by("pk"))

    @rule(who=st.integers(0, 1), amount=CENTS, twice=st.booleans())
    def top_up_approved(self, who, amount, twice):
        member = self.members[who]
        top_up = services.create_promptpay_top_up(member=member, amount=amount)
        for _ in range(2 if twice else 1):
            services.approve_top_up(top_up=top_up, by=self.finance)
        self.expected[member.pk] += amount

    @rule(who=st.integers(0, 1), quantity=st.integers(10, 5000), retry=st.booleans())
    def place_order(self, who, quantity, retry):
        member, key = self.members[who], self._key()
        request = {"service": self.service, "link": f"@shop{self.counter}", "quantity": quantity}
        price = self.service.price(quantity)
        if price > self.expected[member.pk]:
            with pytest.raises(InsufficientFunds):
                orders.place_order(member=member, **request, idempotency_key=key)
            return
        first = orders.place_order(member=member, **request, idempotency_key=key)
        if retry:
            assert orders.place_order(member=member, **request, idempotency_key=key).pk == first.pk
        self.expected[member.pk] -= price

    @precondition(lambda self: Order.objects.filter(status__in=["Pending", "In progress"]).exists())
    @rule(pick=st.integers(0, 999), share=st.floats(0.01, 0.99))
    def partial(self, pick, share):
        candidates = self._orders(Status.PENDING, Status.IN_PROGRESS)
        order = candidates[pick % len(candidates)]
        remains = max(1, min(order.total_quantity - 1, int(order.total_quantity * share)))
        if order.total_quantity < 2:
            return
        before = order.refunded
        done = orders.transition(order=order, to=Status.PARTIAL, remains=remains)
        orders.transition(order=done, to=Status.PARTIAL, remains=remains)  # a repeated sync
        self.expected[order.member_id] += done.refunded - before

    @precondition(lambda self: Order.objects.filter(status="Pending").exists())
    @rule(pick=st.integers(0, 999), through_request=st.booleans())
    def cancel(self, pick, through_request):
        candidates = self._orders(Status.PENDING)
        order = candidates[pick % len(candidates)]
        left = order.charge - order.refunded
        if through_request:
            request = orders.request_cancel(member=order.member, order=order)
            orders.handle_cancel(cancel_request=request, accept=True, by=self.finance)
            orders.handle_cancel(cancel_request=request, accept=True, by=self.finance)
        else:
            orders.transition(order=order, to=Status.CANCELED)
        self.expected[order.member_id] += left

    @precondition(lambda self: Order.objects.filter(status="Pending").exists())
    @rule(pick=st.integers(0, 999), start=st.integers(0, 10_000))
    def start_then_complete_and_refill(self, pick, start):
        candidates = self._orders(Status.PENDING)
        order = candidates[pick % len(candidates)]
        orders.transition(order=order, to=Status.IN_PROGRESS, start_count=start)
        orders.transition(order=order, to=Status.COMPLETED)
        orders.request_refill(member=order.member, order=order)
        with pytest.raises(order_errors.RefillNotAvailable):
            orders.request_refill(member=order.member, order=order)

    @rule(who=st.integers(0, 1), amount=CENTS)
    def request_withdrawal(self, who, amount):
        member = self.members[who]
        if amount > self.expected[member.pk]:
            with pytest.raises(InsufficientFunds):
                services.request_withdrawal(member=member, amount=amount, idempotency_key=self._key())
            return
        services.request_withdrawal(member=member, amount=amount, idempotency_key=self._key())
        self.expected[member.pk] -= amount

    @precondition(lambda self: Withdrawal.objects.filter(status="requested").exists())
    @rule(pick=st.integers(0, 999), pay=st.booleans())
    def handle_withdrawal(self, pick, pay):
        waiting = list(Withdrawal.objects.filter(status="requested").order_by("pk"))
        withdrawal = waiting[pick % len(waiting)]
        if pay:
            services.pay_withdrawal(withdrawal=withdrawal, by=self.finance, payout_reference="ref")
        else:
            services.reject_withdrawal(withdrawal=withdrawal, by=self.finance, reason="no")
            self.expected[withdrawal.member_id] += withdrawal.amount

    @invariant()
    def every_transaction_balances(self):
        totals = defaultdict(Decimal)  # exact Decimal sums (SQLite would sum floats)
        for transaction_id, amount in LedgerEntry.objects.values_list("transaction_id", "amount"):
            totals[transaction_id] += amount
        assert set(totals) == set(LedgerTransaction.objects.values_list("pk", flat=True))
        assert all(total == 0 for total in totals.values())

    @invariant()
    def balances_equal_entries_and_never_go_negative(self):
        for account in LedgerAccount.objects.filter(kind=LedgerAccount.Kind.MEMBER_WALLET):
            assert account.balance == selectors.balance_from_entries(account)
        for member in self.members:
            assert selectors.balance(member) == self.expected[member.pk] >= 0

    @invariant()
    def no_refund_exceeds_its_charge(self):
        refunds = defaultdict(Decimal)
        for key, amount in LedgerEntry.objects.filter(
            transaction__kind="order_refund", account__kind="member_wallet"
        ).values_list("transaction__idempotency_key", "amount"):
            refunds[int(key.split(":")[1])] += amount
        for order in Order.objects.all():
            assert refunds[order.pk] == order.refunded <= order.charge


@pytest.mark.django_db
def test_random_top_ups_orders_refunds_and_withdrawals_keep_every_money_invariant():
    run_state_machine_as_test(
        MoneyMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
