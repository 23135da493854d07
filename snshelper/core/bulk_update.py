"""Writing many rows' new values in one statement, cheaply.

Django's ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` expression per object and field in
Python, and on SQLite splits the rows into statements of 999 bound values; for a status sync
writing a thousand orders at once that Python is most of the sync's time. ``update_rows`` sends
the new values as a table joined on the primary key instead: one array per column on PostgreSQL
(``UPDATE … FROM unnest(…)``), a ``VALUES`` list on SQLite (``WITH v AS (VALUES …) UPDATE … FROM
v``, SQLite 3.33 and later), as many rows a statement as the connection's limit on bound values
allows. Elsewhere it is ``bulk_update``.
"""

import sqlite3

from django.db import connections, router, transaction

SQLITE_UPDATE_FROM = (3, 33, 0)
SQLITE_DEFAULT_VARIABLES = 999  # SQLite's compile-time default before 3.32


def update_rows(model, objs: list, fields: list[str]) -> None:
    """Write ``fields`` of ``objs`` (model instances with their primary key set) as they are."""
    if not objs:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor == "postgresql":
        _update_from_arrays(connection, model, objs, fields)
    elif connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= SQLITE_UPDATE_FROM:
        with transaction.atomic(using=using, savepoint=False):  # all rows or none, like bulk_update
            _update_from_values(connection, model, objs, fields)
    else:
        model.objects.bulk_update(objs, fields)


def _columns(connection, model, objs: list, fields: list[str]):
    """The target columns, and each object's primary key and values as the database takes them."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    rows = [
        [
            meta.pk.get_db_prep_value(obj.pk, connection),
            *(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns),
        ]
        for obj in objs
    ]
    return columns, rows


def _update_from_arrays(connection, model, objs, fields) -> None:
    meta, quote = model._meta, connection.ops.quote_name
    columns, rows = _columns(connection, model, objs, fields)
    arrays = [list(values) for values in zip(*rows, strict=True)]
    types = [meta.pk.rel_db_type(connection), *(field.db_type(connection) for field in columns)]
    unnest = ", ".join(f"%s::{db_type}[]" for db_type in types)
    aliases = ", ".join(f"c{n}" for n in range(len(types)))
    assignments = ", ".join(f"{quote(field.column)} = v.c{n}" for n, field in enumerate(columns, start=1))
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608 - names from the model, values bound
        f"FROM unnest({unnest}) AS v({aliases}) WHERE t.{quote(meta.pk.column)} = v.c0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)


def _sqlite_variables(connection) -> int:
    """How many values one statement may bind on this connection (32,766 since SQLite 3.32)."""
    connection.ensure_connection()
    try:
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # pragma: no cover - Python before 3.11
        return SQLITE_DEFAULT_VARIABLES


def _update_from_values(connection, model, objs, fields) -> None:
    meta, quote = model._meta, connection.ops.quote_name
    columns, rows = _columns(connection, model, objs, fields)
    width = len(columns) + 1
    table = quote(meta.db_table)
    aliases = ", ".join(f"c{n}" for n in range(width))
    assignments = ", ".join(f"{quote(field.column)} = v.c{n}" for n, field in enumerate(columns, start=1))
    row = "(" + ", ".join(["%s"] * width) + ")"
    per_statement = max(_sqlite_variables(connection) // width, 1)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            sql = (
                f"WITH v({aliases}) AS (VALUES {', '.join([row] * len(chunk))}) "  # noqa: S608 - names from the model, values bound
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{quote(meta.pk.column)} = v.c0"
            )
            cursor.execute(sql, [value for values in chunk for value in values])
