"""A member's breach notices, under /account/privacy/breaches/ (namespace privacy_member:breaches)."""

from django.urls import path

from snshelper.privacy_rights.breaches import views as breach_views

app_name = "breaches"
urlpatterns = [
    path("<int:pk>/seen/", breach_views.dismiss, name="dismiss"),
]
