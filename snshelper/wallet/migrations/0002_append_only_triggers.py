"""On PostgreSQL (production) the database itself refuses to change or remove ledger rows.

Row-level triggers stop UPDATE and DELETE from any client. TRUNCATE is left to the table owner
(tests flush with it; run the application with a role that does not own the tables). On SQLite,
the embedded default, the models refuse instead (snshelper/wallet/models.py).
"""

from django.db import migrations

TABLES = ["wallet_ledgertransaction", "wallet_ledgerentry"]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'The ledger is append-only ({table})'; END
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
            """
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only() CASCADE;")


class Migration(migrations.Migration):
    dependencies = [("wallet", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
