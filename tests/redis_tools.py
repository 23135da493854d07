"""Redis for tests that need one of their own: a redis-server they start, stop and restart on a
free port (never the shared one on 6379), and a counter of the commands sent to Redis.

    from tests.redis_tools import count_redis_round_trips, own_redis  # noqa: F401 (a fixture)
"""

import contextlib
import shutil
import socket
import subprocess
import time

import pytest
import redis


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server this test started (no persistence): ``stop()`` and ``start()`` it at will."""

    def __init__(self):
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (our own argument list)
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            with contextlib.suppress(redis.exceptions.ConnectionError):
                if client.ping():
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        """Stops it the hard way (SIGKILL), as a crash would: the port refuses at once."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


@contextlib.contextmanager
def count_redis_round_trips(client: redis.Redis | None = None):
    """Counts the round trips to Redis while the block runs: each command, and each pipeline as
    one. ``client`` given: only that client's; else every client of the process (the cache's, the
    queue's, the limiter's). Yields a list that receives the commands' names."""
    sent: list[str] = []
    plain, pipeline = redis.Redis.execute_command, redis.client.Pipeline.execute

    def counted(self, *args, **kwargs):
        if client is None or self is client:
            sent.append(str(args[0]))
        return plain(self, *args, **kwargs)

    def counted_pipeline(self, *args, **kwargs):
        if client is None:
            sent.append("PIPELINE")
        return pipeline(self, *args, **kwargs)

    redis.Redis.execute_command = counted
    redis.client.Pipeline.execute = counted_pipeline
    try:
        yield sent
    finally:
        redis.Redis.execute_command = plain
        redis.client.Pipeline.execute = pipeline
