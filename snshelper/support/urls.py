from django.urls import path

from snshelper.support import views

app_name = "support"
urlpatterns = [
    path("", views.consultations, name="list"),
    path("new/", views.new, name="new"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/close/", views.close, name="close"),
    path("<str:number>/reopen/", views.reopen, name="reopen"),
]
