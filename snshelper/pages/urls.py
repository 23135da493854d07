from django.urls import path

from snshelper.pages import views

app_name = "pages"
urlpatterns = [
    path("<slug:slug>/", views.page, name="page"),
]
