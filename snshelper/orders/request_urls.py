from django.urls import path

from snshelper.orders import request_views

app_name = "order_actions"
urlpatterns = [
    path("mass/", request_views.mass_order, name="mass"),
    path("<int:pk>/refill/", request_views.refill, name="refill"),
    path("<int:pk>/cancel/", request_views.cancel, name="cancel"),
]
