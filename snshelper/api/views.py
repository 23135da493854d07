"""The member's API keys page: list, create, edit, rotate and revoke keys.

A secret is shown once, in the answer to the request that made it (never stored, never
redirected to): the page is marked not to be cached.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from snshelper.api import selectors, services
from snshelper.api.errors import InvalidKeyFields
from snshelper.api.forms import KeyForm


def _live_key(request, pk: int):
    key = selectors.key_of(request.user, pk)
    if key is None or not key.is_live:
        raise Http404
    return key


def _show_secret(request, made: services.NewSecret, *, rotated: bool):
    response = render(
        request,
        "api/keys_secret.html",
        {"key": made.key, "secret": made.secret, "rotated": rotated, "endpoint": _endpoint(request)},
    )
    add_never_cache_headers(response)
    return response


def _endpoint(request) -> str:
    return request.build_absolute_uri(reverse("api:v2"))


@login_required
@require_http_methods(["GET", "POST"])
def keys(request):
    form = KeyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_key(
                member=request.user,
                name=form.cleaned_data["name"],
                networks=form.cleaned_data["allowed_ips"],
            )
        except InvalidKeyFields as error:
            form.add_error(None, error.message)
        else:
            return _show_secret(request, made, rotated=False)
    return render(
        request,
        "api/keys.html",
        {"keys": selectors.keys_of(request.user), "form": form, "endpoint": _endpoint(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    key = _live_key(request, pk)
    form = KeyForm(
        request.POST if request.method == "POST" else None,
        initial={"name": key.name, "allowed_ips": key.allowed_ips},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_key(
                member=request.user,
                key_id=key.pk,
                name=form.cleaned_data["name"],
                networks=form.cleaned_data["allowed_ips"],
            )
        except InvalidKeyFields as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Key “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
            return redirect("api:keys")
    return render(request, "api/keys_edit.html", {"key": key, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def rotate(request, pk: int):
    key = _live_key(request, pk)
    if request.method == "POST":
        return _show_secret(request, services.rotate_key(member=request.user, key_id=key.pk), rotated=True)
    return render(request, "api/keys_confirm.html", {"key": key, "action": "rotate"})


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, pk: int):
    key = _live_key(request, pk)
    if request.method == "POST":
        services.revoke_key(member=request.user, key_id=key.pk)
        messages.success(
            request,
            _("Key “%(name)s” revoked: programs using it are refused from now on.") % {"name": key.name},
        )
        return redirect("api:keys")
    return render(request, "api/keys_confirm.html", {"key": key, "action": "revoke"})
