"""The floors of ``bench_api_add.py``: one WSGI application, served by granian as the site is,
answering API v2 ``add`` four ways so that each layer's cost shows against the others in one run.

- ``/api/v2``: the site itself (Django's handler, every middleware, the real view).
- ``/floor/view``: the real view, ``api.v2.endpoint``, called on the request without the
  middleware chain or URL resolving.
- ``/floor/orm``: the reads and the transaction an order needs, written the way the ORM writes
  them (the key with its member, the service with its category and platform, the wallet locked,
  the order, its Pending transition, the ledger transaction, its two entries, the wallet's new
  balance), with no validation, rate limit or middleware.
- ``/floor/sql``: the same statements as ``_core.raw_place_order`` (the raw psycopg baseline) and
  the same two reads, as SQL through Django's connection (its cursor wrapper, its transaction).

The raw psycopg baseline itself runs in the benchmark's process (``_core.run_raw``). Serve with
``granian --interface wsgi bench.floors:application``; the environment names the database.
"""

import json
import os
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "snshelper.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402 - after the settings module is set

site = get_wsgi_application()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIRequest  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench import _core as core  # noqa: E402
from snshelper.api import v2  # noqa: E402
from snshelper.api.models import ApiKey  # noqa: E402
from snshelper.api.services import _hash  # noqa: E402
from snshelper.catalog.models import Service  # noqa: E402
from snshelper.orders.models import Order, OrderTransition, Status  # noqa: E402
from snshelper.wallet.models import LedgerAccount, LedgerEntry, LedgerTransaction  # noqa: E402

KEY_SQL = """SELECT k.id, k.member_id FROM api_apikey k JOIN accounts_member m ON m.id = k.member_id
    WHERE k.secret_hash = %s AND k.revoked_at IS NULL AND m.is_active"""
SERVICE_SQL = """SELECT s.id, s.rate FROM catalog_service s JOIN catalog_category c ON c.id = s.category_id
    JOIN catalog_platform p ON p.id = c.platform_id WHERE s.id = %s AND s.is_active AND p.is_active"""
WALLET_SQL = """SELECT id, balance FROM wallet_ledgeraccount
    WHERE kind = 'member_wallet' AND member_id = %s AND currency = %s FOR UPDATE"""
SALES_SQL = "SELECT id FROM wallet_ledgeraccount WHERE kind = 'sales' AND member_id IS NULL AND currency = %s"


def _form(environ) -> dict[str, str]:
    size = int(environ.get("CONTENT_LENGTH") or 0)
    fields = parse_qs(environ["wsgi.input"].read(size).decode())
    return {name: values[0] for name, values in fields.items()}


def _orm(fields: dict) -> int:
    key = ApiKey.objects.select_related("member").get(secret_hash=_hash(fields["key"]), revoked_at=None)
    service = Service.objects.select_related("category__platform").get(
        pk=int(fields["service"]), is_active=True
    )
    quantity = int(fields["quantity"])
    charge = (service.rate * quantity / 1000).quantize(Decimal("0.00001"))
    with transaction.atomic():
        wallet = LedgerAccount.objects.select_for_update().get(
            kind=LedgerAccount.Kind.MEMBER_WALLET, member=key.member, currency=settings.CURRENCY
        )
        sales = LedgerAccount.objects.get(
            kind=LedgerAccount.Kind.SALES, member=None, currency=settings.CURRENCY
        )
        if wallet.balance < charge:
            raise ValueError("Not enough funds")
        now = datetime.now(UTC)
        order = Order.objects.create(
            member=key.member,
            service=service,
            link=fields["link"],
            quantity=quantity,
            rate=service.rate,
            charge=charge,
            created_at=now,
            updated_at=now,
        )
        entry_set = LedgerTransaction.objects.create(
            idempotency_key=f"order:{order.pk}:charge", kind="order_charge", memo=f"Order #{order.pk}"
        )
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(transaction=entry_set, account=wallet, amount=-charge),
                LedgerEntry(transaction=entry_set, account=sales, amount=charge),
            ]
        )
        LedgerAccount.objects.filter(pk=wallet.pk).update(balance=wallet.balance - charge)
        OrderTransition.objects.create(order=order, from_status="", to_status=Status.PENDING, at=now)
    return order.pk


def _sql(fields: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(KEY_SQL, [_hash(fields["key"])])
        _key_id, member_id = cursor.fetchone()
        cursor.execute(SERVICE_SQL, [int(fields["service"])])
        service_id, rate = cursor.fetchone()
        quantity = int(fields["quantity"])
        charge = (rate * quantity / 1000).quantize(Decimal("0.00001"))
        with transaction.atomic():
            cursor.execute(WALLET_SQL, [member_id, settings.CURRENCY])
            wallet_id, balance = cursor.fetchone()
            cursor.execute(SALES_SQL, [settings.CURRENCY])
            (sales_id,) = cursor.fetchone()
            if balance < charge:
                raise ValueError("Not enough funds")
            now = datetime.now(UTC)
            cursor.execute(
                core.INSERT_ORDER, [member_id, service_id, fields["link"], quantity, rate, charge, now, now]
            )
            (order_id,) = cursor.fetchone()
            cursor.execute(core.INSERT_TRANSITION, [order_id, now])
            cursor.execute(
                core.INSERT_LEDGER_TRANSACTION, [f"order:{order_id}:charge", f"Order #{order_id}", now]
            )
            (transaction_id,) = cursor.fetchone()
            cursor.execute(
                core.INSERT_ENTRIES, [transaction_id, wallet_id, -charge, transaction_id, sales_id, charge]
            )
            cursor.execute(core.SET_BALANCE, [balance - charge, wallet_id])
    return order_id


def _answer(start_response, status: str, body: dict) -> list[bytes]:
    content = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(content)))])
    return [content]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/floor/view":
        response = v2.endpoint(WSGIRequest(environ))
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return [response.content]
    if path == "/floor/orm":
        return _answer(start_response, "200 OK", {"order": _orm(_form(environ))})
    if path == "/floor/sql":
        return _answer(start_response, "200 OK", {"order": _sql(_form(environ))})
    return site(environ, start_response)
