"""Remnants (P21): on PostgreSQL a deleted or updated row stays in the table's data files as a dead
version until VACUUM marks its space reusable and new rows overwrite it. After a sweep or a
withdrawal the worker vacuums the tables touched (``tasks.vacuum_tables``, asked for by the
``personal_data_removed`` event), so that space is reused promptly instead of whenever autovacuum
gets to it. What remains on disk until then, and what protects it, is in docs/privacy.md.

SQLite needs no job: the database runs with ``PRAGMA secure_delete`` (settings), which overwrites
deleted content with zeros as it is removed.
"""

import logging

from django.db import connections

logger = logging.getLogger(__name__)


def vacuum(tables, *, using: str = "default") -> list[str]:
    """VACUUM (ANALYZE) each of ``tables`` that exists; returns those vacuumed. A no-op outside
    PostgreSQL, and inside a transaction (where PostgreSQL refuses VACUUM): the worker runs it
    outside any."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    if connection.in_atomic_block:
        logger.warning("VACUUM skipped: asked for inside a transaction (%s)", ", ".join(sorted(tables)))
        return []
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        done = []
        for table in sorted(set(tables) & existing):  # only real table names reach the statement
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
            done.append(table)
    return done
