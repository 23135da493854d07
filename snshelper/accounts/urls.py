from django.urls import path

from snshelper.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("sign-ins/", views.sign_ins, name="sign_ins"),
]
