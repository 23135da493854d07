from django.urls import path

from snshelper.privacy_rights.policy import views as policy_views

app_name = "policy"
urlpatterns = [
    path("", policy_views.publish_page, name="publish"),
]
