"""Routes of the JSON API v1 (django-ninja) and the human API docs page."""

from django.urls import path, re_path

from snshelper.api import docs_views
from snshelper.api.v1 import api, unknown_path

app_name = "api_v1"
urlpatterns = [
    path("docs/", docs_views.docs, name="docs"),
    path("v1/", api.urls),
    re_path(r"^v1/", unknown_path),  # after the API's own routes: JSON, not the site's 404 page
]
