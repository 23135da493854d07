from django.urls import path

from snshelper.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:pk>/open/", views.open_notice, name="open"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.notice_settings, name="settings"),
]
