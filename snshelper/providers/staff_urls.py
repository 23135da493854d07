"""Staff pages for upstream providers."""

from django.urls import path

from snshelper.providers import staff_views

app_name = "providers_staff"
urlpatterns = [
    path("", staff_views.overview, name="overview"),
    path("add/", staff_views.edit, name="add"),
    path("<int:pk>/", staff_views.detail, name="detail"),
    path("<int:pk>/edit/", staff_views.edit, name="edit"),
    path("<int:pk>/sync/", staff_views.sync, name="sync"),
    path("<int:pk>/import/", staff_views.import_services, name="import"),
    path("<int:pk>/map/", staff_views.map_service, name="map"),
    path("changes/<int:pk>/", staff_views.change, name="change"),
    path("orders/<int:pk>/", staff_views.order_action, name="order_action"),
]
