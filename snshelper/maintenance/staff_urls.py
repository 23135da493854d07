from django.urls import path

from snshelper.maintenance import staff_views

app_name = "maintenance_staff"
urlpatterns = [
    path("", staff_views.switch, name="switch"),
    path("off/", staff_views.switch_off, name="off"),
]
