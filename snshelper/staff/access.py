"""The permission matrix (policy P16, least privilege): which staff role may open which staff page and
reveal which personal-data field. This is the one place that says so; ``StaffAccessMiddleware``
checks every staff page against ``PAGES`` (the views keep their own ``permission_required`` checks as
a second line, and ``tests/test_staff_access_matrix.py`` proves both agree), and
``snshelper.staff.reveals`` checks ``FIELDS`` before a masked value is shown.

A staff page is any URL under ``/staff/`` or ``/wallet/staff/``, plus the back-office index
(``/admin/``); the back office's model pages are gated by the model permissions that ``roles.ROLES``
gives each role. A staff URL missing from ``PAGES`` is refused to everybody (fail closed) and makes
the generated test fail.
"""

import re

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver

from snshelper.staff.roles import ADMINISTRATOR, FINANCE, MARKETING, PRIVACY_OFFICER, ROLES, SUPPORT

ALL_ROLES = frozenset(ROLES)
_MARKETING = frozenset({MARKETING})
_FINANCE = frozenset({FINANCE})
_PRIVACY = frozenset({PRIVACY_OFFICER})
_ADMIN = frozenset({ADMINISTRATOR})

# url name ("namespace:name") → the roles that may open it.
PAGES: dict[str, frozenset[str]] = {
    # Every staff member: the back-office index and the security pledge (P17).
    "admin:index": ALL_ROLES,
    "staff:pledge": ALL_ROLES,
    # Administrators manage staff records (P17).
    "staff:people": _ADMIN,
    "staff:training_new": _ADMIN,
    "staff:hand_over_new": _ADMIN,
    # The privacy officer searches the reveal log (P16).
    "staff:reveals": _PRIVACY,
    "staff:reveals_report": _PRIVACY,
    # Marketing fulfils orders: link and quantity, the member's ID only.
    "orders_staff:queue": _MARKETING,
    "orders_staff:act": _MARKETING,
    "orders_staff:refill": _MARKETING,
    "orders_staff:cancel": _MARKETING,
    "orders_staff:deliver_run": _MARKETING,
    # Providers: administrators manage them; marketing sees the overview and acts on forwarded orders.
    "providers_staff:overview": _MARKETING | _ADMIN,
    "providers_staff:order_action": _MARKETING | _ADMIN,
    "providers_staff:add": _ADMIN,
    "providers_staff:detail": _ADMIN,
    "providers_staff:edit": _ADMIN,
    "providers_staff:sync": _ADMIN,
    "providers_staff:import": _ADMIN,
    "providers_staff:map": _ADMIN,
    "providers_staff:change": _ADMIN,
    # Finance: top-ups, payouts, balance adjustments (bank data needed for them).
    "wallet:staff_top_ups": _FINANCE,
    "wallet:staff_approve": _FINANCE,
    "wallet:staff_reject": _FINANCE,
    "wallet:staff_slip": _FINANCE,
    "wallet:staff_withdrawals": _FINANCE,
    "wallet:staff_withdrawal": _FINANCE,
    "wallet:staff_adjust": _FINANCE,
    # The privacy officer: requests, disclosures, withdrawals, policy, retention, breaches.
    "privacy_staff:desk": _PRIVACY,
    "privacy_staff:request": _PRIVACY,
    "privacy_staff:inquiry": _PRIVACY,
    "privacy_staff:disclosures": _PRIVACY,
    "privacy_staff:disclosure_new": _PRIVACY,
    "privacy_staff:disclosure": _PRIVACY,
    "privacy_staff:disclosure_bundle": _PRIVACY,
    "privacy_staff:notice_sent": _PRIVACY,
    "privacy_staff:withdrawn:store": _PRIVACY,
    "privacy_staff:withdrawn:matches": _PRIVACY,
    "privacy_staff:withdrawn:review_match": _PRIVACY,
    "privacy_staff:policy:publish": _PRIVACY,
    "privacy_staff:retention:rules": _PRIVACY,
    "privacy_staff:retention:log": _PRIVACY,
    "privacy_staff:retention:holds": _PRIVACY,
    "privacy_staff:retention:release": _PRIVACY,
    "privacy_staff:breaches:list": _PRIVACY,
    "privacy_staff:breaches:new": _PRIVACY,
    "privacy_staff:breaches:detail": _PRIVACY,
}

# "app_label.Model.field" → the roles that may reveal it (masked on staff pages until then).
FIELDS: dict[str, frozenset[str]] = {
    "accounts.Member.email": _PRIVACY | frozenset({SUPPORT}),
    "accounts.Member.phone": _PRIVACY | frozenset({SUPPORT}),
    "wallet.Withdrawal.account_number": _FINANCE,
    "wallet.Withdrawal.account_holder": _FINANCE,
    "wallet.RefundBankAccount.account_number": _FINANCE,
    "wallet.RefundBankAccount.account_holder": _FINANCE,
    "wallet.TopUp.payer_name": _FINANCE,
}

STAFF_PREFIXES = ("staff/", "wallet/staff/")
ADMIN_INDEX_ROUTE = "admin/"


def is_staff_route(route: str) -> bool:
    return route.startswith(STAFF_PREFIXES) or route == ADMIN_INDEX_ROUTE


def roles_of(user) -> frozenset[str]:
    """The staff roles ``user`` holds (none for anonymous visitors and members)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return frozenset()
    return frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))


def may_open(user, url_name: str) -> bool:
    return bool(roles_of(user) & PAGES.get(url_name, frozenset()))


def _registered(field: str) -> bool:
    from snshelper.privacy import registry

    label, _dot, name = field.rpartition(".")
    return registry.declaration(label, name) is not None


def revealers(field: str) -> frozenset[str]:
    """Roles that may reveal ``field``: those FIELDS names, and for any other registered personal
    field the privacy officer alone (requests, disclosures and breaches may concern any field)."""
    if field in FIELDS:
        return FIELDS[field]
    return _PRIVACY if _registered(field) else frozenset()


def revealable(field: str) -> bool:
    return bool(revealers(field))


def may_reveal(user, field: str) -> bool:
    return bool(roles_of(user) & revealers(field))


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield route, f"{namespace}{entry.name}"
        elif isinstance(entry, URLPattern):
            yield route, ""


def staff_urls(urlconf=None) -> list[tuple[str, str]]:
    """Every staff URL of the tree as (route, url name); unnamed ones have an empty name."""
    return [
        (route, name) for route, name in _walk(get_resolver(urlconf).url_patterns) if is_staff_route(route)
    ]


def unlisted_staff_urls(urlconf=None) -> list[str]:
    """Staff URLs the matrix does not name: each is refused to everybody, and a failing test."""
    return sorted({name or route for route, name in staff_urls(urlconf) if name not in PAGES})


def sample_path(route: str) -> str:
    """A concrete path for a route: integer parameters become 1, others "x"."""
    path = re.sub(r"<int:[^>]+>", "1", route)
    return "/" + re.sub(r"<[^>]+>", "x", path)


class StaffAccessMiddleware:
    """Checks every staff page against ``PAGES``: anonymous visitors go to sign in, anybody whose
    roles the matrix does not name for the page (or for a page the matrix does not know) is refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not is_staff_route(match.route):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_open(request.user, match.view_name):
            raise PermissionDenied
        return None
