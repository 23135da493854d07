"""Races on the order hot path, through API v2 ``add`` (issue 14, decision 0010).

``race`` runs in the test's process on PostgreSQL. SQLite's test database is in memory, shared
between threads by a cache whose table locks fail at once instead of waiting; the SQLite site runs
on a file with WAL and ``BEGIN IMMEDIATE``, so there the race runs in a child process on a file
database, as the site would (``python tests/hot_path_race.py VAR_DIR MODE``, printing the outcome
as JSON).
"""

import json
import os
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

ADDS, AFFORDABLE, WORKERS = 200, 20, 40
SAME_LINK_ADDS = 50


def race(*, secret: str, service_id: int, adds: int, same_link: bool) -> dict:
    """``adds`` API v2 ``add`` calls, released together onto ``WORKERS`` threads (each its own
    database connection, as a server's threads), then what the database holds."""
    from django.db import connections
    from django.test import Client

    from snshelper.orders.models import ACTIVE, Order, OrderTransition
    from snshelper.wallet.models import LedgerAccount, LedgerEntry, LedgerTransaction

    start = threading.Barrier(WORKERS)
    local = threading.local()

    def add(i: int) -> str:
        if not getattr(local, "started", False):
            local.started = True
            start.wait()
        link = "https://www.instagram.com/p/same/" if same_link else f"https://www.instagram.com/p/post{i}/"
        answer = Client().post(
            "/api/v2", {"key": secret, "action": "add", "service": service_id, "link": link, "quantity": 1000}
        )
        body = answer.json()
        return "order" if "order" in body else body.get("error", f"HTTP {answer.status_code}")

    def run(i: int) -> str:
        try:
            return add(i)
        finally:
            if i >= adds - WORKERS:  # the last calls: leave no connection open
                connections.close_all()

    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = Counter(pool.map(run, range(adds)))
    wallet = LedgerAccount.objects.get(kind=LedgerAccount.Kind.MEMBER_WALLET)
    charges = LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.ORDER_CHARGE)
    unbalanced = [
        t.pk
        for t in LedgerTransaction.objects.prefetch_related("entries")
        if sum(e.amount for e in t.entries.all()) != 0
    ]
    return {
        "outcomes": dict(outcomes),
        "orders": Order.objects.count(),
        "active": Order.objects.filter(status__in=ACTIVE).count(),
        "transitions": OrderTransition.objects.count(),
        "charges": charges.count(),
        "charge_entries": LedgerEntry.objects.filter(transaction__in=charges).count(),
        "balance": str(wallet.balance),
        "balance_from_entries": str(
            sum((e.amount for e in LedgerEntry.objects.filter(account=wallet)), Decimal(0))
        ),
        "unbalanced": unbalanced,
        "all_entries_sum": str(sum((e.amount for e in LedgerEntry.objects.all()), Decimal(0))),
    }


def setup(*, funded_for: int) -> tuple[str, int, Decimal]:
    """A member with an API key, funds for ``funded_for`` orders of 1,000 on an Instagram service."""
    from snshelper.accounts import services as account_services
    from snshelper.api.services import create_key
    from snshelper.catalog.models import Category, Platform, Service
    from snshelper.catalog.platforms import install_default_platforms
    from snshelper.wallet import services as wallet

    install_default_platforms(Platform)
    category, _ = Category.objects.get_or_create(
        platform=Platform.objects.get(code="instagram"), name_th="ผู้ติดตาม", name_en="Followers"
    )
    service = Service.objects.create(
        category=category, name_th="ผู้ติดตาม", name_en="Followers", rate=Decimal("90"), max_quantity=10_000
    )
    member = account_services.register_member(
        email="racer@example.test", name="Racer", password="a-long-test-password-42", verified=True
    )
    price = service.price(1000)
    wallet.credit_top_up(member=member, amount=price * funded_for, idempotency_key="fund")
    return create_key(member=member, name="Race").secret, service.pk, price


def main() -> None:
    """In a child process: a fresh SQLite file database in VAR_DIR, migrated, then one race."""
    var_dir, mode = sys.argv[1], sys.argv[2]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.update(
        SNSHELPER_VAR_DIR=var_dir, DJANGO_SETTINGS_MODULE="snshelper.settings", API_KEY_RATE="100000/60"
    )
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if mode == "funds":
        secret, service_id, _price = setup(funded_for=AFFORDABLE)
        result = race(secret=secret, service_id=service_id, adds=ADDS, same_link=False)
    else:
        secret, service_id, _price = setup(funded_for=SAME_LINK_ADDS)
        result = race(secret=secret, service_id=service_id, adds=SAME_LINK_ADDS, same_link=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
