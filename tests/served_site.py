"""The site served as in production (granian, 2 worker processes) on a SQLite file of its own, for
tests that need real concurrency across processes (the test database is an in-memory SQLite that
locks whole tables instead of waiting, unlike a file).

    from tests.served_site import migrated_var, served_site  # noqa: F401 (fixtures)
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(var_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV")}
    env.update(SNSHELPER_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="snshelper.settings", **extra)
    return env


def manage(var_dir: Path, *args: str, **env) -> str:
    done = subprocess.run(  # noqa: S603 (our own argument list)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(var_dir, **env),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="session")
def migrated_var(tmp_path_factory) -> Path:
    """A var/ directory with a migrated SQLite database and the static files, made once per session."""
    var_dir = tmp_path_factory.mktemp("served-var")
    manage(var_dir, "migrate", "-v0")
    manage(var_dir, "collectstatic", "--noinput", "-v0")
    return var_dir


class ServedSite:
    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def shell(self, code: str, **env) -> str:
        return manage(self.var_dir, "shell", "--no-imports", "-c", code, **env).strip()

    def api_key(self) -> str:
        """A new member's API key (its secret)."""
        return self.shell(
            "from snshelper.accounts import services as a; from snshelper.api import services as k; "
            "import uuid; m = a.register_member(email=f'{uuid.uuid4().hex}@example.test', name='Reseller', "
            "password='a-long-test-password-42', verified=True); "
            "print(k.create_key(member=m, name='panel').secret)"
        ).splitlines()[-1]

    def start(self, **env) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (our own argument list)
            [sys.executable, "-m", "granian", "--interface", "wsgi", "snshelper.wsgi:application"]
            + ["--host", "127.0.0.1", "--port", str(self.port), "--workers", "2", "--blocking-threads", "8"],
            cwd=ROOT,
            env=_env(self.var_dir, **env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(600):
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code in (200, 503):
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the served site did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def served_site(migrated_var, tmp_path):
    """A fresh copy of the migrated database, served; ``.start(**env)`` it with the settings the
    test needs (environment variables)."""
    var_dir = tmp_path / "var"
    shutil.copytree(migrated_var, var_dir)
    site = ServedSite(var_dir)
    yield site
    site.stop()
