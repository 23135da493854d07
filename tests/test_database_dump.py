"""P14: a copy of the database — the SQLite file's bytes, or `pg_dump` — holds none of a member's
important data in clear: not their phone number, bank account number or holder, nor an API key."""

import shutil
import sqlite3
import subprocess

import pytest
from django.db import connection

from snshelper.api import services as api_services
from snshelper.demo import load as demo
from snshelper.wallet import services as wallet

pytestmark = pytest.mark.django_db(transaction=True)  # committed, so pg_dump sees it

PHONE = "0819998877"
ACCOUNT_NUMBER = "4455667788"
HOLDER = "Kanokwan Sentinelname"


@pytest.fixture
def secrets_in_the_database(make_member):
    demo.load_demo()
    member = make_member(email="dump@example.test", name="Dump Test", phone=PHONE)
    wallet.save_refund_account(
        member=member, bank_name="SCB", account_holder=HOLDER, account_number=ACCOUNT_NUMBER
    )
    key = api_services.create_key(member=member, name="my panel")
    return [PHONE, ACCOUNT_NUMBER, HOLDER, key.secret]


def _sqlite_bytes(tmp_path) -> bytes:
    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(copy) as target:
        connection.ensure_connection()
        connection.connection.backup(target)
    return copy.read_bytes()


def _pg_dump() -> bytes:
    settings = connection.settings_dict
    command = [shutil.which("pg_dump") or "pg_dump", "--no-owner", "-h", settings["HOST"] or "127.0.0.1"]
    if settings.get("PORT"):
        command += ["-p", str(settings["PORT"])]
    command += ["-U", settings["USER"] or "postgres", settings["NAME"]]
    env = {"PGPASSWORD": settings.get("PASSWORD") or ""}
    return subprocess.run(command, check=True, capture_output=True, env=env, timeout=120).stdout


def test_p14_a_database_dump_holds_no_important_data_in_clear(secrets_in_the_database, tmp_path):
    dump = _pg_dump() if connection.vendor == "postgresql" else _sqlite_bytes(tmp_path)
    assert b"member@demo.test" in dump  # the dump is real: ordinary data is there
    for secret in secrets_in_the_database:
        assert secret.encode() not in dump, f"{secret[:4]}… found in clear"
