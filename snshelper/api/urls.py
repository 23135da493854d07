"""Routes of the API app: API v2 and the API keys page."""

app_name = "api"
urlpatterns = []
