from django.urls import path

from snshelper.privacy_rights.withdrawal import views as withdrawal_views

app_name = "withdrawal"
urlpatterns = [
    path("", withdrawal_views.start, name="start"),
    path("goodbye/", withdrawal_views.goodbye, name="goodbye"),
]
