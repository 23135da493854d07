from django.urls import path

from snshelper.support import staff_views

app_name = "support_staff"
urlpatterns = [
    path("", staff_views.queue, name="queue"),
    path("canned/", staff_views.canned_list, name="canned_list"),
    path("canned/new/", staff_views.canned_edit, name="canned_new"),
    path("canned/<int:pk>/", staff_views.canned_edit, name="canned_edit"),
    path("attachments/<int:pk>/", staff_views.attachment, name="attachment"),
    path("<str:number>/", staff_views.detail, name="detail"),
    path("<str:number>/reply/", staff_views.reply, name="reply"),
    path("<str:number>/assign/", staff_views.assign, name="assign"),
    path("<str:number>/close/", staff_views.close, name="close"),
    path("<str:number>/reopen/", staff_views.reopen, name="reopen"),
    path("<str:number>/flag/", staff_views.flag, name="flag"),
]
