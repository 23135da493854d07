"""Where the time of an order goes: the benchmark runs these after its measured rounds.

- the statements one ``place_order`` sends (CaptureQueriesContext);
- one client, no contention: each statement's round trip and the Python time before it, and how
  long the shared sales row stays locked (Django and raw);
- C clients: what the PostgreSQL backends are doing (pg_stat_activity, sampled), and a *replay*:
  place_order's own statement sequence sent by hand over psycopg (a ClientCursor, as Django uses),
  which splits the gap into "the ORM's Python" (Django vs replay) and "the statements and their
  lock order" (replay vs baseline); and the Django side again as C processes instead of threads
  (what the GIL shared by the benchmark's threads costs);
- cProfile of one client: own time per layer.
"""

from __future__ import annotations

import cProfile
import pstats
import re
import statistics
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import _core as core
from snshelper.accounts.models import Member


def _client(fixture):
    member = Member.objects.get(pk=fixture.member_ids[0])
    return lambda: core.place_one_order(member, fixture, 0)


def queries_of_one_order(fixture) -> list[str]:
    """What one place_order sends (after a first order, so nothing is created lazily). Django also
    logs BEGIN and COMMIT here; psycopg sends BEGIN itself, on both sides."""
    core.reset(fixture)
    place_one = _client(fixture)
    place_one()
    with CaptureQueriesContext(connection) as captured:
        place_one()
    return [q["sql"] for q in captured.captured_queries]


def shorten(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql).strip()
    sql = re.sub(r"\"s\d+_x\d+\"", "…", sql)
    sql = re.sub(r"^SELECT .*? FROM", "SELECT … FROM", sql)
    sql = re.sub(r" \([^)]*\) VALUES .*", " (…) VALUES …", sql)
    sql = re.sub(r" INNER JOIN .*? WHERE", " JOIN … WHERE", sql)
    sql = re.sub(r" SELECT \* FROM UNNEST.*", " SELECT * FROM UNNEST(…)", sql)
    sql = re.sub(r" ORDER BY [^F]*(LIMIT \d+)$", r" … \1", sql)
    sql = re.sub(r"'[\d\-: .+]{20,}'::timestamptz", "…", sql)
    sql = re.sub(r'"\w+"\.(?=")', "", sql)  # table-qualified column names
    return sql[:150]


# --- One client: the timeline ----------------------------------------------------------------


class _TimedRaw:
    """Stands in for both the connection and the cursor of raw_place_order, timing each call."""

    def __init__(self, conn, log):
        self.conn, self.cur, self.log = conn, conn.cursor(), log

    def execute(self, sql, params=None):
        began = time.perf_counter()
        self.cur.execute(sql, params)
        self.log.append((sql, params, began, time.perf_counter()))

    def fetchone(self):
        return self.cur.fetchone()

    def commit(self):
        began = time.perf_counter()
        self.conn.commit()
        self.log.append(("COMMIT", None, began, time.perf_counter()))

    def rollback(self):
        self.conn.rollback()


def locks_row(sql: str, params, pk: int) -> bool:
    """Whether a statement takes a write lock on row ``pk`` (a FOR UPDATE or an UPDATE naming it).
    Ints only: a Decimal amount may compare equal to an id."""
    text = sql.lstrip().upper()
    if "FOR UPDATE" not in text and not text.startswith("UPDATE"):
        return False
    return any(type(value) is int and value == pk for value in params or ())


def _summarise(runs, sales_id: int) -> dict:
    """runs: [(began, ended, [(sql, params, start, end), ...]), ...] for identical orders."""
    steps = []
    for i, (sql, params, _s, _e) in enumerate(runs[0][2]):
        gaps, execs = [], []
        for began, _ended, log in runs:
            previous = log[i - 1][3] if i else began
            gaps.append(log[i][2] - previous)
            execs.append(log[i][3] - log[i][2])
        steps.append(
            {
                "sql": sql,
                "python": statistics.mean(gaps),
                "db": statistics.mean(execs),
                "locks_sales": locks_row(sql, params, sales_id),
            }
        )
    lock_at = next((i for i, step in enumerate(steps) if step["locks_sales"]), None)
    for i, step in enumerate(steps):
        step["sales_locked"] = lock_at is not None and i >= lock_at
    walls = [ended - began for began, ended, _ in runs]
    holds = [ended - log[lock_at][2] for _began, ended, log in runs] if lock_at is not None else [0.0]
    return {
        "steps": steps,
        "wall": statistics.mean(walls),
        "db": sum(s["db"] for s in steps),
        "sales_hold": statistics.mean(holds),
        "statements": len(steps),
    }


