from django.contrib import admin
from django.urls import include, path

from snshelper.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("snshelper.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("privacy/", include("snshelper.privacy.urls")),
    path("account/privacy/", include("snshelper.privacy.member_urls")),
    path("staff/privacy/", include("snshelper.privacy.staff_urls")),
    path("orders/", include("snshelper.orders.request_urls")),
    path("orders/", include("snshelper.orders.urls")),
    path("staff/orders/", include("snshelper.orders.staff_urls")),
    path("wallet/", include("snshelper.wallet.urls")),
    path("staff/providers/", include("snshelper.providers.staff_urls")),
    path("staff/", include("snshelper.staff.urls")),
    path("api/", include("snshelper.api.urls")),
    path("api/", include("snshelper.api.v1_urls")),
    path("admin/", admin.site.urls),
    path("", include("snshelper.web.urls")),
]
