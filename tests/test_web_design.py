"""The design system's rules a person notices (issue 17, docs/design.md): one primary button per
form, order states as coloured badges, empty lists that say so and offer the next step, masked values
in the body font (monospace fonts have no Thai glyphs)."""

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from snshelper.orders import services as orders
from snshelper.support import services as support
from snshelper.wallet import services as wallet
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parent.parent / "snshelper" / "web" / "static" / "web" / "site.css"
SECONDARY = {"button-secondary", "link-button"}


class _Forms(HTMLParser):
    """Each form's primary buttons (a submit button not styled secondary), by the form's action."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[str]]] = []
        self._open: list[str] | None = None
        self._label: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open = []
            if "language-switcher" not in (attrs.get("class") or ""):  # a choice of three, no action
                self.forms.append((attrs.get("action") or "", self._open))
        elif self._open is not None and tag in ("button", "input"):
            kind = attrs.get("type") or ("submit" if tag == "button" else "text")
            classes = set((attrs.get("class") or "").split())
            if kind == "submit" and not classes & SECONDARY:
                self._open.append(attrs.get("value") or attrs.get("name") or tag)

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


@pytest.fixture
def member_with_history(funded, make_service):
    service = make_service(rate=Decimal("43.23"))
    order = orders.place_order(
        member=funded, service=service, link="https://instagram.com/somchai", quantity=100
    )
    top_up = wallet.create_promptpay_top_up(member=funded, amount=Decimal("300"))
    consultation = support.open_consultation(
        member=funded, topic="order", subject="ยังไม่ครบ", body="สั่งเมื่อวาน", order=order
    )
    return funded, {
        "order": order,
        "pages": [
            "/dashboard/",
            "/orders/",
            "/orders/new/",
            f"/orders/{order.pk}/",
            "/orders/mass/",
            "/wallet/",
            "/wallet/top-up/promptpay/",
            "/wallet/top-up/bank-transfer/",
            f"/wallet/top-ups/{top_up.reference}/",
            "/wallet/withdraw/",
            "/support/",
            "/support/new/",
            f"/support/{consultation.number}/",
            "/notifications/",
            "/api/keys/",
            "/accounts/profile/",
            "/account/privacy/",
            "/privacy/cookies/",
        ],
    }


def test_every_form_on_a_members_pages_has_one_primary_button_at_most(client, member_with_history):
    member, history = member_with_history
    sign_in(client, member.email)
    crowded = []
    for path in history["pages"]:
        response = client.get(path)
        assert response.status_code == 200, path
        parser = _Forms()
        parser.feed(response.content.decode())
        crowded += [f"{path} {action}: {buttons}" for action, buttons in parser.forms if len(buttons) > 1]
    assert crowded == []


def test_order_states_are_badges_of_their_own_colour(client, member_with_history):
    member, history = member_with_history
    sign_in(client, member.email)
    page = client.get(f"/orders/{history['order'].pk}/").content.decode()
    assert 'class="status status-pending"' in page
    css = CSS.read_text()
    for state in ("pending", "in-progress", "completed", "partial", "canceled"):
        assert re.search(rf"\.status-{state}\b[^{{]*\{{[^}}]*background", css), state


def test_an_empty_list_says_so_and_offers_the_next_step(client, member):
    sign_in(client, member.email)
    page = client.get("/orders/").content.decode()
    assert re.search(r'<p class="empty-state">[^<]*<a class="button" href="/orders/new/"', page)
    assert page.count('class="empty-state"') == 1
    assert client.get("/wallet/").content.decode().count('class="empty-state"') == 2


def test_masked_values_are_written_in_the_body_font():
    rule = re.search(r"\.masked \{([^}]*)\}", CSS.read_text())
    assert rule and "monospace" not in rule[1] and "font-family: inherit" in rule[1]
