from django.contrib import admin

from snshelper.accounts.models import LoginRecord, Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["member_id", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["member_id"]
    fields = [
        "member_id",
        "name",
        "email",
        "language",
        "is_staff",
        "is_active",
        "groups",
        "date_joined",
        "last_login",
    ]
    readonly_fields = ["member_id", "date_joined", "last_login"]
    filter_horizontal = ["groups"]

    def get_queryset(self, request):
        # A withdrawn member's row stays only for their orders and ledger to point at; what is
        # kept of them is in the withdrawn-member store, for the privacy officer alone (P5).
        return super().get_queryset(request).filter(withdrawn_at__isnull=True)


@admin.register(LoginRecord)
class LoginRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "member", "result", "ip_address"]
    list_filter = ["result"]
    search_fields = ["member__member_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
