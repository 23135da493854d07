from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models.base import ModelBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from snshelper.core.form_fields import TextsForm
from snshelper.staff import access
from snshelper.staff.security import passed_mfa


def _follow_matrix(model_admin, model) -> None:
    """Make a model admin's permission checks ask the matrix (access.ADMIN_MODELS) too: the index,
    the buttons and the views then agree with the middleware, whatever the admin class says."""
    label = model._meta.label_lower

    def gate(action, original):
        def check(request, *args, **kwargs):
            return access.may_admin(request.user, label, action) and original(request, *args, **kwargs)

        return check

    for action in ("view", "add", "change", "delete"):
        name = f"has_{action}_permission"
        setattr(model_admin, name, gate(action, getattr(model_admin, name)))
    module = model_admin.has_module_permission
    model_admin.has_module_permission = lambda request: (
        any(access.may_admin(request.user, label, a) for a in ("view", "add", "change", "delete"))
        and module(request)
    )


class StaffAdminSite(admin.AdminSite):
    site_header = _("SNS Helper back office")
    site_title = _("SNS Helper back office")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and passed_mfa(request)

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, admin_class, **options)
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        for model in models:
            if model in self._registry:  # a swapped model (auth.User) is not registered
                _follow_matrix(self._registry[model], model)

    def login(self, request, extra_context=None):
        """One sign-in for everybody: allauth's, with its MFA step. Members are refused."""
        if request.user.is_authenticated:
            raise PermissionDenied
        query = urlencode({"next": TextsForm(request.GET, "next").text("next") or reverse("admin:index")})
        return redirect(f"{reverse('account_login')}?{query}")
