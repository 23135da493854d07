"""Files encrypted at rest with the field keys (payment slips, consultation attachments, exports).

A file under ``MEDIA_ROOT`` is never stored in clear: it is a header line followed by one Fernet
token per line, each the encryption of up to ``CHUNK`` bytes of the file, with the newest key of
``FIELD_ENCRYPTION_KEYS`` (``core.encryption``). Chunks keep memory flat for a large export, in
both directions, and a token is authenticated: a changed or cut file is refused, not half read.

- Uploads go through ``EncryptedFileSystemStorage``, the project's default storage (settings
  ``STORAGES["default"]``), so every ``FileField`` writes encrypted and opens decrypted.
- Exports are written with ``open_for_writing`` and read with ``open_for_reading``.
- ``manage.py rotate_field_keys`` re-encrypts every file with the newest key (``seal_all``), and
  encrypts any file still in clear; ``manage.py encrypt_files`` does it alone.

Files are decrypted only by the views that serve them to someone allowed (finance for a slip,
the consultation's member and support staff for an attachment, the member for their export).

Files written before encryption (no header) are still opened as they are, with a warning to
``snshelper.security`` naming the command that encrypts them: an upgrade must not make a member's
slip unreadable to finance between deploying and running the command.
"""

import io
import logging
import os
import tempfile
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage

from snshelper.core import encryption

security_log = logging.getLogger("snshelper.security")

HEADER = b"SNSHELPER-ENCRYPTED-FILE-1\n"
CHUNK = 64 * 1024  # bytes of clear content per token
PARTIAL = ".part"  # files being written (never sealed or served)


class CorruptFile(ImproperlyConfigured):
    """An encrypted file that no key opens, or that was cut short."""


def is_encrypted(path: Path | str) -> bool:
    with open(path, "rb") as source:
        return source.read(len(HEADER)) == HEADER


def encrypt_chunks(chunks) -> "iter[bytes]":
    """The encrypted file, line by line, for content given in chunks of any size."""
    yield HEADER
    buffer = b""
    keyring = encryption.keyring()
    for chunk in chunks:
        buffer += chunk.encode() if isinstance(chunk, str) else chunk
        while len(buffer) >= CHUNK:
            yield keyring.encrypt(buffer[:CHUNK]) + b"\n"
            buffer = buffer[CHUNK:]
    if buffer:
        yield keyring.encrypt(buffer) + b"\n"


def _tokens(source):
    if source.read(len(HEADER)) != HEADER:
        raise CorruptFile("Not an encrypted file.")
    for line in source:
        token = line.rstrip(b"\n")
        if token:
            yield token


def decrypt_chunks(source):
    """The clear content, chunk by chunk, of an encrypted file open for binary reading."""
    keyring = encryption.keyring()
    for token in _tokens(source):
        try:
            yield keyring.decrypt(token)
        except InvalidToken:
            raise CorruptFile(
                "An encrypted file cannot be opened with any key in FIELD_ENCRYPTION_KEYS."
            ) from None


class _Decrypting(io.RawIOBase):
    """A read-only, forward-only binary stream of an encrypted file's clear content."""

    def __init__(self, source):
        self._source = source
        self._chunks = decrypt_chunks(source)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            self._pending = next(self._chunks, b"")
            if not self._pending:
                return 0
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def close(self) -> None:
        self._source.close()
        super().close()


class _Encrypting(io.RawIOBase):
    """A write-only binary stream that writes the encrypted form of what it is given."""

    def __init__(self, target):
        self._target = target
        self._buffer = bytearray()
        self._keyring = encryption.keyring()
        self.written = 0  # clear bytes
        target.write(HEADER)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        self.written += len(data)
        while len(self._buffer) >= CHUNK:
            self._target.write(self._keyring.encrypt(bytes(self._buffer[:CHUNK])) + b"\n")
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            if self._buffer:
                self._target.write(self._keyring.encrypt(bytes(self._buffer)) + b"\n")
                self._buffer.clear()
            self._target.close()
        super().close()


