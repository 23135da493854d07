from django.urls import path

from snshelper.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.new, name="new"),
    path("price/", views.price, name="price"),
    path("<int:pk>/", views.detail, name="detail"),
]
