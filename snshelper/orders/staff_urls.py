from django.urls import path

from snshelper.orders import staff_views

app_name = "orders_staff"
urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("<int:pk>/", staff_views.act, name="act"),
    path("refills/<int:pk>/", staff_views.refill, name="refill"),
    path("cancels/<int:pk>/", staff_views.cancel, name="cancel"),
    path("runs/<int:pk>/", staff_views.deliver_run, name="deliver_run"),
]
