"""The officer's retention pages, under /staff/privacy/retention/ (namespace privacy_staff:retention)."""

from django.urls import path

from snshelper.privacy_rights.desk import retention_views

app_name = "retention"
urlpatterns = [
    path("", retention_views.rules, name="rules"),
    path("log/", retention_views.destruction_log, name="log"),
    path("holds/", retention_views.legal_holds, name="holds"),
    path("holds/<int:pk>/release/", retention_views.release, name="release"),
]
