from django.urls import include, path

from snshelper.privacy_rights.desk import views as staff_views

app_name = "privacy_staff"
urlpatterns = [
    path("", staff_views.desk, name="desk"),
    path("requests/<int:pk>/", staff_views.request_detail, name="request"),
    path("inquiries/<int:pk>/", staff_views.inquiry_detail, name="inquiry"),
    path("disclosures/", staff_views.disclosure_list, name="disclosures"),
    path("disclosures/new/", staff_views.disclosure_new, name="disclosure_new"),
    path("disclosures/<int:pk>/", staff_views.disclosure_detail, name="disclosure"),
    path("disclosures/<int:pk>/bundle/", staff_views.disclosure_bundle, name="disclosure_bundle"),
    path("correction-notices/<int:pk>/sent/", staff_views.notice_sent, name="notice_sent"),
    path("withdrawn/", include("snshelper.privacy_rights.withdrawal.staff_urls")),
    path("policy/", include("snshelper.privacy_rights.policy.staff_urls")),
    path("retention/", include("snshelper.privacy_rights.desk.retention_urls")),
    path("breaches/", include("snshelper.privacy_rights.breaches.staff_urls")),
]
