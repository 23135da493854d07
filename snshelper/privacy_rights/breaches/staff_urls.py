"""The breach register, under /staff/privacy/breaches/ (namespace privacy_staff:breaches)."""

from django.urls import path

from snshelper.privacy_rights.breaches import views as breach_views

app_name = "breaches"
urlpatterns = [
    path("", breach_views.incident_list, name="list"),
    path("new/", breach_views.incident_new, name="new"),
    path("<int:pk>/", breach_views.incident_detail, name="detail"),
]