def _client_cpu(place_one, orders: int) -> float:
    """CPU seconds (user + system) this client process spends per order, uninstrumented."""
    began = time.process_time()
    for _ in range(orders):
        place_one()
    return (time.process_time() - began) / orders


def one_client(fixture, dsn: str, orders: int) -> dict:
    """Django and raw, one client: the client's CPU per order (``orders`` orders, uninstrumented),
    then ``orders`` more with every statement timed from the client."""
    out = {}
    core.reset(fixture)
    place_one = _client(fixture)
    place_one()
    runs, log = [], []

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            log.append((sql, params, began, time.perf_counter()))

    real_commit = connection._commit

    def timed_commit():
        began = time.perf_counter()
        try:
            return real_commit()
        finally:
            log.append(("COMMIT", None, began, time.perf_counter()))

    out["django_cpu"] = _client_cpu(place_one, orders)
    connection._commit = timed_commit
    try:
        with connection.execute_wrapper(timed):
            for _ in range(orders):
                log = []
                began = time.perf_counter()
                place_one()
                runs.append((began, time.perf_counter(), log))
    finally:
        del connection._commit
    out["django"] = _summarise(runs, fixture.sales_id)
    out["django"]["cpu"] = out.pop("django_cpu")
    core.check_invariants(fixture, 2 * orders + 1)

    core.reset(fixture)
    runs = []
    with psycopg.connect(dsn) as conn:
        timed_raw = _TimedRaw(conn, [])
        core.raw_place_order(timed_raw, timed_raw, fixture, 0)
        plain = conn.cursor()
        cpu = _client_cpu(lambda: core.raw_place_order(conn, plain, fixture, 0), orders)
        for _ in range(orders):
            timed_raw.log = []
            began = time.perf_counter()
            core.raw_place_order(timed_raw, timed_raw, fixture, 0)
            runs.append((began, time.perf_counter(), timed_raw.log))
    out["raw"] = _summarise(runs, fixture.sales_id)
    out["raw"]["cpu"] = cpu
    core.check_invariants(fixture, 2 * orders + 1)
    return out


# --- C clients: backend states and the replay ------------------------------------------------

STATE_QUERY = """
    SELECT CASE
        WHEN wait_event_type = 'Lock' THEN 'waiting for a row lock'
        WHEN state LIKE 'idle in transaction%%' THEN 'in a transaction, waiting for the client'
        WHEN state = 'idle' THEN 'between transactions, waiting for the client'
        WHEN wait_event_type = 'IO' THEN 'writing or syncing WAL (I/O)'
        WHEN wait_event_type = 'LWLock' THEN 'waiting on an internal lock (LWLock)'
        ELSE 'running a statement' END
    FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
      AND application_name = %s"""


def backend_states(run, dsn: str, application_name: str, interval: float = 0.02) -> tuple[object, dict]:
    """Run ``run()`` while sampling what its backends do; returns (result, mean backends per state)."""
    stop, counts, samples = threading.Event(), Counter(), [0]

    def sample():
        with psycopg.connect(dsn, autocommit=True) as conn:
            while not stop.is_set():
                for (state,) in conn.execute(STATE_QUERY, (application_name,)).fetchall():
                    counts[state] += 1
                samples[0] += 1
                time.sleep(interval)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        result = run()
    finally:
        stop.set()
        sampler.join()
    return result, {state: n / max(samples[0], 1) for state, n in counts.most_common()}


def django_states(fixture, dsn, clients, seconds):
    from django.db import connections

    options = connections.settings["default"].setdefault("OPTIONS", {})
    before = options.get("application_name")
    options["application_name"] = "bench-django"  # threads open their connections with it
    try:
        return backend_states(lambda: core.run_django(fixture, clients, seconds=seconds), dsn, "bench-django")
    finally:
        if before is None:
            options.pop("application_name", None)
        else:
            options["application_name"] = before


def raw_states(fixture, dsn, clients, seconds):
    named = psycopg.conninfo.make_conninfo(dsn, application_name="bench-raw")
    return backend_states(lambda: core.run_raw(fixture, named, clients, seconds=seconds), dsn, "bench-raw")


