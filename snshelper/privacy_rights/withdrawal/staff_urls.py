from django.urls import path

from snshelper.privacy_rights.withdrawal import views as withdrawal_views

app_name = "withdrawn"
urlpatterns = [
    path("", withdrawal_views.store, name="store"),
    path("matches/", withdrawal_views.matches, name="matches"),
    path("matches/<int:pk>/review/", withdrawal_views.review_match, name="review_match"),
]
