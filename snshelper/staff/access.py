"""Who may open which staff page and reveal which personal-data field (policy P16, least privilege).

A staff page is any URL under ``/staff/``, ``/wallet/staff/`` or ``/admin/``. Each of our staff
views declares, once and next to itself, the roles that may open it::

    @staff_page(MARKETING, ADMINISTRATOR)
    def overview(request): ...

That declaration guards the view, and it is the matrix: walking the URL tree, a staff URL's roles
are its view's declaration (``matrix()``, printed by ``manage.py access_matrix``), and
``StaffAccessMiddleware`` applies the same declaration to every staff URL before the view runs.
The Django admin's pages are not our views: they are declared here, its own pages in
``ADMIN_PAGES`` and its model pages in ``ADMIN_MODELS`` (model × action), which the admin site's
permission checks follow too (``admin_site.StaffAdminSite``). A staff URL that nothing declares is
refused to everybody (fail closed) and makes ``tests/test_staff_access_matrix.py`` fail.

``FIELDS`` says who may reveal which personal-data field; ``snshelper.staff.reveals`` checks it
before a masked value is shown. Every check reads the viewer's roles through
``selectors.roles_of``, which reads them once per request.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver

from snshelper.privacy import registry
from snshelper.staff.roles import ADMINISTRATOR, FINANCE, PRIVACY_OFFICER, ROLES, SUPPORT
from snshelper.staff.selectors import roles_of

ALL_ROLES = frozenset(ROLES)
_FINANCE = frozenset({FINANCE})
_PRIVACY = frozenset({PRIVACY_OFFICER})
_ADMIN = frozenset({ADMINISTRATOR})

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
_DECLARED = "staff_roles"  # the attribute ``staff_page`` sets on the view it guards


def is_staff_route(route: str) -> bool:
    return route.startswith(STAFF_PREFIXES)


# --- Our staff pages: declared on the view ---------------------------------------------------------


def staff_page(*allowed: str):
    """Declare the roles that may open a staff view. The view is guarded (visitors go to sign in,
    anybody without one of the roles is refused) and the declaration is what the matrix reports for
    every URL the view serves."""
    roles = frozenset(allowed)
    if not roles or not roles <= ALL_ROLES:
        raise ImproperlyConfigured(f"staff_page() takes one or more of {sorted(ALL_ROLES)}, not {allowed}")

    def declare(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            refused = _gate(request, roles)
            if refused is not None:
                return refused
            return view(request, *args, **kwargs)

        setattr(guarded, _DECLARED, roles)
        return guarded

    return declare


def declared_roles(view) -> frozenset[str] | None:
    """The roles a view's ``staff_page`` declaration names; None for a view that declares nothing."""
    return getattr(view, _DECLARED, None)


def _gate(request, allowed: frozenset[str]):
    """None when the viewer may pass; a redirect to sign in for visitors; refused otherwise."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not roles_of(request.user) & allowed:
        raise PermissionDenied
    return None


# --- The admin's pages: declared here ----------------------------------------------------------------


def may_admin(user, model: str, action: str) -> bool:
    """Whether ``user`` may ``action`` (view, add, change, delete) ``model`` in the admin. Whoever
    may change may view."""
    return bool(roles_of(user) & _admin_model_roles(model, action))


def _admin_model_roles(model: str, action: str) -> frozenset[str]:
    actions = ADMIN_MODELS.get(model, {})
    allowed = actions.get(action, frozenset())
    if action == "view":
        allowed |= actions.get("change", frozenset())
    return allowed


def _admin_model_route(route: str) -> tuple[str, str] | None:
    """(model, action) of an unnamed admin route: an object's old address (view) or the catch-all."""
    match = re.match(r"^admin/(?P<app>[^/]+)/(?P<model>[^/]+)/<path:object_id>/$", route)
    return (f"{match['app']}.{match['model']}", "view") if match else None


def _admin_page_roles(url_name: str, route: str) -> frozenset[str] | None:
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
    return _admin_model_roles(*target)


# --- The matrix: every staff URL and who may open it ---------------------------------------------------


def page_roles(url_name: str, route: str, view=None) -> frozenset[str] | None:
    """The roles that may open a staff page: its view's declaration, or for the admin's pages the
    admin matrix; None when nothing declares it (then nobody may)."""
    declared = declared_roles(view)
    if declared is not None:
        return declared
    if route.startswith("admin/"):
        return _admin_page_roles(url_name, route)
    return None


@dataclass(frozen=True)
class Page:
    """One URL of the tree: its route, its name and the view that serves it."""

    route: str
    name: str  # "namespace:name"; empty for an unnamed route
    view: Callable

    @property
    def roles(self) -> frozenset[str] | None:
        return page_roles(self.name, self.route, self.view)


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield Page(route, f"{namespace}{entry.name}" if entry.name else "", entry.callback)


def all_urls(urlconf=None) -> list[Page]:
    """Every URL of the tree (staff or not), with its view."""
    return list(_walk(get_resolver(urlconf).url_patterns))


def staff_urls(urlconf=None) -> list[Page]:
    """Every staff URL of the tree, with its view."""
    return [url for url in all_urls(urlconf) if is_staff_route(url.route)]


def matrix(urlconf=None) -> dict[str, frozenset[str] | None]:
    """Staff URL name (the route for an unnamed one) → the roles that may open it (None: nobody,
    nothing declares it)."""
    return _matrix(get_resolver(urlconf))


@lru_cache(maxsize=8)
def _matrix(resolver) -> dict[str, frozenset[str] | None]:
    return {
        url.name or url.route: url.roles for url in _walk(resolver.url_patterns) if is_staff_route(url.route)
    }


def unlisted_staff_urls(urlconf=None) -> list[str]:
    """Staff URLs nothing declares: each is refused to everybody, and a failing test."""
    return sorted(name for name, allowed in matrix(urlconf).items() if allowed is None)


def may_open(user, url_name: str) -> bool:
    """Whether ``user`` may open the staff page named ``url_name`` (for links to it)."""
    return bool(roles_of(user) & (matrix().get(url_name) or frozenset()))


def sample_path(route: str) -> str:
    """A concrete path for a route: integer parameters become 1, others "x"."""
    path = re.sub(r"<int:[^>]+>", "1", route)
    return "/" + re.sub(r"<[^>]+>", "x", path)


# --- Personal-data fields ---------------------------------------------------------------------------


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


class StaffAccessMiddleware:
    """Applies the matrix to every staff URL before its view runs: anonymous visitors go to sign in,
    anybody whose roles the page's declaration does not name is refused, and so is everybody on a
    staff URL that nothing declares. The roles are read here once and kept for the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not is_staff_route(match.route):
            return None
        name = match.view_name if match.url_name else ""
        return _gate(request, page_roles(name, match.route, view_func) or frozenset())
