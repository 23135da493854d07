"""What an order costs: the one rule behind the new-order page's price, the charge of every order
(pages, mass orders, API v2 and v1, subscriptions' posts) and the demo's top-up.

The price the member sees is worked out by the same two functions as the charge, from the same
typed values, so the page can never show one price and charge another.
"""

from collections.abc import Sequence
from decimal import Decimal

from snshelper.catalog.models import Service


def units(
    *,
    service: Service,
    quantity: int | None,
    comments: Sequence[str] = (),
    usernames: Sequence[str] = (),
    hashtags: Sequence[str] = (),
) -> int | None:
    """The units one run of an order delivers, or None while the member has not said.

    A package is one unit; custom comments one a comment; mentions the quantity given, or else
    one a listed username (or, without usernames, a listed hashtag); every other type the
    quantity given. Lists are one item a line, blank ones already left out.
    """
    if service.type == Service.Type.PACKAGE:
        return 1
    if service.type == Service.Type.CUSTOM_COMMENTS:
        return len(comments)
    if service.type == Service.Type.MENTIONS and quantity is None:
        return len(usernames) or len(hashtags) or None
    return quantity


def charge(*, service: Service, quantity: int, runs: int | None = None) -> Decimal:
    """What ``quantity`` units a run, over ``runs`` drip-feed runs (None: one), cost.

    A package costs its rate (once, whatever its runs); anything else its rate per 1,000 units,
    to the fifth decimal, for each run.
    """
    if service.type == Service.Type.PACKAGE:
        return service.rate
    return service.price(quantity) * (runs or 1)


def quote(
    *,
    service: Service,
    quantity: int | None = None,
    runs: int | None = None,
    comments: Sequence[str] = (),
    usernames: Sequence[str] = (),
    hashtags: Sequence[str] = (),
) -> Decimal:
    """The live price of what a member has typed so far: ``charge`` of its ``units`` (zero units
    while none are given). For an order ``place_order`` accepts, exactly what it charges."""
    per_run = units(
        service=service, quantity=quantity, comments=comments, usernames=usernames, hashtags=hashtags
    )
    return charge(service=service, quantity=per_run or 0, runs=runs)
