"""Remnants (P21): removed rows do not linger in the database files longer than they must. On
PostgreSQL the worker vacuums the tables a withdrawal or a sweep touched (queued, never run in the
request); SQLite overwrites deleted content as it goes (secure_delete)."""

import pytest
from django.db import connection
from huey.contrib.djhuey import HUEY

from snshelper.accounts.models import LoginRecord
from snshelper.core import clock as clock_module
from snshelper.privacy import sweeps, vacuum
from snshelper.privacy.retention import add_months
from snshelper.privacy_rights.withdrawal import services as withdrawal

IP = "203.0.113.78"


@pytest.fixture
def vacuumed(monkeypatch):
    asked: list[list[str]] = []
    monkeypatch.setattr(vacuum, "vacuum", lambda tables, **kwargs: asked.append(sorted(tables)))
    return asked


@pytest.mark.django_db
def test_a_withdrawal_asks_the_worker_to_vacuum_every_table_it_touched(
    make_member, vacuumed, django_capture_on_commit_callbacks
):
    member = make_member(email="vacuum@example.test", phone="0812223333")
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal.withdraw(member=member)
    (tables,) = vacuumed
    for table in (
        "accounts_member",
        "api_apikey",
        "wallet_refundbankaccount",
        "wallet_withdrawal",
        "orders_order",
    ):
        assert table in tables


@pytest.mark.django_db
def test_a_sweep_asks_the_worker_to_vacuum_the_tables_it_removed_rows_from(
    make_member, vacuumed, django_capture_on_commit_callbacks
):
    LoginRecord.objects.create(
        member=make_member(), ip_address=IP, result="success", created_at=add_months(clock_module.now(), -7)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweeps.run()
    assert vacuumed == [["accounts_loginrecord"]]
    with django_capture_on_commit_callbacks(execute=True):
        sweeps.run()  # nothing removed: nothing to vacuum
    assert len(vacuumed) == 1


@pytest.mark.django_db
def test_the_vacuum_is_queued_for_the_worker_not_run_in_the_request(
    make_member, django_capture_on_commit_callbacks
):
    HUEY.immediate = False
    HUEY.flush()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            withdrawal.withdraw(member=make_member())
        queued = [task.name for task in HUEY.pending()]
        assert "vacuum_tables" in queued
    finally:
        HUEY.flush()
        HUEY.immediate = True


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_worker_vacuums_the_member_table_after_a_withdrawal(make_member):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL keeps dead rows until VACUUM; SQLite is covered by secure_delete")
    member = make_member(email="dead-rows@example.test")
    withdrawal.withdraw(member=member)  # committed: the job runs (the test queue runs jobs at once)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL, n_dead_tup FROM pg_stat_user_tables WHERE relname = %s",
            ["accounts_member"],
        )
        vacuumed, dead = cursor.fetchone()
    assert vacuumed and dead == 0


@pytest.mark.django_db
def test_on_sqlite_deleted_content_is_overwritten_as_it_goes():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1