# place_order's statements as it sends them (see queries_of_one_order), written by hand. Each step
# names the shape of the statement it stands for; the replay runs only while place_order's own
# statements still have these shapes (see replay_matches), so it cannot silently drift from them.
ACCOUNT = "SELECT id, kind, member_id, currency, balance FROM wallet_ledgeraccount"
WALLET_OF = ACCOUNT + " WHERE currency = 'THB' AND kind = 'member_wallet' AND member_id = %s LIMIT 21"
SERVICE = (
    "SELECT s.*, c.*, p.* FROM catalog_service s JOIN catalog_category c ON s.category_id = c.id"
    " JOIN catalog_platform p ON c.platform_id = p.id WHERE p.is_active AND s.is_active AND s.id = %s"
    " ORDER BY p.sort_order, c.sort_order, s.id LIMIT 1"
)
EXISTING = (
    "SELECT id, idempotency_key, kind, memo, created_by_id, created_at FROM wallet_ledgertransaction"
    " WHERE idempotency_key = %s ORDER BY created_at DESC, id DESC LIMIT 1"
)


def _returning(cur, ctx, name):
    ctx[name] = cur.fetchone()[0]


def _locked_wallet(cur, ctx, _name):
    ctx["balance"] = {row[0]: row[4] for row in cur.fetchall()}[ctx["wallet_id"]]
    if ctx["balance"] < ctx["price"]:
        raise core.InsufficientFunds(ctx["member_id"])


REPLAY = [  # (shape, SQL, params from the context, what to do with the result)
    ("SELECT catalog_service", SERVICE, lambda c: (c["service_id"],), None),
    ("BEGIN", "BEGIN", None, None),
    ("SELECT wallet_ledgeraccount FOR UPDATE", WALLET_OF + " FOR UPDATE", lambda c: (c["member_id"],), None),
    (
        "INSERT orders_order",
        core.INSERT_ORDER,
        lambda c: (
            c["member_id"],
            c["service_id"],
            c["link"],
            c["quantity"],
            90,
            c["price"],
            c["now"],
            c["now"],
        ),
        (_returning, "order_id"),
    ),
    ("SELECT wallet_ledgeraccount", WALLET_OF, lambda c: (c["member_id"],), None),
    (
        "SELECT wallet_ledgeraccount",
        ACCOUNT + " WHERE currency = 'THB' AND kind = 'sales' AND member_id IS NULL LIMIT 21",
        None,
        None,
    ),
    ("SAVEPOINT", "SAVEPOINT a", None, None),
    (
        "SELECT wallet_ledgeraccount FOR UPDATE",
        ACCOUNT + " WHERE id IN (%s) ORDER BY id FOR UPDATE",
        lambda c: (c["wallet_id"],),
        (_locked_wallet, None),
    ),
    ("SELECT wallet_ledgertransaction", EXISTING, lambda c: (f"order:{c['order_id']}:charge",), None),
    (
        "INSERT wallet_ledgertransaction",
        core.INSERT_LEDGER_TRANSACTION,
        lambda c: (f"order:{c['order_id']}:charge", f"Order #{c['order_id']}", c["now"]),
        (_returning, "transaction_id"),
    ),
    (
        "INSERT wallet_ledgerentry",
        core.INSERT_ENTRIES,
        lambda c: (
            c["transaction_id"],
            c["wallet_id"],
            -c["price"],
            c["transaction_id"],
            c["sales_id"],
            c["price"],
        ),
        None,
    ),
    (
        "UPDATE wallet_ledgeraccount",
        core.SET_BALANCE,
        lambda c: (c["balance"] - c["price"], c["wallet_id"]),
        None,
    ),
    ("RELEASE", "RELEASE SAVEPOINT a", None, None),
    ("INSERT orders_ordertransition", core.INSERT_TRANSITION, lambda c: (c["order_id"], c["now"]), None),
    ("COMMIT", "COMMIT", None, None),
]


def shape(sql: str) -> str:
    """A statement's verb, first table and FOR UPDATE: what the replay must match."""
    text = re.sub(r"\s+", " ", sql).strip()
    verb = text.split(" ", 1)[0].upper()
    table = ""
    if verb in ("SELECT", "INSERT", "UPDATE"):
        found = re.search(r"\b(?:FROM|INTO|UPDATE) \"?(\w+)\"?", text, flags=re.IGNORECASE)
        table = found.group(1) if found else ""
    return " ".join(
        part for part in (verb, table, "FOR UPDATE" if "FOR UPDATE" in text.upper() else "") if part
    )


def replay_matches(queries: list[str]) -> bool:
    """Whether place_order's statements (as captured, with Django's BEGIN and COMMIT) are still the
    ones the replay sends."""
    return [shape(q) for q in queries] == [step[0] for step in REPLAY]


