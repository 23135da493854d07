"""Backups that cannot bring deleted data back for good (P21): ``manage.py backup`` and the
mechanics of ``manage.py restore_backup``.

A backup is one file: a tar stream of ``manifest.json`` (when it was taken, the database vendor,
and the deletion journal's last entry number at that moment), the database dump (SQLite's online
backup, or ``pg_dump`` in its custom format: both a consistent snapshot) and ``MEDIA_ROOT``,
encrypted as it is written with the field keys (``FIELD_ENCRYPTION_KEYS``, the newest key; any
listed key opens it, so an old backup opens while its key is still listed). The file is a
sequence of Fernet tokens of at most 1 MiB each, numbered and the last one marked, so a cut or
reordered file is refused instead of restored in part.

The journal's number is read *before* the snapshot: every destruction whose entry is at or
below it had committed before the snapshot was taken, so replaying the entries above it (which
``restore_backup`` does at once) makes the restored copy forget everything destroyed since.
"""

import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import connection

from snshelper.core import clock, encryption
from snshelper.privacy import journal

MAGIC = b"SNSHELPER-BACKUP-1\n"
CHUNK = 1 << 20
FORMAT = 1


class BackupError(RuntimeError):
    """The backup cannot be made, opened or restored (the message says why)."""


@dataclass(frozen=True)
class Manifest:
    taken_at: datetime
    vendor: str
    journal_mark: int

    @classmethod
    def from_json(cls, data: dict) -> "Manifest":
        if data.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {data.get('format')!r}")
        return cls(datetime.fromisoformat(data["taken_at"]), data["vendor"], int(data["journal_mark"]))

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "taken_at": self.taken_at.isoformat(),
            "vendor": self.vendor,
            "journal_mark": self.journal_mark,
        }
        return json.dumps(data).encode()


# --- Encrypted stream ----------------------------------------------------------------------------


class _EncryptingWriter(io.RawIOBase):
    def __init__(self, out):
        self.out, self.buffer, self.index = out, bytearray(), 0
        out.write(MAGIC)

    def writable(self):
        return True

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def finish(self) -> None:
        self._emit(bytes(self.buffer), last=True)
        self.buffer.clear()

    def _emit(self, data: bytes, *, last: bool) -> None:
        token = encryption.keyring().encrypt(struct.pack(">?Q", last, self.index) + data)
        self.out.write(struct.pack(">I", len(token)) + token)
        self.index += 1


def _chunks(source):
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not an SNS Helper backup file.")
    index = 0
    while True:
        size = source.read(4)
        if len(size) < 4:
            raise BackupError("The backup file is cut short.")
        token = source.read(struct.unpack(">I", size)[0])
        try:
            plain = encryption.keyring().decrypt(token)
        except InvalidToken:
            raise BackupError(
                "No key in FIELD_ENCRYPTION_KEYS opens this backup (or it is damaged)."
            ) from None
        last, number = struct.unpack(">?Q", plain[:9])
        if number != index:
            raise BackupError("The backup file's parts are out of order.")
        yield plain[9:]
        if last:
            return
        index += 1


class _DecryptingReader(io.RawIOBase):
    def __init__(self, source):
        self.chunks, self.buffer = _chunks(source), b""

    def readable(self):
        return True

    def readinto(self, target) -> int:
        while not self.buffer:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.buffer = chunk
        size = min(len(target), len(self.buffer))
        target[:size], self.buffer = self.buffer[:size], self.buffer[size:]
        return size


# --- Taking a backup -----------------------------------------------------------------------------


def create(destination: Path | None = None) -> tuple[Path, Manifest]:
    """Write an encrypted backup to ``destination`` (default: a new file in ``BACKUP_DIR``)."""
    mark = journal.mark()  # before the snapshot: see the module's docstring
    manifest = Manifest(clock.now(), connection.vendor, mark)
    if destination is None:
        directory = Path(settings.BACKUP_DIR)
        destination = directory / f"snshelper-{manifest.taken_at:%Y%m%dT%H%M%S}.backup"
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as work:
        dump = Path(work) / _dump_name(manifest.vendor)
        _dump_database(dump)
        with open(partial, "wb") as out:
            writer = _EncryptingWriter(out)
            with tarfile.open(fileobj=writer, mode="w|") as tar:
                _add_bytes(tar, "manifest.json", manifest.to_json())
                tar.add(dump, arcname=dump.name)
                media = Path(settings.MEDIA_ROOT)
                if media.is_dir():
                    tar.add(media, arcname="media")
            writer.finish()
            out.flush()
            os.fsync(out.fileno())
    partial.chmod(0o600)
    partial.replace(destination)
    return destination, manifest


def _dump_name(vendor: str) -> str:
    return "database.sqlite3" if vendor == "sqlite" else "database.pgdump"


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(clock.now().timestamp()), 0o600
    tar.addfile(info, io.BytesIO(data))


def _dump_database(target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # an online, consistent copy
        copy.close()
    elif connection.vendor == "postgresql":
        _pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}")
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def _pg(program: str, *arguments: str) -> None:
    config = connection.settings_dict
    command = [shutil.which(program) or program, "-h", config["HOST"] or "127.0.0.1"]
    if config.get("PORT"):
        command += ["-p", str(config["PORT"])]
    command += ["-U", config["USER"] or "postgres", "-d", config["NAME"], *arguments]
    env = {**os.environ, "PGPASSWORD": config.get("PASSWORD") or ""}
    done = subprocess.run(command, capture_output=True, env=env, timeout=3600, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{program} failed: {done.stderr.decode(errors='replace').strip()}")


# --- Restoring -----------------------------------------------------------------------------------


def read_manifest(source: Path) -> Manifest:
    """The manifest alone (it is the archive's first member)."""
    with open(source, "rb") as raw, tarfile.open(fileobj=_DecryptingReader(raw), mode="r|") as tar:
        first = tar.next()
        if first is None or first.name != "manifest.json":
            raise BackupError("The backup has no manifest.")
        return Manifest.from_json(json.loads(tar.extractfile(first).read()))


def restore(source: Path) -> Manifest:
    """Replace the database and ``MEDIA_ROOT`` with the backup's. Stop the web server and the
    worker first. The deletion journal is not touched: replay it next (``restore_backup`` does)."""
    source = Path(source)
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media.parent, prefix=".restore-") as work:
        staging = Path(work)
        with open(source, "rb") as raw, tarfile.open(fileobj=_DecryptingReader(raw), mode="r|") as tar:
            tar.extractall(staging, filter="data")
        manifest = Manifest.from_json(json.loads((staging / "manifest.json").read_bytes()))
        if manifest.vendor != connection.vendor:
            raise BackupError(f"This backup is of a {manifest.vendor} database, not {connection.vendor}.")
        _restore_database(staging / _dump_name(manifest.vendor))
        if media.exists():
            shutil.rmtree(media)  # files made after the backup go too, as their rows did
        restored = staging / "media"
        if restored.is_dir():
            restored.replace(media)
        else:
            media.mkdir()
    return manifest


def _restore_database(dump: Path) -> None:
    if not dump.is_file():
        raise BackupError("The backup holds no database.")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)
        source.close()
    else:
        connection.close()  # hold no lock on the tables pg_restore drops
        _pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            str(dump),
        )
