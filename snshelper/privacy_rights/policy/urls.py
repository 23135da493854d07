from django.urls import path

from snshelper.privacy_rights.policy import cookie_views
from snshelper.privacy_rights.policy import views as policy_views

app_name = "privacy"
urlpatterns = [
    path("", policy_views.policy_page, name="policy"),
    path("versions/", policy_views.version_list, name="versions"),
    path("versions/<int:number>/", policy_views.version_detail, name="version"),
    path("notices/<int:pk>/seen/", policy_views.dismiss_notice, name="dismiss_notice"),
    path("cookies/", cookie_views.cookies_page, name="cookies"),
    path("cookies/choice/", cookie_views.choose, name="cookie_choice"),
]
