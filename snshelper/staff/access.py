"""The permission matrix (policy P16, least privilege): which staff role may open which staff page and
reveal which personal-data field. This is the one place that says so; ``StaffAccessMiddleware``
checks every staff page against ``PAGES`` (the views keep their own ``permission_required`` checks as
a second line, and ``tests/test_staff_access_matrix.py`` proves both agree), and
``snshelper.staff.reveals`` checks ``FIELDS`` before a masked value is shown.

A staff page is any URL under ``/staff/``, ``/wallet/staff/`` or ``/admin/``. The back office's own
pages are in ``ADMIN_PAGES`` and its model pages in ``ADMIN_MODELS`` (model × action), which the
admin site's permission checks follow too (``admin_site.StaffAdminSite``). A staff URL the matrix
does not name is refused to everybody (fail closed) and makes the generated test fail.
"""

import re

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver

from snshelper.privacy import registry
from snshelper.staff.roles import ADMINISTRATOR, FINANCE, MARKETING, PRIVACY_OFFICER, ROLES, SUPPORT

ALL_ROLES = frozenset(ROLES)
_MARKETING = frozenset({MARKETING})
_FINANCE = frozenset({FINANCE})
_PRIVACY = frozenset({PRIVACY_OFFICER})
_ADMIN = frozenset({ADMINISTRATOR})

# url name ("namespace:name") → the roles that may open it.
PAGES: dict[str, frozenset[str]] = {
    # Every staff member: the security pledge (P17). The back office's pages: ADMIN_PAGES below.
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
    # --- Support: consultations (issue 8) ---
    # Support answers consultations; the privacy officer reads complaints and privacy consultations.
    "support_staff:queue": frozenset({SUPPORT}) | _PRIVACY,
    "support_staff:detail": frozenset({SUPPORT}) | _PRIVACY,
    "support_staff:attachment": frozenset({SUPPORT}) | _PRIVACY,
    "support_staff:reply": frozenset({SUPPORT}),
    "support_staff:assign": frozenset({SUPPORT}),
    "support_staff:close": frozenset({SUPPORT}),
    "support_staff:reopen": frozenset({SUPPORT}),
    "support_staff:flag": frozenset({SUPPORT}),
    "support_staff:canned_list": frozenset({SUPPORT}),
    "support_staff:canned_new": frozenset({SUPPORT}),
    "support_staff:canned_edit": frozenset({SUPPORT}),
    # --- Staff dashboard and announcements (issue 8) ---
    # Every staff member opens the dashboard; each panel is scoped by role (staff.dashboard.PANELS).
    "staff:dashboard": ALL_ROLES,
    # Marketing (price changes, service news) and administrators publish announcements.
    "announcements_staff:list": _MARKETING | _ADMIN,
    "announcements_staff:new": _MARKETING | _ADMIN,
    "announcements_staff:edit": _MARKETING | _ADMIN,
    "announcements_staff:end": _MARKETING | _ADMIN,
    # --- Pages staff write: terms of service, FAQ, guides (issue 18) ---
    "pages_staff:list": _MARKETING | _ADMIN,
    "pages_staff:new": _MARKETING | _ADMIN,
    "pages_staff:edit": _MARKETING | _ADMIN,
    # --- Maintenance mode: administrators switch it (issue 18) ---
    "maintenance_staff:switch": _ADMIN,
    "maintenance_staff:off": _ADMIN,
}

