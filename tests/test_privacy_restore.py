"""Deletions survive a restore (P21): a backup restored after a withdrawal or a sweep brings the
data back, and the deletion journal — kept outside the database, holding keyed hashes only —
makes it go again (`restore_backup` replays it at once; `replay_deletions` by hand). Runs on
SQLite and, with DATABASE_URL, on PostgreSQL."""

import io
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from snshelper.accounts.models import LoginRecord, Member
from snshelper.core import clock as clock_module
from snshelper.privacy import backup, journal, sweeps
from snshelper.privacy.models import DataExport, DataSubjectRequest, WithdrawnMember
from snshelper.privacy.retention import add_months
from snshelper.privacy_rights.requests import services as requests
from snshelper.privacy_rights.withdrawal import selectors as withdrawn_selectors
from snshelper.privacy_rights.withdrawal import services as withdrawal
from snshelper.staff import roles
from snshelper.wallet.models import TopUp
from tests.test_privacy_withdrawal import (  # noqa: F401 - the fixture, used by name
    EMAIL,
    NAME,
    PHONE,
    PHONE_DIGITS,
    _ordinary_tables_as_text,
    settled,
)

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: the journal is written on commit
IP = "203.0.113.77"
DAY = timedelta(days=1)


@pytest.fixture
def isolated(settings, tmp_path):
    """A journal and a media directory of the test's own (a restore replaces MEDIA_ROOT)."""
    settings.DELETION_JOURNAL_PATH = tmp_path / "journal" / "deletions.sqlite3"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    return tmp_path


def _old_login_record(member) -> LoginRecord:
    """A sign-in 7 months ago: past the 6 months of its rule, so the next sweep deletes it."""
    return LoginRecord.objects.create(
        member=member, ip_address=IP, result="success", created_at=add_months(clock_module.now(), -7)
    )


def _everything() -> dict:
    """Every row of every table, as text (what a second replay must leave exactly as it is)."""
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
            found[table] = sorted(repr(row) for row in cursor.fetchall())
    return found


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_p21_backup_withdraw_and_sweep_restore_then_replay_forgets_them_again(isolated, settled):  # noqa: F811
    slip = Path(TopUp.objects.get(member=settled).slip.path)
    _old_login_record(settled)
    archive = isolated / "before.backup"
    _run("backup", str(archive))

    withdrawal.withdraw(member=settled)
    sweeps.run()
    assert not LoginRecord.objects.filter(ip_address=IP).exists() and not slip.exists()
    assert EMAIL not in _ordinary_tables_as_text()

    _run("restore_backup", str(archive), "--no-replay")
    back = Member.objects.get(pk=settled.pk)  # the restored copy has them all again
    assert (back.email, back.name, back.phone, back.withdrawn_at) == (EMAIL, NAME, PHONE, None)
    assert LoginRecord.objects.filter(ip_address=IP).exists() and slip.is_file()
    assert not WithdrawnMember.objects.exists()

    output = _run("replay_deletions", "--backup", str(archive))
    assert "withdrawn again: 1" in output
    gone = Member.objects.get(pk=settled.pk)
    assert gone.withdrawn_at is not None and not gone.is_active and gone.phone == ""
    text = _ordinary_tables_as_text()
    for clear in (EMAIL, NAME, PHONE, PHONE_DIGITS):
        assert clear.lower() not in text, clear
    assert not LoginRecord.objects.filter(ip_address=IP).exists() and not slip.exists()
    entry = WithdrawnMember.objects.get(member_id=settled.member_id)  # the store has them again
    assert withdrawn_selectors.document(entry)["member"]["email"] == EMAIL

    state = _everything()
    again = _run("replay_deletions", "--backup", str(archive))
    assert again.rstrip().endswith("0 changes.")
    assert _everything() == state  # replaying twice changes nothing


def test_p21_restore_backup_replays_the_journal_by_itself(isolated, make_member):
    member = make_member(email="kanya@example.test", name="Kanya Srisuk", phone="0899990000")
    kept = make_member(email="stays@example.test")
    _old_login_record(kept)
    archive, manifest = backup.create()
    assert archive.parent == isolated / "backups" and manifest.journal_mark == journal.mark()
    withdrawal.withdraw(member=member)
    sweeps.run()

    output = _run("restore_backup", str(archive))
    assert "withdrawn again: 1" in output
    assert Member.objects.get(pk=member.pk).email.endswith("@withdrawn.invalid")
    assert not LoginRecord.objects.filter(ip_address=IP).exists()
    assert Member.objects.get(pk=kept.pk).email == "stays@example.test"  # nobody else is touched


