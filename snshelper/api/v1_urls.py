"""Routes of the JSON API v1 (django-ninja) and the human API docs page."""

app_name = "api_v1"
urlpatterns = []
