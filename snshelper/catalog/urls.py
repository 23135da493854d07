from django.urls import path

from snshelper.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.price_list, name="price_list"),
    path("<int:pk>/", views.service_detail, name="service"),
]
