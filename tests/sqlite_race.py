"""A worker process of tests/test_rate_limits.py: runs the limiter's statement on a SQLite file
(kept free of Django so that a spawned process can import it)."""

import sqlite3


def take_many(path: str, statement: str, count: int, limit: int, queue) -> None:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    taken = 0
    for _ in range(count):
        row = connection.execute(statement.replace("%s", "?"), ["bucket", 2**40, limit]).fetchone()
        taken += row is not None
    queue.put(taken)
