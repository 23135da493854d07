"""The retention sweeps (P4, P6): destroy or anonymise what has passed its retention rule.

Every sweep is declared in the registry (``registry.sweep`` in each app's ``privacy.py``) and
the rules' periods come from ``retention.RULES``; nothing here names a model. A sweep walks its
expired rows through the index on their ``since`` field, in batches of about ``batch_size``
(keyset: the batch's last ``since`` bounds a range, so each batch costs what it removes, not what
the table holds), each batch in a transaction of its own with the destruction log's count.
Rows a legal hold covers are skipped. Rows no other row depends on go with one bounded
``DELETE``; rows with dependants go through Django's collector, and its cascades are logged too.

Each destroyed or anonymised row is also written to the deletion journal (``privacy.journal``, a
keyed hash of its identity, never its data) when its batch commits, so that ``replay`` can carry
the destruction out again on a database restored from a backup older than it (P21).

The destruction log gets one row per rule, kind of record and action in a run, with the count:
never ids, never data. A dry run writes nothing and says what would go.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, FileField, Q
from django.db.models.deletion import Collector
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan

from snshelper.core import clock
from snshelper.core.events import send_on_commit
from snshelper.privacy import journal, registry
from snshelper.privacy.holds import Holds
from snshelper.privacy.models import DestructionLog
from snshelper.privacy.retention import RULES
from snshelper.privacy.signals import personal_data_removed

logger = logging.getLogger(__name__)

BATCH_SIZE = 20_000  # rows per transaction (about); docs/benchmarks.md (retention) compares others
ACTIONS = {
    registry.DELETE: DestructionLog.Action.DELETED,
    registry.ANONYMISE: DestructionLog.Action.ANONYMISED,
}


@dataclass(frozen=True)
class SweepResult:
    rule: str
    record_type: str  # "app_label.ModelName"
    action: str  # DestructionLog.Action
    count: int


class SweepFailed(RuntimeError):
    """Some sweeps failed (logged); the others ran and their batches are committed."""


def run(*, dry_run: bool = False, batch_size: int = BATCH_SIZE, rules=None) -> list[SweepResult]:
    """Run every declared sweep at ``clock.now()`` (or only those of ``rules``: the copy of a
    member's data goes when its link expires, not at night): what went (or, dry, what would go)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    now = clock.now()
    holds = Holds()
    log = _Log(now, dry_run)
    failed = []
    for declared in registry.sweeps():
        if rules is not None and declared.rule not in rules:
            continue
        log.expect(declared.rule, declared.model_label, declared.action)
        for child in registry.children(declared):
            log.expect(declared.rule, child.model_label, child.action)
        try:
            rows = expired(declared, now=now, holds=holds)
            if not rows.exists():  # most sweeps, most nights: one cheap look through the index
                continue
            if dry_run:
                _count(declared, rows, holds, log)
            else:
                for batch in _batches(rows, declared.since, batch_size):
                    _destroy(declared, batch, holds, log)
        except Exception:
            logger.exception("Retention sweep %s of %s failed", declared.rule, declared.model_label)
            failed.append(f"{declared.rule}: {declared.model_label}")
    results = log.results()
    if not dry_run:
        touched = [apps.get_model(r.record_type)._meta.db_table for r in results if r.count]
        if touched:  # the removed rows' space, reusable soon (PostgreSQL; see privacy.vacuum)
            send_on_commit(personal_data_removed, sender=run, tables=touched)
    if failed:
        raise SweepFailed(f"Retention sweeps failed: {', '.join(failed)}")
    return results


def expired(declared: registry.Sweep, *, now, holds: Holds | None = None):
    """The rows of a top-level sweep that have passed its rule at ``now`` (holds excluded)."""
    model = declared.model
    cutoff = now if declared.due else RULES[declared.rule].cutoff(now)
    rows = model._base_manager.filter(**{f"{declared.since}__lt": cutoff})
    if declared.when is not None:
        rows = rows.filter(declared.when)
    return _not_done(declared, rows, holds)


def _not_done(declared: registry.Sweep, rows, holds: Holds | None):
    """Leave out rows already anonymised and rows a hold covers."""
    if declared.action == registry.ANONYMISE:
        rows = rows.filter(_not_anonymised(declared))
    covered = holds.covered(rows.model) if holds is not None else None
    return rows.exclude(covered) if covered is not None else rows


def _not_anonymised(declared: registry.Sweep) -> Q:
    """Rows where any field still differs from its anonymised value. Encrypted fields cannot be
    compared by content (their tokens are salted), but an empty one is empty: hence Length."""
    differs = Q()
    for field, value in declared.anonymise:
        differs |= _differs(field, value)
    return differs


def _differs(field: str, value) -> Q:
    if value == "" and isinstance(value, str):
        return Q(GreaterThan(Length(field), 0))
    if value is None:
        return Q(**{f"{field}__isnull": False})
    return ~Q(**{field: value})


def _children(child: registry.Sweep, batch, holds: Holds | None):
    rows = child.model._base_manager.filter(**{f"{child.via}__in": batch.values("pk")})
    return _not_done(child, rows, holds)


# --- Batches -------------------------------------------------------------------------------------


def _batches(rows, field: str, size: int):
    """Consecutive ranges of ``rows`` by ``field``, about ``size`` rows each: a range ends at the
    ``size``-th row's value and takes every row sharing it, the last range takes what is left.
    Each range is a filter, not a list of ids: one bounded statement destroys it, and the next
    range starts after it, so neither held rows nor dead index entries are walked again. Finding
    the end walks ``size`` entries of the index on ``field`` (an index-only scan when no other
    condition applies)."""
    last = None
    while True:
        page = rows if last is None else rows.filter(**{f"{field}__gt": last})
        bound = next(iter(page.order_by(field).values_list(field, flat=True)[size - 1 : size]), None)
        if bound is None:
            yield page
            return
        yield page.filter(**{f"{field}__lte": bound})
        last = bound


def _destroy(declared: registry.Sweep, batch, holds: Holds, log: "_Log") -> None:
    files: list[tuple] = []
    entries: list[journal.Entry] = []
    before = log.state()
    try:
        with transaction.atomic(using=batch.db):
            for child in registry.children(declared):
                rows = _children(child, batch, holds)
                files += _files(child, rows)
                entries += _journal(child, rows, rule=declared.rule)
                _apply(child, rows, log, rule=declared.rule)
            files += _files(declared, batch)
            entries += _journal(declared, batch, rule=declared.rule)
            _apply(declared, batch, log, rule=declared.rule)
            journal.record(entries, using=batch.db)
    except Exception:
        log.restore(before)  # the batch rolled back, its counts (and any log row it made) with it
        raise
    _delete_files(files)


def _journal(declared: registry.Sweep, rows, *, rule: str) -> list[journal.Entry]:
    """The journal's entries for ``rows``, read before they change (rows a cascade takes with
    them need none: replaying their parent's deletion cascades again)."""
    action = journal.DELETED if declared.action == registry.DELETE else journal.ANONYMISED
    pks = rows.order_by().values_list("pk", flat=True)
    return journal.entries_for(action, declared.model_label, pks, detail=rule)


def _apply(declared: registry.Sweep, rows, log: "_Log", *, rule: str) -> None:
    if declared.action == registry.DELETE:
        for label, count in _delete(rows).items():
            log.add(rule, label, declared.action, count)
    else:
        log.add(rule, declared.model_label, declared.action, _anonymise(declared, rows))


def _delete(rows) -> dict[str, int]:
    """Delete ``rows``: one DELETE when nothing depends on them (no cascades, no signals), else
    Django's collector (cascades and SET NULL done, each model's count returned)."""
    if Collector(using=rows.db, origin=rows).can_fast_delete(rows):
        return {rows.model._meta.label: rows._raw_delete(rows.db)}
    _total, counts = rows.delete()
    return {label: n for label, n in counts.items() if not _link_table(label)}


def _link_table(label: str) -> bool:
    return apps.get_model(label)._meta.auto_created  # many-to-many rows, not records


def _anonymise(declared: registry.Sweep, rows) -> int:
    if not declared.trigger_switch:
        return rows.update(**declared.values)
    # The deliberate exception to an append-only table (see the declaring privacy.py): a raw
    # UPDATE of the declared columns only, with the transaction-local switch its trigger checks.
    model, connection = rows.model, connections[rows.db]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in declared.values]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    values = [field.get_db_prep_save(declared.values[field.name], connection) for field in fields]
    select, params = rows.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [declared.trigger_switch])
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments}"  # noqa: S608 - names from the model
            f" WHERE {quote(model._meta.pk.column)} IN ({select})",
            [*values, *params],
        )
        count = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'off', true)", [declared.trigger_switch])
    return count


