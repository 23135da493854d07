from django.urls import path

from snshelper.backoffice import pages_views as staff_views

app_name = "pages_staff"
urlpatterns = [
    path("", staff_views.page_list, name="list"),
    path("new/", staff_views.page_new, name="new"),
    path("<int:pk>/", staff_views.page_edit, name="edit"),
]
