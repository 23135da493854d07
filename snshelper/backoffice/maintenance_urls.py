from django.urls import path

from snshelper.backoffice import maintenance_views as staff_views

app_name = "maintenance_staff"
urlpatterns = [
    path("", staff_views.switch, name="switch"),
    path("off/", staff_views.switch_off, name="off"),
]
