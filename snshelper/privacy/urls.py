from django.urls import path

from snshelper.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.policy_page, name="policy"),
    path("cookies/", views.cookies_page, name="cookies"),
]