def open_for_writing(path: Path | str) -> _Encrypting:
    """A new encrypted file at ``path`` (binary; wrap it in ``io.TextIOWrapper`` for text).
    Its ``written`` attribute counts the clear bytes."""
    return _Encrypting(open(path, "wb"))  # noqa: SIM115 - closed with the stream


def open_for_reading(path: Path | str) -> io.BufferedReader:
    """The clear content of the file at ``path`` as a binary stream (a file from before
    encryption is read as it is, with a warning)."""
    source = open(path, "rb")  # noqa: SIM115 - closed with the stream
    if source.read(len(HEADER)) != HEADER:
        security_log.warning(
            "file stored in clear (from before encryption) read; run manage.py encrypt_files: %s",
            Path(path).name,
        )
        source.seek(0)
        return io.BufferedReader(source)
    source.seek(0)
    return io.BufferedReader(_Decrypting(source), buffer_size=CHUNK)


def _rewrite(path: Path, lines) -> None:
    """Replace ``path`` by ``lines`` atomically (a temporary file in the same directory)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=PARTIAL)
    try:
        with os.fdopen(handle, "wb") as target:
            for line in lines:
                target.write(line)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _rotated(path: Path):
    keyring = encryption.keyring()
    with open(path, "rb") as source:
        yield HEADER
        for token in _tokens(source):
            try:
                yield keyring.rotate(token) + b"\n"
            except InvalidToken:
                raise CorruptFile(
                    f"{path.name} cannot be opened with any key in FIELD_ENCRYPTION_KEYS."
                ) from None


def _sealed(path: Path):
    with open(path, "rb") as source:
        yield from encrypt_chunks(iter(lambda: source.read(CHUNK), b""))


def seal(path: Path) -> str:
    """Bring one file to the newest key: "rotated" (it was encrypted) or "encrypted" (it was not)."""
    if is_encrypted(path):
        _rewrite(path, _rotated(path))
        return "rotated"
    _rewrite(path, _sealed(path))
    return "encrypted"


def seal_all(root: Path | str, *, only_clear: bool = False) -> dict[str, int]:
    """Every file under ``root`` (MEDIA_ROOT) encrypted with the newest key; with ``only_clear``
    files already encrypted are left as they are. How many were rotated and encrypted."""
    done = {"rotated": 0, "encrypted": 0}
    root = Path(root)
    if not root.is_dir():
        return done
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink() or path.name.endswith(PARTIAL):
            continue
        if only_clear and is_encrypted(path):
            continue
        done[seal(path)] += 1
    return done


class _EncryptedContent(File):
    """What the file system storage writes for an upload: its encrypted form, chunk by chunk."""

    def __init__(self, content):
        super().__init__(content, getattr(content, "name", None))

    def chunks(self, chunk_size=None):
        if hasattr(self.file, "seek"):
            self.file.seek(0)
        source = (
            self.file.chunks() if hasattr(self.file, "chunks") else iter(lambda: self.file.read(CHUNK), b"")
        )
        yield from encrypt_chunks(source)


class _Decrypted(File):
    """An opened file's clear content in memory; opening it again after closing reads it again."""

    def __init__(self, path: str, name: str):
        self._path = path
        super().__init__(self._load(), name=name)

    def _load(self) -> io.BytesIO:
        with open_for_reading(self._path) as source:
            return io.BytesIO(source.read())

    def open(self, mode=None, *args, **kwargs):
        if self.closed:
            self.file = self._load()
        else:
            self.seek(0)
        return self


class EncryptedFileSystemStorage(FileSystemStorage):
    """The file system storage, writing every file encrypted and opening it decrypted.

    Opened files are decrypted into memory (uploads are a few megabytes at most), so a response
    knows their length. ``size()`` is the size on disk; keep the upload's own size on the record.
    """

    def _save(self, name, content):
        return super()._save(name, _EncryptedContent(content))

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Encrypted files are written through save(), not opened for writing.")
        return _Decrypted(self.path(name), name)
