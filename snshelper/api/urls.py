"""Routes of the API app: API v2 and the API keys page."""

from django.urls import path

from snshelper.api import v2, views

app_name = "api"
urlpatterns = [
    path("v2", v2.endpoint, name="v2"),
    path("v2/", v2.endpoint),  # some clients end the URL with a slash
    path("keys/", views.keys, name="keys"),
    path("keys/<int:pk>/", views.edit, name="edit"),
    path("keys/<int:pk>/rotate/", views.rotate, name="rotate"),
    path("keys/<int:pk>/revoke/", views.revoke, name="revoke"),
]
