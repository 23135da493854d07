from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from snshelper.staff.security import passed_mfa


class StaffAdminSite(admin.AdminSite):
    site_header = _("SNS Helper back office")
    site_title = _("SNS Helper back office")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and passed_mfa(request)

    def login(self, request, extra_context=None):
        """One sign-in for everybody: allauth's, with its MFA step. Members are refused."""
        if request.user.is_authenticated:
            raise PermissionDenied
        query = urlencode({"next": request.GET.get("next", reverse("admin:index"))})
        return redirect(f"{reverse('account_login')}?{query}")
