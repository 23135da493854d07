"""The published policy text. Until the privacy engine generates it from the registry, the
page shows the business's Thai policy as written (snshelper/privacy/policy/)."""

from functools import cache
from pathlib import Path

POLICY_TH = Path(__file__).parent / "policy" / "privacy-policy-th.txt"


@cache
def seed_blocks() -> list[dict]:
    """The policy as blocks: a short line that ends no sentence is a heading, the rest text."""
    blocks = []
    for raw in POLICY_TH.read_text(encoding="utf-8").split("\n\n"):
        lines = [line.strip() for line in raw.strip().splitlines() if line.strip()]
        if not lines:
            continue
        heading = len(lines) == 1 and len(lines[0]) <= 80 and not lines[0].endswith((".", ")"))
        blocks.append({"heading": heading, "lines": lines})
    return blocks
