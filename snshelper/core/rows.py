"""One model instance's row as an ``INSERT``'s columns and values, for the hot paths that write
rows in hand-made SQL (``wallet.ledger``, ``orders.services.place_order``).

The instance is built as the ORM would build it (defaults, ``pre_save``, each field's conversion
for the database), so a column added to the model is written without touching the SQL; what is
skipped is the ORM's per-statement machinery (compilers, signals, a round trip per table).
"""

from django.db.models import Model


def values(instance: Model, connection, *, exclude: frozenset[str] = frozenset()) -> tuple[list[str], list]:
    """The quoted column names and their values as ``connection`` takes them, for every concrete
    field of ``instance`` but its automatic primary key and the fields named in ``exclude``."""
    columns, params = [], []
    quote = connection.ops.quote_name
    for field in instance._meta.concrete_fields:
        if field.primary_key and instance.pk is None:
            continue
        if field.name in exclude or field.attname in exclude:
            continue
        columns.append(quote(field.column))
        params.append(field.get_db_prep_save(field.pre_save(instance, True), connection))
    return columns, params


def table(model, connection) -> str:
    return connection.ops.quote_name(model._meta.db_table)
