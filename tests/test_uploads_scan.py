"""Uploads are scanned by ClamAV (P15): a real clamd, started here with a signature database this
test writes (the official one cannot be downloaded on this machine), checks slips on the real path.

Without Debian's clamd the scanning tests skip, unless SNSHELPER_REQUIRE_CLAMAV=1 (CI), where they
fail. The tests of an unreachable or misbehaving clamd need no ClamAV.
"""

import hashlib
import io
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape
from PIL import Image, PngImagePlugin

from snshelper.core import clamav
from snshelper.core.uploads import UploadInfected, UploadNotCheckable, UploadRefused
from snshelper.wallet.models import TopUp
from tests.conftest import sign_in
from tests.test_wallet_topups import bank_top_up, png_slip, stored_slips

pytestmark = pytest.mark.django_db

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"
INFECTED = (
    "This file was refused: our virus scanner found malware in it. "
    "Check your device for viruses, then upload a clean copy."
)
NOT_CHECKABLE = "Your file cannot be checked for viruses right now. Please try again in a few minutes."
# A file name a member might give, carrying personal data that must not reach the log.
PERSONAL_NAME = "slip somchai 0812345678.png"


def _raw_ping(path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(2)
            conn.connect(path)
            conn.sendall(b"zPING\0")
            return conn.recv(16) == b"PONG\0"
    except OSError:
        return False


@pytest.fixture(scope="module")
def clamd():
    """Our own clamd on a temporary UNIX socket, knowing only the EICAR test signatures."""
    if not os.access(CLAMD, os.X_OK):
        if os.environ.get("SNSHELPER_REQUIRE_CLAMAV") == "1":
            pytest.fail("SNSHELPER_REQUIRE_CLAMAV=1 but clamd is not installed (Debian: clamav-daemon)")
        pytest.skip("ClamAV's clamd is not installed (Debian package clamav-daemon)")
    root = Path(tempfile.mkdtemp(prefix="snsh-clamd-"))  # short: a socket path has ~100 bytes
    db = root / "db"
    db.mkdir()
    # Whole-file MD5 signature (md5:size:name), and a body signature that finds EICAR anywhere.
    (db / "snshelper-test.hdb").write_text(
        f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:SNSHelper.Test.EICAR\n"  # noqa: S324
    )
    (db / "snshelper-test.ndb").write_text(f"SNSHelper.Test.EICAR.Embedded:0:*:{EICAR.hex()}\n")
    sock = root / "clamd.sock"
    log = root / "clamd.log"
    conf = root / "clamd.conf"
    conf.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"LocalSocket {sock}",
                f"DatabaseDirectory {db}",
                f"TemporaryDirectory {root}",
                f"LogFile {log}",
                "LogClean yes",
                "SelfCheck 0",
                "",
            ]
        )
    )
    with open(root / "clamd.out", "wb") as out:
        process = subprocess.Popen([CLAMD, "-c", str(conf)], stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while not _raw_ping(str(sock)):
            if process.poll() is not None or time.monotonic() > deadline:
                output = (root / "clamd.out").read_text(errors="replace")[-2000:]
                pytest.fail(f"clamd did not start (exit {process.poll()}):\n{output}")
            time.sleep(0.2)
        yield {"socket": str(sock), "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def scanning(settings, clamd):
    settings.CLAMD_SOCKET = clamd["socket"]
    settings.CLAMD_HOST = ""
    settings.CLAMD_TIMEOUT = 30
    return clamd


def _png_carrying(payload: bytes) -> SimpleUploadedFile:
    """A PNG that decodes fine but carries the payload in a text chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", payload.decode("latin-1"))
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, "PNG", pnginfo=info)
    return SimpleUploadedFile(PERSONAL_NAME, buffer.getvalue(), content_type="image/png")


def _security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "snshelper.security"]


def _assert_no_personal_data(lines, member):
    for line in lines:
        assert "somchai" not in line and "0812345678" not in line and ".png" not in line
        assert member.email not in line and member.email.split("@")[0] not in line


def _clean_verdicts(log: Path) -> int:
    return log.read_text(errors="replace").count("instream(local): OK") if log.exists() else 0


def test_clamd_answers_and_names_the_signature(scanning):
    assert clamav.configured() and clamav.ping()
    verdict = clamav.scan(io.BytesIO(EICAR))
    assert verdict.infected and verdict.signature.startswith("SNSHelper.Test.EICAR")
    big_clean = io.BytesIO(os.urandom(300 * 1024))  # several INSTREAM chunks
    assert clamav.scan(big_clean) == clamav.Verdict(infected=False)
    assert big_clean.tell() == 0  # rewound for whoever reads it next


def test_eicar_slip_is_refused_with_a_clear_message_logged_and_nothing_is_stored(member, scanning, caplog):
    caplog.set_level(logging.INFO, logger="snshelper.security")
    slip = SimpleUploadedFile(PERSONAL_NAME, EICAR, content_type="image/png")
    with pytest.raises(UploadInfected) as refused:
        bank_top_up(member, slip=slip)
    with translation.override("th"):  # the default language; the message follows the reader's
        assert str(refused.value.message) == translation.gettext(INFECTED) != INFECTED
    with translation.override("en"):
        assert str(refused.value.message) == INFECTED
    assert stored_slips() == [] and not TopUp.objects.exists()
    [line] = [r for r in caplog.records if r.name == "snshelper.security"]
    assert line.levelno == logging.WARNING
    message = line.getMessage()
    assert "malware found" in message and "purpose=slip" in message
    assert f"member={member.member_id}" in message and f"size={len(EICAR)}" in message
    assert "signature=SNSHelper.Test.EICAR" in message
    _assert_no_personal_data([message], member)


def test_a_valid_png_carrying_eicar_is_refused_too(member, scanning, caplog):
    caplog.set_level(logging.INFO, logger="snshelper.security")
    with pytest.raises(UploadInfected):
        bank_top_up(member, slip=_png_carrying(EICAR))
    assert stored_slips() == [] and not TopUp.objects.exists()
    assert "signature=SNSHelper.Test.EICAR.Embedded" in _security_lines(caplog)[0]


def test_a_clean_slip_is_scanned_and_accepted(member, scanning, caplog):
    caplog.set_level(logging.INFO, logger="snshelper.security")
    before = _clean_verdicts(scanning["log"])
    top_up = bank_top_up(member, slip=png_slip(PERSONAL_NAME))
    assert top_up.slip_content_type == "image/png" and len(stored_slips()) == 1
    with top_up.slip.open("rb") as stored:  # stored whole, after the scan (encrypted on disk)
        assert stored.read() == png_slip().read()
    deadline = time.monotonic() + 5  # clamd really saw it: its log records the clean verdict
    while _clean_verdicts(scanning["log"]) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _clean_verdicts(scanning["log"]) == before + 1
    assert _security_lines(caplog) == []


def test_the_bank_transfer_page_tells_the_member_an_infected_slip_was_refused(client, member, scanning):
    sign_in(client, member.email)
    form = {
        "bank_account": "kbank",
        "amount": "1000",
        "transferred_at": "2026-11-25T09:30",
        "payer_name": "สมชาย ใจดี",
        "payer_bank": "SCB",
    }
    slip = SimpleUploadedFile(PERSONAL_NAME, EICAR, content_type="image/png")
    response = client.post("/wallet/top-up/bank-transfer/", {**form, "slip": slip})
    assert response.status_code == 200
    with translation.override("th"):
        assert escape(translation.gettext(INFECTED)) in response.content.decode()
    assert stored_slips() == [] and not TopUp.objects.exists()


@pytest.mark.parametrize(
    "content, name, max_bytes, error",
    [
        (b"<html><script>alert(1)</script></html>", "slip.png", 5 * 1024 * 1024, "JPEG, PNG, PDF"),
        (b"%PDF-" + EICAR, "big.pdf", 50, "MB"),  # too large: refused before it is even scanned
    ],
)
def test_wrong_type_and_oversize_slips_are_refused_with_nothing_stored(
    member, scanning, settings, caplog, content, name, max_bytes, error
):
    caplog.set_level(logging.INFO, logger="snshelper.security")
    settings.SLIP_MAX_BYTES = max_bytes
    with pytest.raises(UploadRefused) as refused:
        bank_top_up(member, slip=SimpleUploadedFile(name, content, content_type="image/png"))
    assert not isinstance(refused.value, UploadInfected | UploadNotCheckable)
    assert error in str(refused.value.message)
    assert stored_slips() == [] and not TopUp.objects.exists()
    lines = _security_lines(caplog)
    assert len(lines) == 1 and f"member={member.member_id}" in lines[0] and f"size={len(content)}" in lines[0]
    _assert_no_personal_data(lines, member)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("where", ["socket", "tcp"])
def test_clamd_configured_but_down_refuses_the_upload_and_stores_nothing(
    member, settings, caplog, tmp_path, where
):
    caplog.set_level(logging.INFO, logger="snshelper.security")
    if where == "socket":
        settings.CLAMD_SOCKET, settings.CLAMD_HOST = str(tmp_path / "no-clamd.sock"), ""
    else:
        settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", _free_port()
    with pytest.raises(UploadNotCheckable) as refused:
        bank_top_up(member, slip=png_slip(PERSONAL_NAME))
    assert str(refused.value.message) == translation.gettext(NOT_CHECKABLE)
    assert stored_slips() == [] and not TopUp.objects.exists()
    [line] = [r for r in caplog.records if r.name == "snshelper.security"]
    assert line.levelno == logging.ERROR and "scanner unavailable" in line.getMessage()
    assert f"member={member.member_id}" in line.getMessage()
    _assert_no_personal_data([line.getMessage()], member)


class _FakeClamd:
    """A TCP server that reads what it is sent and then answers ``reply`` (or nothing at all)."""

    def __init__(self, reply: bytes | None):
        self.reply = reply
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.server.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(0.2)
                data = b""
                while not data.endswith(b"\0\0\0\0") and not self.stop.is_set():
                    try:
                        chunk = conn.recv(65536)
                    except TimeoutError:
                        continue
                    if not chunk:
                        break
                    data += chunk
                if self.reply is not None:
                    conn.sendall(self.reply)
                else:
                    self.stop.wait(5)  # says nothing: the client must give up on its own

    def close(self):
        self.stop.set()
        self.thread.join(10)
        self.server.close()


@pytest.mark.parametrize("reply", [None, b"INSTREAM size limit exceeded. ERROR\0", b"garbage\0"])
def test_a_clamd_that_is_silent_or_answers_an_error_refuses_the_upload(member, settings, reply):
    fake = _FakeClamd(reply)
    try:
        settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", fake.port
        settings.CLAMD_TIMEOUT = 0.5
        started = time.monotonic()
        with pytest.raises(UploadNotCheckable):
            bank_top_up(member)
        assert time.monotonic() - started < 4  # bounded by CLAMD_TIMEOUT, not hanging
    finally:
        fake.close()
    assert stored_slips() == [] and not TopUp.objects.exists()


def test_without_clamd_configured_uploads_are_not_scanned(member, settings, monkeypatch):
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = "", ""

    def no_scan(stream):
        raise AssertionError("scanned although clamd is not configured")

    monkeypatch.setattr(clamav, "scan", no_scan)
    assert not clamav.configured()
    assert bank_top_up(member).slip
