from django.urls import path

from snshelper.web import staff_views

app_name = "announcements_staff"
urlpatterns = [
    path("", staff_views.announcement_list, name="list"),
    path("new/", staff_views.announcement_new, name="new"),
    path("<int:pk>/", staff_views.announcement_edit, name="edit"),
    path("<int:pk>/end/", staff_views.announcement_end, name="end"),
]
