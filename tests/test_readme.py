"""The README stands alone (issue 17): it opens with the two set-up commands, lists every setting the
code reads exactly once, links only to files that exist, and the numbers it gives about the demo are
the demo's own."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache

from snshelper.catalog.models import Service
from snshelper.demo import load as demo
from snshelper.orders.models import Order
from snshelper.wallet.models import TopUp

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}

# Variables the code reads that are not settings of the site, each with its reason.
NOT_SETTINGS = {
    "PYTEST_XDIST_WORKER": "set by the test runner for its own parallel workers",
}


def _read_by_code() -> set[str]:
    """Every environment variable the code and the scripts read."""
    pattern = re.compile(
        r"env\.\w+\(\s*\"([A-Z][A-Z0-9_]+)\"|os\.environ(?:\.get)?[\(\[]\s*\"([A-Z][A-Z0-9_]+)\""
        r"|getenv\(\s*\"([A-Z][A-Z0-9_]+)\""
    )
    names = set()
    for path in [*(ROOT / "snshelper").rglob("*.py"), ROOT / "manage.py"]:
        for match in pattern.finditer(path.read_text()):
            names.add(next(group for group in match.groups() if group))
    for script in (ROOT / "scripts").iterdir():
        if script.is_file():
            names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+):-", script.read_text()))
    return names - set(NOT_SETTINGS) - {"UV_PYTHON_DOWNLOADS"}  # uv's own switch, documented by uv


def _table_names() -> list[str]:
    """The variables named in the first column of the README's configuration table (a row may
    name several, or a family such as ``RETENTION_*_MONTHS``)."""
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = []
    for row in section.splitlines():
        if row.startswith("| `"):
            names += re.findall(r"`([A-Z][A-Z0-9_*]+)`", row.split(" | ")[0])
    return names


def _listed(name: str, table: list[str]) -> int:
    return sum(1 for entry in table if re.fullmatch(entry.replace("*", "[A-Z_]+"), name))


def test_the_readme_opens_with_the_two_set_up_commands():
    first_block = README.split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["scripts/demo", "scripts/test"]
    assert (ROOT / "scripts/demo").stat().st_mode & 0o111 and (ROOT / "scripts/test").stat().st_mode & 0o111


def test_every_setting_the_code_reads_is_in_the_configuration_table_once():
    table = _table_names()
    read = _read_by_code()
    assert len(read) > 40  # the scan finds the settings
    assert sorted(name for name in read if _listed(name, table) != 1) == []


def test_the_table_lists_no_setting_the_code_does_not_read():
    read = _read_by_code()
    stale = [entry for entry in _table_names() if not any(_listed(name, [entry]) for name in read)]
    assert stale == []


def test_a_missing_setting_would_be_found():
    table = [entry for entry in _table_names() if entry != "CLAMD_TIMEOUT"]
    assert _listed("CLAMD_TIMEOUT", table) == 0
    assert _listed("RETENTION_PAYMENT_MONTHS", _table_names()) == 1  # by its family's row


def test_every_file_the_readme_links_to_exists():
    targets = re.findall(r"\]\((?!https?://|#)([^)#]+)", README)
    assert targets
    assert [target for target in targets if not (ROOT / target).exists()] == []


@pytest.mark.django_db(transaction=False)
def test_the_numbers_the_readme_gives_about_the_demo_are_the_demos(settings):
    settings.HUEY = {**settings.HUEY, "immediate": True}
    cache.clear()
    demo.load_demo()
    member = demo.DEMO_MEMBER[0]

    def said(pattern: str) -> int:
        (found,) = re.findall(pattern, " ".join(README.split()))
        return int(found) if found.isdigit() else WORDS[found.lower()]

    orders = Order.objects.filter(member__email=member).count()
    assert said(r"demo member has a balance, (\w+) orders") == orders
    waiting = TopUp.objects.filter(member__email=member, status=TopUp.Status.PENDING_REVIEW).count()
    assert said(r"and (\w+) top-ups waiting for finance") == waiting
    assert said(r"catalogue holds (\w+) services") == Service.objects.count()
    by_provider = Service.objects.filter(fulfilment=Service.Fulfilment.PROVIDER).count()
    assert said(r"(\w+) demo services are fulfilled by it") == by_provider
