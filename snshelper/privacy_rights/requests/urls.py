from django.urls import include, path

from snshelper.privacy_rights.requests import views as member_views

app_name = "privacy_member"
urlpatterns = [
    path("", member_views.overview, name="overview"),
    path("verify/", member_views.verify, name="verify"),
    path("view/", member_views.request_view, name="view"),
    path("correct/", member_views.request_correction, name="correct"),
    path("delete/", member_views.request_deletion, name="delete"),
    path("suspend/", member_views.request_suspension, name="suspend"),
    path("resume/", member_views.resume_processing, name="resume"),
    path("requests/<int:pk>/withdraw/", member_views.withdraw_request, name="withdraw_request"),
    path("ask/", member_views.ask, name="ask"),
    path("exports/", include("snshelper.privacy_rights.export.urls")),
    path("withdraw/", include("snshelper.privacy_rights.withdrawal.urls")),
    path("breaches/", include("snshelper.privacy_rights.breaches.urls")),
]