# --- Files ---------------------------------------------------------------------------------------


def _files(declared: registry.Sweep, rows) -> list[tuple]:
    """(field, name) of the files the rows name, read before the rows change."""
    found = []
    for name in declared.files:
        field = declared.model._meta.get_field(name)
        found += [(field, value) for value in rows.values_list(name, flat=True) if value]
    return found


def _delete_files(files: list[tuple]) -> None:
    """After the batch committed, so a rolled-back batch never loses its files (a crash in
    between leaves a file no row names, never a row naming a missing file)."""
    for field, name in files:
        _delete_file(field, name)


def _delete_file(field, name: str) -> None:
    if isinstance(field, FileField):
        field.storage.delete(name)
        return
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if path.is_relative_to(root) and path != root:  # a path under MEDIA_ROOT, never elsewhere
        path.unlink(missing_ok=True)


# --- Replaying the journal on a restored database (P21) -----------------------------------------


def replay(entries: list[journal.Entry]) -> dict[tuple[str, str], int]:
    """Carry out again the deletions, anonymisations and emptied fields of ``entries`` (withdrawals
    are the withdrawal feature's): rows already gone or already anonymised are left alone, so a
    second replay changes nothing. Returns the rows changed per (action, record type)."""
    groups: dict[tuple[str, str, str], set[str]] = {}
    for entry in entries:
        if entry.action in (journal.DELETED, journal.ANONYMISED, journal.EMPTIED):
            groups.setdefault((entry.action, entry.record_type, entry.detail), set()).add(entry.subject)
    changed: dict[tuple[str, str], int] = {}
    for (action, label, detail), subjects in groups.items():
        model = apps.get_model(label)
        pks = journal.find(model, subjects)
        count = 0
        for start in range(0, len(pks), 1000):
            rows = model._base_manager.filter(pk__in=pks[start : start + 1000])
            count += _replay(action, label, detail, rows)
        changed[(action, label)] = changed.get((action, label), 0) + count
    return changed


