"""The deletion journal (P21): what was destroyed, so that a restored backup forgets it again.

Every destruction of a member's records — a retention sweep, a withdrawal, a deletion request —
appends entries here once its transaction commits. The journal lives outside the main database, in
its own SQLite file (``DELETION_JOURNAL_PATH``), so restoring the database never rolls it back; it
is append-only (triggers refuse any UPDATE, and any DELETE of an entry younger than
``DELETION_JOURNAL_KEEP_DAYS``, the age of the oldest backup that may still be restored).

An entry holds no data: when, what was done (``deleted``, ``anonymised``, ``emptied``,
``withdrew``), the kind of record (``app.Model``), the rule or field concerned, and the record's
identity as a keyed hash (HMAC-SHA256 with ``DELETION_JOURNAL_KEY`` of ``app.Model:pk``). Replaying
(``manage.py replay_deletions``) hashes the primary keys of the restored table to find the rows
again; the journal alone names no one.

A crash in the instant between a transaction's commit and its journal write loses that entry (the
error is logged); the sweeps that replay runs afterwards still remove whatever is past its rule.
"""

import hashlib
import hmac
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from snshelper.core import clock

logger = logging.getLogger(__name__)

DELETED, ANONYMISED, EMPTIED, WITHDREW = "deleted", "anonymised", "emptied", "withdrew"
ACTIONS = (DELETED, ANONYMISED, EMPTIED, WITHDREW)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('deleted', 'anonymised', 'emptied', 'withdrew')),
    record_type TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entry_type ON entry (record_type, seq);
CREATE TRIGGER IF NOT EXISTS entry_no_update BEFORE UPDATE ON entry
BEGIN SELECT RAISE(ABORT, 'the deletion journal is append-only'); END;
"""


@dataclass(frozen=True)
class Entry:
    """One destroyed (or anonymised, or emptied) record, or one withdrawn member."""

    action: str
    record_type: str  # "app.Model"
    subject: str  # keyed hash of "app.Model:pk"
    detail: str = ""  # the rule (sweeps) or the field (deletion requests)
    seq: int = 0
    at: str = ""


def subject(record_type: str, pk) -> str:
    """The keyed hash naming one row: the same row always gives the same hash, the hash alone
    gives back nothing without the key."""
    key = settings.DELETION_JOURNAL_KEY.encode()
    return hmac.new(key, f"{record_type}:{pk}".encode(), hashlib.sha256).hexdigest()


def entries_for(action: str, record_type: str, pks: Iterable, detail: str = "") -> list[Entry]:
    return [Entry(action, record_type, subject(record_type, pk), detail) for pk in pks]


def path() -> Path:
    return Path(settings.DELETION_JOURNAL_PATH)


def _connect() -> sqlite3.Connection:
    file = path()
    file.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(file, timeout=30, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # an entry written is an entry kept, even on power loss
    db.executescript(_SCHEMA)
    keep = int(settings.DELETION_JOURNAL_KEEP_DAYS)
    # Named by its period: a longer period adds a stricter trigger; a shorter one takes an
    # operator dropping the old trigger by hand, deliberately.
    db.execute(
        f"CREATE TRIGGER IF NOT EXISTS entry_no_early_delete_{keep} BEFORE DELETE ON entry"
        f" WHEN OLD.at > strftime('%Y-%m-%dT%H:%M:%S', 'now', '-{keep} days')"
        " BEGIN SELECT RAISE(ABORT, 'the deletion journal is append-only'); END"
    )
    return db


def append(entries: list[Entry]) -> None:
    """Write ``entries`` now, in one transaction of the journal's own file."""
    if not entries:
        return
    at = clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    db = _connect()
    try:
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO entry (at, action, record_type, detail, subject) VALUES (?, ?, ?, ?, ?)",
                [(at, e.action, e.record_type, e.detail, e.subject) for e in entries],
            )
    finally:
        db.close()


def record(entries: list[Entry], *, using: str = "default") -> None:
    """Append ``entries`` once the current transaction on ``using`` commits (at once outside
    one): a rolled-back destruction leaves no entry that a replay would carry out."""
    if not entries:
        return
    entries = list(entries)

    def write():
        try:
            append(entries)
        except Exception:
            logger.exception("The deletion journal could not record %d entries", len(entries))
            raise

    transaction.on_commit(write, using=using)


def mark() -> int:
    """The last entry's number: a backup taken after reading it holds everything up to it."""
    db = _connect()
    try:
        return db.execute("SELECT COALESCE(MAX(seq), 0) FROM entry").fetchone()[0]
    finally:
        db.close()


def after(seq: int) -> list[Entry]:
    """The entries newer than ``seq``, oldest first."""
    db = _connect()
    try:
        rows = db.execute(
            "SELECT seq, at, action, record_type, detail, subject FROM entry WHERE seq > ? ORDER BY seq",
            [seq],
        ).fetchall()
    finally:
        db.close()
    return [Entry(action, kind, subj, detail, number, at) for number, at, action, kind, detail, subj in rows]


def find(model, subjects: set[str]) -> list:
    """The primary keys of ``model``'s rows whose keyed hash is in ``subjects`` (every key is
    hashed: the journal cannot be searched the other way)."""
    if not subjects:
        return []
    label = model._meta.label
    return [
        pk
        for pk in model._base_manager.order_by().values_list("pk", flat=True).iterator(chunk_size=20_000)
        if subject(label, pk) in subjects
    ]


def parse_at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)