def replay_place_order(cur, fixture, client: int) -> None:
    """place_order's own sequence of statements and locks, without the ORM (and its validation)."""
    ctx = {
        "member_id": fixture.member_ids[client % len(fixture.member_ids)],
        "wallet_id": fixture.wallet_ids[client % len(fixture.wallet_ids)],
        "service_id": fixture.service_id,
        "sales_id": fixture.sales_id,
        "link": fixture.link(client),
        "quantity": fixture.quantity,
        "price": fixture.price,
        "now": datetime.now(UTC),
    }
    began = False
    try:
        for _shape, sql, params, then in REPLAY:
            cur.execute(sql, params(ctx) if params else None)
            began = began or sql == "BEGIN"
            if then:
                then[0](cur, ctx, then[1])
    except BaseException:
        if began:
            cur.execute("ROLLBACK")
        raise


def run_replay(fixture, dsn, clients, seconds):
    """C clients replaying place_order's statements, autocommit connections with explicit BEGIN
    (as Django's are), ClientCursor (client-side binding, Django's default with psycopg 3)."""

    def open_client(i):
        conn = psycopg.connect(dsn, autocommit=True, cursor_factory=psycopg.ClientCursor)
        cur = conn.cursor()
        return (lambda: replay_place_order(cur, fixture, i)), conn.close

    return core._run_clients("replay", clients, open_client, orders=None, seconds=seconds, warmup=2)


def _django_process(fixture, client, seconds, warmup, barrier, results):
    from django.db import connections

    try:
        member = Member.objects.get(pk=fixture.member_ids[client % len(fixture.member_ids)])
        for _ in range(warmup):
            core.place_one_order(member, fixture, client)
        barrier.wait()
        began = time.monotonic()  # CLOCK_MONOTONIC: comparable across processes
        done = 0
        while time.monotonic() < began + seconds:
            core.place_one_order(member, fixture, client)
            done += 1
        results.put((client, done, began, time.monotonic(), None))
    except BaseException as error:  # reported by the parent
        barrier.abort()
        results.put((client, 0, 0.0, 0.0, repr(error)))
    finally:
        connections.close_all()


def run_django_processes(fixture, clients, seconds, warmup: int = 2) -> core.PhaseResult:
    """The Django side again, with C forked processes instead of threads: no GIL shared between
    the clients (they still share the CPUs with each other and with PostgreSQL)."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # nothing open crosses the fork
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(clients), context.Queue()
    workers = [
        context.Process(target=_django_process, args=(fixture, i, seconds, warmup, barrier, results))
        for i in range(clients)
    ]
    for worker in workers:
        worker.start()
    rows = [results.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join()
    failed = [row[4] for row in rows if row[4]]
    if failed:
        raise RuntimeError(f"django process failed: {failed[0]}")
    rows.sort()
    return core.PhaseResult(
        side="django-processes",
        clients=clients,
        orders=sum(row[1] for row in rows),
        warmup_orders=warmup * clients,
        elapsed=max(row[3] for row in rows) - min(row[2] for row in rows),
        per_client=[row[1] for row in rows],
    )


# --- cProfile ----------------------------------------------------------------------------------


def _layer(filename: str, name: str) -> str:
    if filename == "~":
        return "built-ins (getattr, isinstance, str, …)"
    for marker, layer in (
        ("/django/db/models/", "Django ORM: querysets, SQL compiler, model instances"),
        ("/django/db/backends/", "Django database backend (cursor wrapper, savepoints, adapters)"),
        ("/django/db/transaction", "Django transaction.atomic"),
        ("/django/", "Django, other"),
        ("/psycopg/", "psycopg: binding, sending, results, and waiting (its C calls are not split out)"),
        ("/snshelper/", "SNS Helper code"),
    ):
        if marker in filename:
            return layer
    return "Python standard library and other"


def profile_django(fixture, orders: int):
    """cProfile of one client: own time per order, by layer, and the top functions."""
    core.reset(fixture)
    place_one = _client(fixture)
    place_one()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(orders):
        place_one()
    profiler.disable()
    layers: dict[str, float] = defaultdict(float)
    top = []
    for (filename, _line, name), (_cc, calls, tottime, *_rest) in pstats.Stats(profiler).stats.items():
        layers[_layer(filename, name)] += tottime / orders
        where = name if filename == "~" else f"{Path(filename).parent.name}/{Path(filename).name}:{name}"
        top.append((where, tottime / orders, calls / orders))
    top.sort(key=lambda row: -row[1])
    core.check_invariants(fixture, orders + 1)
    return dict(sorted(layers.items(), key=lambda kv: -kv[1])), top[:10]
