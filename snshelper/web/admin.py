from django.contrib import admin

from snshelper.web.models import Announcement


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title_th", "published_at", "ends_at", "is_active"]
    list_filter = ["is_active"]
