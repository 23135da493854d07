"""A small clamd client: streams a file to ClamAV's daemon (INSTREAM) and reads its verdict.

clamd is reached over a UNIX socket (``CLAMD_SOCKET``) or TCP (``CLAMD_HOST`` / ``CLAMD_PORT``),
every call bounded by ``CLAMD_TIMEOUT`` seconds. With neither set, scanning is off (``configured()``
is false). Anything short of a clear "OK" or "FOUND" — clamd down, slow, or answering an error —
raises ``ScannerUnavailable``: callers fail closed.

Protocol (clamd(8)): send ``zINSTREAM\\0``, then chunks each prefixed by its length as a 4-byte
big-endian unsigned integer, then a zero-length chunk; clamd answers ``stream: OK\\0``,
``stream: <signature> FOUND\\0`` or ``... ERROR\\0``.
"""

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScannerUnavailable(Exception):
    """clamd could not give a verdict (not running, timed out, or answered an error)."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    signature: str = ""  # the matching signature's name when infected


def configured() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _connect() -> socket.socket:
    timeout = settings.CLAMD_TIMEOUT
    try:
        if settings.CLAMD_SOCKET:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(timeout)
            try:
                conn.connect(settings.CLAMD_SOCKET)
            except BaseException:
                conn.close()
                raise
            return conn
        return socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=timeout)
    except OSError as error:
        raise ScannerUnavailable(f"cannot connect to clamd: {error.__class__.__name__}") from error


def _reply(conn: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        chunk = conn.recv(MAX_REPLY_BYTES)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_REPLY_BYTES:
            raise ScannerUnavailable("clamd's reply is too long")
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def ping() -> bool:
    """Whether clamd answers PONG (for health checks and tests)."""
    try:
        with _connect() as conn:
            conn.sendall(b"zPING\0")
            return _reply(conn) == "PONG"
    except (ScannerUnavailable, OSError):
        return False


def scan(stream) -> Verdict:
    """Send the file's bytes (from its start) to clamd; the file is rewound afterwards."""
    stream.seek(0)
    try:
        with _connect() as conn:
            conn.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK_BYTES):
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = _reply(conn)
    except OSError as error:  # timeouts included; also clamd closing early on its size limit
        raise ScannerUnavailable(f"clamd did not answer: {error.__class__.__name__}") from error
    finally:
        stream.seek(0)
    if reply == "stream: OK":
        return Verdict(infected=False)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return Verdict(infected=True, signature=reply.removeprefix("stream: ").removesuffix(" FOUND"))
    raise ScannerUnavailable(f"clamd answered: {reply[:200]!r}")
