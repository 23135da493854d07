"""The fault suite: 10,000 orders forwarded to a provider that times out, answers 5xx, HTML and
broken JSON, refuses, loses replies after accepting, and forgets orders, at random. At the end:
0 orders lost, 0 orders sent twice, 0 refunds paid twice, and every ledger invariant holds."""

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest

from snshelper.orders import services as orders
from snshelper.orders.models import ACTIVE, Order
from snshelper.providers import forwarding
from snshelper.providers.models import Forwarding, Provider
from snshelper.providers.simulator import ProviderSimulator
from snshelper.wallet import selectors as wallet_selectors
from snshelper.wallet import services as wallet
from snshelper.wallet.models import LedgerAccount, LedgerEntry, LedgerTransaction
from tests.providers_fixtures import SIM_KEY, an_instagram_link

ORDERS = int(__import__("os").environ.get("FAULT_SUITE_ORDERS", "10000"))
MEMBERS = 20
FAULTS = {
    "timeout": 0.005,
    "http_5xx": 0.02,
    "html": 0.02,
    "malformed": 0.02,
    "error": 0.02,
    "lost_add": 0.03,
    "slow_add": 0.005,
    "unknown_order": 0.02,
}
State = Forwarding.State


@pytest.fixture
def simulator():
    sim = ProviderSimulator(port=0, key=SIM_KEY, seed=20261125, hang_seconds=0.4)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def provider(make_provider):
    provider = make_provider()
    Provider.objects.filter(pk=provider.pk).update(timeout_seconds=Decimal("0.2"))  # fast faults
    provider.refresh_from_db()
    return provider


def place_all(members, service) -> list[int]:
    ids = []
    for n in range(ORDERS):
        order = orders.place_order(
            member=members[n % MEMBERS],
            service=service,
            link=an_instagram_link(n),
            quantity=service.min_quantity,
        )
        ids.append(order.pk)
    return ids


def forward_until_settled(clock, rounds=40):
    for _ in range(rounds):
        forwarding.forward_due(limit=ORDERS)
        open_ = Forwarding.objects.filter(state__in=[State.QUEUED, State.UNCONFIRMED, State.SENDING]).count()
        if not open_:
            return
        clock.advance(timedelta(minutes=31))  # past the longest backoff
    raise AssertionError(f"{open_} orders still not settled")


def sync_until_final(provider, simulator, clock, rounds=20):
    for _ in range(rounds):
        forwarding.sync_statuses(provider)
        if not Order.objects.filter(status__in=ACTIVE, forwarding__state=State.SENT).exists():
            return
        simulator.advance(3600)
        clock.advance(timedelta(minutes=1))
    raise AssertionError("orders still active at the provider")


@pytest.mark.django_db
def test_ten_thousand_orders_through_a_faulty_provider_lose_nothing_and_pay_nothing_twice(
    make_member,
    make_staff,
    sold,
    provider,
    simulator,
    clock,  # noqa: F811
):
    members = [make_member() for _ in range(MEMBERS)]
    for member in members:
        wallet.credit_top_up(member=member, amount=Decimal("1000000"), idempotency_key=f"fund-{member.pk}")
    simulator.set_faults(FAULTS)

    ids = place_all(members, sold)
    forward_until_settled(clock)
    simulator.advance(24 * 3600)
    sync_until_final(provider, simulator, clock)

    # Staff settle what the provider refused: cancelled with a full refund, once.
    staff, _ = make_staff("marketing")
    for forwarding_row in Forwarding.objects.filter(state=State.REFUSED):
        forwarding.cancel_unsent(order_id=forwarding_row.pk, by=staff, reason="Refused by the provider")

    states = Counter(Forwarding.objects.values_list("state", flat=True))
    faults = simulator.faults_injected()
    assert sum(faults.values()) > ORDERS * 0.05, faults  # the provider really misbehaved
    assert faults["lost_add"] > 0 and faults["timeout"] > 0 and faults["unknown_order"] > 0

    # 0 orders lost: each is at the provider exactly once, or canceled and refunded.
    assert Order.objects.count() == ORDERS == Forwarding.objects.count()
    assert set(states) <= {State.SENT, State.ABANDONED}, states
    theirs = {str(o["id"]): o for o in simulator.orders_created()}
    sent = dict(Forwarding.objects.filter(state=State.SENT).values_list("external_id", "order_id"))
    assert set(sent) == set(theirs)  # every provider order is one of ours, and each of ours is there

    # 0 orders sent twice.
    assert simulator.duplicates() == {}
    assert len(theirs) == states[State.SENT]

    # Our statuses are the provider's; abandoned ones are canceled and fully refunded.
    for order in Order.objects.filter(pk__in=ids).select_related("forwarding"):
        if order.forwarding.state == State.SENT:
            assert order.status == theirs[order.forwarding.external_id]["status"]
        else:
            assert order.status == "Canceled" and order.refunded == order.charge

    # 0 refunds paid twice, and every ledger invariant.
    refunds = defaultdict(list)
    for key, amount in LedgerEntry.objects.filter(
        transaction__kind=LedgerTransaction.Kind.ORDER_REFUND, account__kind="member_wallet"
    ).values_list("transaction__idempotency_key", "amount"):
        refunds[key].append(amount)
    per_order = Counter(int(key.split(":")[1]) for key in refunds)
    assert all(count == 1 for count in per_order.values())
    refunded = dict(Order.objects.filter(refunded__gt=0).values_list("pk", "refunded"))
    assert {pk: sum(refunds[f"order:{pk}:refund"]) for pk in per_order} == refunded
    totals = defaultdict(Decimal)
    for transaction_id, amount in LedgerEntry.objects.values_list("transaction_id", "amount"):
        totals[transaction_id] += amount
    assert all(total == 0 for total in totals.values())
    for account in LedgerAccount.objects.filter(kind=LedgerAccount.Kind.MEMBER_WALLET):
        assert account.balance == wallet_selectors.balance_from_entries(account) >= 0
    for member in members:
        spent = sum(o.charge - o.refunded for o in Order.objects.filter(member=member))
        assert wallet_selectors.balance(member) == Decimal("1000000") - spent
