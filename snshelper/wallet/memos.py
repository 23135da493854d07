"""Ledger memos: a code and its parameters, rendered in the reader's language.

``build`` is the one function that makes a memo; ``ledger.post`` takes nothing else (a string is
refused). Each code declares its parameters and what each may hold — order and subscription
numbers, our own top-up and withdrawal references, an order's outcome, and, for a hand-made
adjustment, finance's reason — so a memo cannot carry a member's bank details: a payout's memo
is its reference, and a reason naming an account-length number is refused.

The memo is stored in the ``memo`` column as compact JSON (``{"code": …, "params": {…}}``): the
append-only ledger, the withdrawal's redaction (which empties the column) and raw-SQL posting keep
working on one column. ``render`` turns it into text in the active language on the member's
wallet page and in the member's data export; memos written before codes (plain English text)
are shown translated when they follow the old patterns, as they are otherwise.
"""

import json
import re
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from snshelper.wallet.errors import WalletError

ORDER_CHARGE = "order_charge"
SUBSCRIPTION_CHARGE = "subscription_charge"
ORDER_REFUND = "order_refund"
TOP_UP = "top_up"
DEMO_TOP_UP = "demo_top_up"
WITHDRAWAL = "withdrawal"
ADJUSTMENT = "adjustment"

REASON_MAX = 200
ACCOUNT_LENGTH = 10  # digits: Thai bank account numbers have 10 to 15 (and so do phone numbers)
_DIGIT_RUN = re.compile(r"\d(?:[\s.\-]*\d)+")
_REFERENCE = re.compile(r"^(TU|WD)-[A-Z0-9]{4,12}$")
OUTCOMES = {
    "partial": _("Refund of order #%(order)s (partly done)"),
    "canceled": _("Refund of order #%(order)s (canceled)"),
}


def _number(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"A memo's number must be a whole number, not {value!r}.")
    return value


def _reference(value) -> str:
    if not isinstance(value, str) or not _REFERENCE.match(value):
        raise ValueError("A memo's reference is one of our references (TU-…, WD-…), nothing else.")
    return value


def _outcome(value) -> str:
    if value not in OUTCOMES:
        raise ValueError(f"An order refund's outcome is one of {sorted(OUTCOMES)}, not {value!r}.")
    return value


def _reason(value) -> str:
    text = " ".join(str(value).split())
    if not text:
        raise WalletError(_("Give a reason for the adjustment."))
    if len(text) > REASON_MAX:
        raise WalletError(_("Keep the reason under %(count)s characters.") % {"count": REASON_MAX})
    for run in _DIGIT_RUN.findall(text):
        if sum(ch.isdigit() for ch in run) > ACCOUNT_LENGTH:
            raise WalletError(
                _(
                    "Do not write a bank account number in the reason: it would stay in the ledger."
                    " Give the withdrawal or top-up reference instead."
                )
            )
    return text


# code → (its parameters and how each is checked, its text with those parameters)
CODES = {
    ORDER_CHARGE: ({"order": _number}, _("Order #%(order)s")),
    SUBSCRIPTION_CHARGE: (
        {"order": _number, "subscription": _number},
        _("Order #%(order)s (subscription #%(subscription)s)"),
    ),
    ORDER_REFUND: ({"order": _number, "outcome": _outcome}, None),  # worded by outcome
    TOP_UP: ({"reference": _reference}, _("Top-up %(reference)s")),
    DEMO_TOP_UP: ({}, _("Demo top-up")),
    WITHDRAWAL: ({"reference": _reference}, _("Withdrawal %(reference)s")),
    ADJUSTMENT: ({"reason": _reason}, _("Adjustment: %(reason)s")),
}


class Memo(NamedTuple):
    code: str
    params: dict

    @property
    def stored(self) -> str:
        """The text kept in the ledger's ``memo`` column."""
        return json.dumps(
            {"code": self.code, "params": self.params}, ensure_ascii=False, separators=(",", ":")
        )


def build(code: str, **params) -> Memo:
    """The memo of a ledger transaction: ``code`` with exactly its parameters, each checked."""
    if code not in CODES:
        raise ValueError(f"Unknown memo code {code!r}.")
    checks, _text = CODES[code]
    if set(params) != set(checks):
        raise ValueError(f"A {code} memo takes {sorted(checks)}, not {sorted(params)}.")
    return Memo(code, {name: checks[name](value) for name, value in params.items()})


def stored(memo: Memo | None) -> str:
    """What ``ledger.post`` writes: a built memo's JSON, or nothing. Free text is refused."""
    if memo is None or memo == "":
        return ""
    if not isinstance(memo, Memo):
        raise TypeError("A ledger memo is made by wallet.memos.build, never free text.")
    text = memo.stored
    if len(text) > 300:
        raise ValueError("A memo does not fit the ledger's memo column.")
    return text


def parse(text: str) -> Memo | None:
    """The code and parameters of a stored memo (None for an empty or an old free-text memo)."""
    if not text or not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
        return Memo(data["code"], dict(data["params"]))
    except (ValueError, KeyError, TypeError):
        return None


_OLD = [  # memos written before codes, by the code of the time
    (
        re.compile(r"^Order #(\d+) \(subscription #(\d+)\)$"),
        lambda m: build(SUBSCRIPTION_CHARGE, order=int(m[1]), subscription=int(m[2])),
    ),
    (re.compile(r"^Order #(\d+)$"), lambda m: build(ORDER_CHARGE, order=int(m[1]))),
    (
        re.compile(r"^Order #(\d+) (partial|canceled)$", re.I),
        lambda m: build(ORDER_REFUND, order=int(m[1]), outcome=m[2].lower()),
    ),
    (re.compile(r"^(TU-[A-Z0-9]{4,12})$"), lambda m: build(TOP_UP, reference=m[1])),
    (re.compile(r"^(WD-[A-Z0-9]{4,12})$"), lambda m: build(WITHDRAWAL, reference=m[1])),
    (re.compile(r"^Demo top-up$"), lambda m: build(DEMO_TOP_UP)),
]


def render(text: str) -> str:
    """A stored memo as text in the active language."""
    memo = parse(text)
    if memo is None:
        for pattern, make in _OLD:
            match = pattern.match(text or "")
            if match:
                memo = make(match)
                break
        else:
            return text or ""
    if memo.code not in CODES:
        return ""
    if memo.code == ORDER_REFUND:
        template = OUTCOMES.get(memo.params.get("outcome"))
    else:
        template = CODES[memo.code][1]
    try:
        return str(template) % memo.params if memo.params else str(template)
    except (KeyError, TypeError, ValueError):
        return ""
