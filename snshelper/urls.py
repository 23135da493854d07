from django.contrib import admin
from django.urls import include, path

from snshelper.core.views import healthz
from snshelper.web.line_views import line_qr

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("contact/line/qr.svg", line_qr, name="line_qr"),
    path("accounts/", include("snshelper.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("privacy/", include("snshelper.privacy_rights.policy.urls")),
    path("account/privacy/", include("snshelper.privacy_rights.requests.urls")),
    path("staff/privacy/", include("snshelper.privacy_rights.desk.urls")),
    path("services/", include("snshelper.catalog.urls")),
    path("pages/", include("snshelper.pages.urls")),
    path("staff/pages/", include("snshelper.backoffice.pages_urls")),
    path("staff/maintenance/", include("snshelper.backoffice.maintenance_urls")),
    path("orders/", include("snshelper.orders.request_urls")),
    path("orders/", include("snshelper.orders.urls")),
    path("staff/orders/", include("snshelper.orders.staff_urls")),
    path("wallet/", include("snshelper.wallet.urls")),
    path("staff/providers/", include("snshelper.providers.staff_urls")),
    path("support/", include("snshelper.support.urls")),
    path("staff/support/", include("snshelper.support.staff_urls")),
    path("notifications/", include("snshelper.notifications.urls")),
    path("staff/announcements/", include("snshelper.web.staff_urls")),
    path("staff/", include("snshelper.backoffice.urls")),
    path("api/", include("snshelper.api.urls")),
    path("api/", include("snshelper.api.v1_urls")),
    path("admin/", admin.site.urls),
    path("", include("snshelper.web.urls")),
]

# Error pages in the site's layout and language (JSON under /api/): snshelper/web/errors.py.
handler400 = "snshelper.web.errors.bad_request"
handler403 = "snshelper.web.errors.permission_denied"
handler404 = "snshelper.web.errors.page_not_found"
handler500 = "snshelper.web.errors.server_error"
