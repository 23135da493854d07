from django.urls import path

from snshelper.privacy import staff_views

app_name = "privacy_staff"
urlpatterns = [
    path("", staff_views.desk, name="desk"),
]
