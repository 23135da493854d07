from django.urls import path

from snshelper.backoffice import dashboard_views, reveal_views, views

app_name = "staff"
urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("pledge/", views.pledge_page, name="pledge"),
    path("reveals/", reveal_views.reveal_log, name="reveals"),
    path("reveals/report/", reveal_views.reveal_report, name="reveals_report"),
    path("people/", views.people, name="people"),
    path("people/training/new/", views.training_new, name="training_new"),
    path("people/<str:member_id>/hand-over/", views.hand_over_new, name="hand_over_new"),
]
