from django.urls import path

from snshelper.privacy import member_views

app_name = "privacy_member"
urlpatterns = [
    path("verify/", member_views.verify, name="verify"),
]