def _declared(label: str, rule: str, action: str) -> registry.Sweep | None:
    found = [s for s in registry.all_sweeps() if s.model_label == label and s.action == action]
    return next((s for s in found if s.rule == rule), found[0] if found else None)


def _replay(action: str, label: str, detail: str, rows) -> int:
    if action == journal.EMPTIED:
        field = rows.model._meta.get_field(detail)
        value = None if field.null and not field.blank else ""
        return rows.filter(_differs(field.name, value)).update(**{field.name: value})
    declared = _declared(label, detail, registry.DELETE if action == journal.DELETED else registry.ANONYMISE)
    files: list[tuple] = []
    with transaction.atomic(using=rows.db):
        if action == journal.DELETED:
            if declared is not None:
                files = _files(declared, rows)
            count = sum(n for name, n in _delete(rows).items() if name == label)
        elif declared is None:
            raise ValueError(f"No anonymising sweep of {label} is declared any more")
        else:
            rows = rows.filter(_not_anonymised(declared))
            files = _files(declared, rows)
            count = _anonymise(declared, rows)
    _delete_files(files)
    return count


# --- Dry run -------------------------------------------------------------------------------------


def _count(declared: registry.Sweep, rows, holds: Holds, log: "_Log") -> None:
    for child in registry.children(declared):
        log.add(declared.rule, child.model_label, child.action, _children(child, rows, holds).count())
    if declared.action == registry.ANONYMISE:
        log.add(declared.rule, declared.model_label, declared.action, rows.count())
        return
    collector = Collector(using=rows.db, origin=rows)
    if collector.can_fast_delete(rows):
        log.add(declared.rule, declared.model_label, declared.action, rows.count())
        return
    collector.collect(rows)
    counted = {c.model_label for c in registry.children(declared)}  # the real run deletes them first
    for model, instances in collector.data.items():
        if not model._meta.auto_created and model._meta.label not in counted:
            log.add(declared.rule, model._meta.label, declared.action, len(instances))
    for queryset in collector.fast_deletes:
        if not queryset.model._meta.auto_created and queryset.model._meta.label not in counted:
            log.add(declared.rule, queryset.model._meta.label, declared.action, queryset.count())


# --- The destruction log -------------------------------------------------------------------------


class _Log:
    """Counts per (rule, record type, action). Outside a dry run each count is written in the
    transaction of the batch that destroyed the rows: the log never says less than what went."""

    def __init__(self, now, dry_run: bool):
        self.now, self.dry_run = now, dry_run
        self.counts: dict[tuple[str, str, str], int] = {}
        self.rows: dict[tuple[str, str, str], int] = {}

    def state(self) -> tuple[dict, dict]:
        return dict(self.counts), dict(self.rows)

    def restore(self, state: tuple[dict, dict]) -> None:
        self.counts, self.rows = dict(state[0]), dict(state[1])

    def expect(self, rule: str, label: str, action: str) -> None:
        self.counts.setdefault((rule, label, ACTIONS[action]), 0)

    def add(self, rule: str, label: str, action: str, count: int) -> None:
        key = (rule, label, ACTIONS[action])
        self.counts[key] = self.counts.get(key, 0) + count
        if self.dry_run or count <= 0:
            return
        if key in self.rows:
            DestructionLog.objects.filter(pk=self.rows[key]).update(count=F("count") + count)
        else:
            self.rows[key] = DestructionLog.objects.create(
                rule=rule, record_type=label, action=key[2], count=count, ran_at=self.now
            ).pk

    def results(self) -> list[SweepResult]:
        return [SweepResult(rule, label, action, n) for (rule, label, action), n in self.counts.items()]