def test_p21_a_field_deleted_on_request_is_emptied_again_after_a_restore(isolated, make_member, make_staff):
    member = make_member(email="phone@example.test", phone="0811112222")
    officer, _ = make_staff(roles.PRIVACY_OFFICER)
    archive, _manifest = backup.create()
    asked = requests.request_deletion(member=member, target_key="accounts.Member.phone")
    requests.carry_out(request=asked, by=officer)
    assert Member.objects.get(pk=member.pk).phone == ""

    backup.restore(archive)
    assert Member.objects.get(pk=member.pk).phone == "0811112222"
    _run("replay_deletions", "--backup", str(archive))
    assert Member.objects.get(pk=member.pk).phone == ""


def test_p21_the_journal_lies_outside_the_database_holds_no_data_and_is_append_only(isolated, make_member):
    member = make_member(email="journal@example.test", name="Journal Sentinelname", phone="0823334444")
    withdrawal.withdraw(member=member)
    path = Path(isolated / "journal" / "deletions.sqlite3")
    assert path.is_file() and connection.settings_dict["NAME"] != str(path)
    raw = b"".join(p.read_bytes() for p in path.parent.iterdir())
    for clear in (b"journal@example.test", b"Sentinelname", b"0823334444", member.member_id.encode()):
        assert clear not in raw
    (entry,) = journal.after(0)
    assert (entry.action, entry.record_type) == (journal.WITHDREW, "accounts.Member")
    assert entry.subject == journal.subject("accounts.Member", member.pk) != str(member.pk)

    with sqlite3.connect(path) as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE entry SET subject = 'x'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("DELETE FROM entry")
    assert len(journal.after(0)) == 1


def test_p21_a_withdrawal_rolled_back_leaves_no_journal_entry(isolated, funded):
    with pytest.raises(withdrawal.WithdrawalBlocked):
        withdrawal.withdraw(member=funded)  # a balance is owed: nothing happens
    assert journal.after(0) == []


def test_p21_a_backup_is_encrypted_with_the_field_keys(isolated, make_member, settings):
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    make_member(email="clear@example.test", name="Backup Sentinelname")
    archive, _manifest = backup.create(isolated / "b.backup")
    raw = archive.read_bytes()
    assert raw.startswith(backup.MAGIC) and b"clear@example.test" not in raw and b"Sentinelname" not in raw
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # not the key it was made with
    with pytest.raises(backup.BackupError, match="No key"):
        backup.restore(archive)
    cut = isolated / "cut.backup"
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *keys]
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(backup.BackupError):
        backup.restore(cut)
    assert backup.read_manifest(archive).journal_mark == 0  # an older key still listed opens it


def test_p21_replay_uses_the_moment_of_the_withdrawal(isolated, make_member, clock):
    member = make_member(email="when@example.test")
    archive, _manifest = backup.create()
    withdrew_at = clock.now()
    withdrawal.withdraw(member=member)
    clock.advance(timedelta(days=3))
    backup.restore(archive)
    _run("replay_deletions", "--backup", str(archive))
    assert Member.objects.get(pk=member.pk).withdrawn_at == withdrew_at


def test_p21_each_row_a_sweep_destroyed_is_replayed_from_the_journal_itself(isolated, make_member):
    """Not only by sweeping again: the journal names the rows (here before any new sweep runs)."""
    record = _old_login_record(make_member())
    archive, manifest = backup.create()
    sweeps.run()
    backup.restore(archive)
    assert LoginRecord.objects.filter(pk=record.pk).exists()

    entries = journal.after(manifest.journal_mark)
    assert sweeps.replay(entries) == {(journal.DELETED, "accounts.LoginRecord"): 1}
    assert not LoginRecord.objects.filter(pk=record.pk).exists()
    assert sweeps.replay(entries) == {(journal.DELETED, "accounts.LoginRecord"): 0}


def test_p21_an_anonymised_row_and_its_file_are_anonymised_again_from_the_journal(isolated, make_member):
    now = clock_module.now()
    member = make_member()
    asked = DataSubjectRequest.objects.create(
        member=member, kind=DataSubjectRequest.Kind.VIEW, due_at=now, verified_at=now
    )
    copy = DataExport.objects.create(request=asked, path="exports/copy.json", size=2, expires_at=now - DAY)
    file = isolated / "media" / "exports" / "copy.json"
    file.parent.mkdir(parents=True)
    file.write_text("{}")
    archive, manifest = backup.create()
    sweeps.run(rules={"exports"})
    assert not file.exists()
    backup.restore(archive)
    assert DataExport.objects.get(pk=copy.pk).path == "exports/copy.json" and file.is_file()

    entries = journal.after(manifest.journal_mark)
    assert sweeps.replay(entries) == {(journal.ANONYMISED, "privacy.DataExport"): 1}
    assert DataExport.objects.get(pk=copy.pk).path == "" and not file.exists()
    assert sweeps.replay(entries) == {(journal.ANONYMISED, "privacy.DataExport"): 0}
