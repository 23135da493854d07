"""Staff pages for upstream providers."""

app_name = "providers_staff"
urlpatterns = []
