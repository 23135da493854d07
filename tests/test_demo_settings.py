"""The demo tells the truth about itself (issue 17): links in its mail follow the port it serves
on, and its console shows mail rather than the job queue's chatter."""

import logging
import re
import subprocess
import sys

from tests.test_operations import ROOT, _clean_env, _django

CONSOLE_MAIL = re.compile(r"MIME-Version: 1\.0\n(.*?)\n-{79}", re.S)
LINK = re.compile(r"https?://[^\s\"'<>]+")


def test_site_url_follows_port_unless_set(tmp_path):
    code = "from django.conf import settings; print(settings.SITE_URL)"
    assert _django(code, tmp_path, PORT="8311").stdout.split()[-1] == "http://127.0.0.1:8311"
    assert _django(code, tmp_path).stdout.split()[-1] == "http://127.0.0.1:8000"
    explicit = _django(code, tmp_path, PORT="8311", SITE_URL="https://shop.example/")
    assert explicit.stdout.split()[-1] == "https://shop.example"


def test_every_link_in_every_mail_the_demo_sends_points_at_its_port(tmp_path):
    """`PORT=8311 scripts/demo`: the demo data's notices go out as mail (jobs run at once here)."""
    env = {**_clean_env(), "SNSHELPER_VAR_DIR": str(tmp_path), "PORT": "8311", "HUEY_IMMEDIATE": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    loaded = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert loaded.returncode == 0, loaded.stderr
    mails = CONSOLE_MAIL.findall(loaded.stdout)
    links = [link for mail in mails for link in LINK.findall(mail)]
    assert len(mails) >= 10 and len(links) >= len(mails)
    assert [link for link in links if not link.startswith("http://127.0.0.1:8311/")] == []


def test_the_queues_job_lines_are_shown_only_when_asked(tmp_path):
    code = "import logging; print(logging.getLogger('huey').getEffectiveLevel(), logging.getLogger().level)"
    assert _django(code, tmp_path).stdout.split()[-2:] == [str(logging.WARNING), str(logging.INFO)]
    assert _django(code, tmp_path, LOG_LEVEL="INFO").stdout.split()[-2:] == [str(logging.INFO)] * 2
