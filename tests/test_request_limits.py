"""Cheap refusals first (issue 16): a body over its declared limit, or from an address locked out
for guessing keys, is refused before it is read.

Each test sends only the request's head and the first kilobyte of a body it declares much larger,
then waits for the answer: a server that reads the body before refusing never answers (the rest
never comes), so the test fails on its timeout, as it did before the fix.
"""

import json
import socket

import pytest
from django.utils import translation

from snshelper.api import services as api_services
from snshelper.api.errors import InvalidApiKey
from snshelper.web import errors

pytestmark = pytest.mark.django_db(transaction=True)

MB = 1024 * 1024


def _send_head_only(url: str, path: str, *, length: int, headers: dict | None = None, first: bytes = b""):
    """POST ``path`` declaring ``length`` bytes of multipart body, send only the first ones, and
    read the answer: (status, headers, body). A timeout means the server waited for the body."""
    host, port = url.removeprefix("http://").split(":")
    boundary = "----limits"
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        f"Content-Type: multipart/form-data; boundary={boundary}",
        f"Content-Length: {length}",
        "Accept-Language: th",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    start = first or (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'.encode()
        + b"x" * 1024
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall("\r\n".join(head).encode() + b"\r\n\r\n" + start)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection without answering"
            received += chunk
        top, _, body = received.partition(b"\r\n\r\n")
        lines = top.decode("latin-1").split("\r\n")
        answer_headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        # Without a Content-Length the body ends when the server closes the connection (its
        # headers and its body may come in separate packets).
        size = int(answer_headers.get("content-length", "-1"))
        while size < 0 or len(body) < size:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return int(lines[0].split()[1]), answer_headers, body


def _v2_start(key: str) -> bytes:
    boundary = "----limits"
    fields = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in (("key", key), ("action", "balance"))
    )
    return fields + f'--{boundary}\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\n'.encode()


def test_a_30_mb_upload_with_a_wrong_key_is_refused_before_it_is_read(live_server):
    status, headers, body = _send_head_only(
        live_server.url, "/api/v2", length=30 * MB, first=_v2_start("wrong-key") + b"x" * 1024
    )
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"error": "Request too large"}


def test_the_v1_api_refuses_a_large_body_before_reading_it_too(live_server):
    status, _, body = _send_head_only(
        live_server.url, "/api/v1/orders", length=30 * MB, headers={"Authorization": "Bearer wrong"}
    )
    assert (status, json.loads(body)) == (413, {"error": "Request too large"})


def test_a_v1_body_under_the_limit_is_not_read_when_the_key_is_wrong(live_server):
    status, _, body = _send_head_only(
        live_server.url, "/api/v1/orders", length=2 * MB, headers={"Authorization": "Bearer wrong"}
    )
    assert (status, json.loads(body)) == (401, {"error": "Invalid API key"})


def test_a_locked_out_address_is_refused_before_its_upload_is_read(live_server, member, settings):
    settings.API_KEY_FAILURE_RATE = "2/600"
    for attempt in range(2):
        with pytest.raises(InvalidApiKey):
            api_services.authenticate(secret=f"guess-{attempt}", ip="127.0.0.1")
    secret = api_services.create_key(member=member, name="panel").secret

    status, headers, body = _send_head_only(
        live_server.url, "/api/v2", length=2 * MB, first=_v2_start(secret) + b"x" * 1024
    )
    assert (status, json.loads(body)) == (429, {"error": "Too many requests"})
    assert 1 <= int(headers["retry-after"]) <= 600


def test_a_page_refuses_a_body_over_its_limit_with_a_page_in_the_visitors_language(live_server):
    status, headers, body = _send_head_only(live_server.url, "/accounts/login/", length=30 * MB)
    assert status == 413
    assert headers["content-type"].startswith("text/html")
    with translation.override("th"):
        assert str(errors.TOO_LARGE.heading) in body.decode()


def test_a_body_within_the_limits_is_served_as_before(client, settings):
    settings.API_REQUEST_MAX_BYTES = 100
    small = client.post("/api/v2", "key=k&action=balance", content_type="application/x-www-form-urlencoded")
    assert small.status_code == 200 and small.json() == {"error": "Invalid API key"}
    big = client.post("/api/v2", "key=k&action=balance&" + "x" * 200, content_type="application/json")
    assert (big.status_code, big.json()) == (413, {"error": "Request too large"})
