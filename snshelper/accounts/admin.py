from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from snshelper.accounts import signals
from snshelper.accounts.models import LoginRecord, Member
from snshelper.core.masking import mask
from snshelper.privacy import registry


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["member_id", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["member_id"]
    # No name, email or phone here: administrators manage accounts and roles, and read personal
    # data only through the reveal rule of the staff pages (P16).
    fields = [
        "member_id",
        "language",
        "is_staff",
        "is_active",
        "groups",
        "date_joined",
        "last_login",
    ]
    readonly_fields = ["member_id", "date_joined", "last_login"]
    filter_horizontal = ["groups"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = {field for field in form.changed_data if registry.declaration(Member, field)}
        if change and changed:  # earlier recipients of what changed are told (P11)
            signals.profile_changed.send(sender=Member, member=obj, fields=changed, by=request.user)

    def get_queryset(self, request):
        # A withdrawn member's row stays only for their orders and ledger to point at; what is
        # kept of them is in the withdrawn-member store, for the privacy officer alone (P5).
        return super().get_queryset(request).filter(withdrawn_at__isnull=True)


@admin.register(LoginRecord)
class LoginRecordAdmin(admin.ModelAdmin):
    # The address and browser stay masked here: no reveal is logged in the admin (P16).
    list_display = ["created_at", "member", "result", "masked_ip"]
    list_filter = ["result"]
    search_fields = ["member__member_id"]
    fields = ["created_at", "member", "result", "masked_ip"]
    readonly_fields = fields

    @admin.display(description=_("IP address"))
    def masked_ip(self, record):
        return mask(record.ip_address or "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