# The Django admin (the back office): its own pages, then its model pages by model and action.
ADMIN_PAGES: dict[str, frozenset[str]] = {
    "admin:index": ALL_ROLES,
    "admin:app_list": ALL_ROLES,  # lists only the models the viewer may open
    "admin:jsi18n": ALL_ROLES,
    # Signing in is allauth's (with MFA): visitors are sent there, the signed-in have no use for it.
    "admin:login": frozenset(),
    "admin:logout": ALL_ROLES,
    # Passwords change on the account pages (allauth, re-authentication); no object links out.
    "admin:password_change": frozenset(),
    "admin:password_change_done": frozenset(),
    "admin:view_on_site": frozenset(),
    "admin:autocomplete": frozenset(),
}
# "app_label.modelname" → admin action (view, add, change, delete) → the roles that may. A model
# registered in the admin but missing here is refused to everybody and fails the suite.
ADMIN_MODELS: dict[str, dict[str, frozenset[str]]] = {
    # The catalogue: administrators; disabled, never deleted (orders point at what was sold).
    "catalog.platform": {"view": _ADMIN, "add": _ADMIN, "change": _ADMIN},
    "catalog.category": {"view": _ADMIN, "add": _ADMIN, "change": _ADMIN},
    "catalog.service": {"view": _ADMIN, "add": _ADMIN, "change": _ADMIN},
    "web.announcement": {"view": _ADMIN, "add": _ADMIN, "change": _ADMIN, "delete": _ADMIN},
    # Accounts and roles, without name, email or phone on the page (administrators reveal by rule).
    "accounts.member": {"view": _ADMIN, "change": _ADMIN},
    # Login records with the address masked: the privacy officer, read only.
    "accounts.loginrecord": {"view": _PRIVACY},
    # Nobody: roles are code (roles.ROLES, synced after migrate); email addresses, MFA secrets and
    # linked LINE accounts are personal data shown only through the staff pages' reveal rule; LINE
    # Login's channel secret lives in the settings (the environment), not in the database.
    "auth.group": {},
    "account.emailaddress": {},
    "mfa.authenticator": {},
    "socialaccount.socialapp": {},
    "socialaccount.socialtoken": {},
    "socialaccount.socialaccount": {},
}
_ADMIN_MODEL_URL = re.compile(
    r"^admin:(?P<app>[a-z0-9]+)_(?P<model>[a-z0-9]+)_(?P<action>changelist|add|change|delete|history)$"
)
_ADMIN_ACTION = {"changelist": "view", "history": "view", "add": "add", "change": "view", "delete": "delete"}

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

STAFF_PREFIXES = ("staff/", "wallet/staff/", "admin/")


def is_staff_route(route: str) -> bool:
    return route.startswith(STAFF_PREFIXES)


def roles_of(user) -> frozenset[str]:
    """The staff roles ``user`` holds (none for anonymous visitors and members)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return frozenset()
    return frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))


def may_admin(user, model: str, action: str) -> bool:
    """Whether ``user`` may ``action`` (view, add, change, delete) ``model`` in the admin. Whoever
    may change may view."""
    actions = ADMIN_MODELS.get(model, {})
    allowed = actions.get(action, frozenset())
    if action == "view":
        allowed |= actions.get("change", frozenset())
    return bool(roles_of(user) & allowed)


def _admin_model_route(route: str) -> tuple[str, str] | None:
    """(model, action) of an unnamed admin route: an object's old address (view) or the catch-all."""
    match = re.match(r"^admin/(?P<app>[^/]+)/(?P<model>[^/]+)/<path:object_id>/$", route)
    return (f"{match['app']}.{match['model']}", "view") if match else None


def page_roles(url_name: str, route: str = "") -> frozenset[str] | None:
    """The roles the matrix lets open a staff page; None when the matrix does not know it."""
    if url_name in PAGES:
        return PAGES[url_name]
    if url_name in ADMIN_PAGES:
        return ADMIN_PAGES[url_name]
    target = None
    if match := _ADMIN_MODEL_URL.match(url_name or ""):
        target = (f"{match['app']}.{match['model']}", _ADMIN_ACTION[match["action"]])
    elif not url_name:
        if route == r"admin/(?P<url>.*)$":
            return ALL_ROLES  # the admin's own "not found" answer
        target = _admin_model_route(route)
    if target is None or target[0] not in ADMIN_MODELS:
        return None
    model, action = target
    actions = ADMIN_MODELS[model]
    allowed = actions.get(action, frozenset())
    if action == "view":
        allowed |= actions.get("change", frozenset())
    return allowed


def may_open(user, url_name: str, route: str = "") -> bool:
    return bool(roles_of(user) & (page_roles(url_name, route) or frozenset()))


def _registered(field: str) -> bool:
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
    return sorted({name or route for route, name in staff_urls(urlconf) if page_roles(name, route) is None})


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
        if not may_open(request.user, match.view_name if match.url_name else "", match.route):
            raise PermissionDenied
        return None
