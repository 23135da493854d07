"""scripts/serve sizes granian from the CPUs, with backpressure and worker respawn."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from granian.cli import cli

from snshelper.core import serving

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("cpus", "workers"), [(1, 1), (2, 2), (8, 8)])
def test_one_worker_per_cpu_with_as_many_requests_taken_in_as_threads(cpus, workers):
    sizing = serving.sizing(env={}, cpu_count=cpus)
    assert (sizing.workers, sizing.threads, sizing.backpressure) == (workers, 4, 4)
    options = sizing.granian_options()
    assert "--respawn-failed-workers" in options and f"--workers={workers}" in options


def test_the_operator_overrides_each_number_and_a_wrong_one_stops_the_script():
    env = {"WEB_WORKERS": "3", "WEB_THREADS": "6", "WEB_WORKER_LIFETIME": "12h", "WEB_WORKER_MAX_RSS": "900"}
    sizing = serving.sizing(env=env, cpu_count=2)
    assert (sizing.workers, sizing.threads, sizing.backpressure) == (3, 6, 6)
    assert "--workers-lifetime=12h" in sizing.granian_options()
    for wrong in ("0", "two", "-1"):
        with pytest.raises(SystemExit, match="WEB_THREADS"):
            serving.sizing(env={"WEB_THREADS": wrong}, cpu_count=2)


def test_granian_accepts_the_options():
    options = serving.sizing(
        env={"WEB_WORKER_LIFETIME": "12h", "WEB_WORKER_MAX_RSS": "900"}
    ).granian_options()
    params = cli.make_context(
        "granian", ["--interface", "wsgi", "snshelper.wsgi:application", *options]
    ).params
    assert params["workers"] == serving.cpus() and params["backpressure"] == params["blocking_threads"] == 4
    assert params["respawn_failed_workers"] is True and params["workers_max_rss"] == 900


def test_the_script_serves_with_the_computed_options():
    script = (ROOT / "scripts" / "serve").read_text()
    assert "python -m snshelper.core.serving" in script and '"${sizing[@]}"' in script


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_worker_that_dies_is_started_again():
    port = _free_port()
    options = serving.sizing(env={"WEB_WORKERS": "1"}).granian_options()
    server = subprocess.Popen(  # noqa: S603 - our interpreter, granian
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *options,
            "tests.serving_app:application",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def worker_pid(timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return int(httpx.get(f"http://127.0.0.1:{port}/", timeout=5).text)
            except (httpx.TransportError, ValueError):
                time.sleep(0.2)
        raise AssertionError("granian did not answer")

    try:
        first = worker_pid()
        os.kill(first, signal.SIGKILL)
        second = worker_pid()
        assert second != first and server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
