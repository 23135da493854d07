"""One deliberate exception to the append-only ledger (PostgreSQL): a withdrawing member's memos.

A transaction's memo is free text (a staff adjustment's reason may name the member). When the
member withdraws, ``privacy.withdrawal`` empties such memos, having copied them to the
withdrawn-member store. The trigger lets an UPDATE through only when the transaction-local
setting ``snshelper.redact_ledger_memo`` is ``on`` and the update does nothing but empty the memo;
every other UPDATE or DELETE is still refused. Entries (the amounts) stay untouchable.
"""

from django.db import migrations

TABLE = "wallet_ledgertransaction"


def allow_memo_redaction(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE'
               AND current_setting('snshelper.redact_ledger_memo', true) = 'on'
               AND NEW.memo = ''
               AND ROW(NEW.id, NEW.idempotency_key, NEW.kind, NEW.created_by_id, NEW.created_at)
                   IS NOT DISTINCT FROM
                   ROW(OLD.id, OLD.idempotency_key, OLD.kind, OLD.created_by_id, OLD.created_at)
            THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'The ledger is append-only ({TABLE})';
        END
        $$ LANGUAGE plpgsql;
        """
    )


def refuse_every_update(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'The ledger is append-only ({TABLE})'; END
        $$ LANGUAGE plpgsql;
        """
    )


class Migration(migrations.Migration):
    dependencies = [("wallet", "0004_refundbankaccount_withdrawal")]
    operations = [migrations.RunPython(allow_memo_redaction, refuse_every_update)]
