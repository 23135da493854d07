from django.urls import path

from snshelper.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("updates/", views.updates, name="updates"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("announcements/<int:pk>/dismiss/", views.dismiss_announcement, name="dismiss_announcement"),
]
