"""A member's "view" export: the readable page and the JSON download (mounted in member_urls)."""

from django.urls import path

from snshelper.privacy_rights.export import views as export_views

urlpatterns = [
    path("<str:token>/", export_views.export_page, name="export"),
    path("<str:token>/download/", export_views.export_download, name="export_download"),
]
