from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that only staff who passed MFA may enter."""

    default = False
    default_site = "snshelper.staff.admin_site.StaffAdminSite"


class StaffConfig(AppConfig):
    default = True
    name = "snshelper.staff"
    label = "staff"
    verbose_name = "Staff"

    def ready(self):
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="snshelper.sync_roles")


def _sync_roles(**kwargs):
    from snshelper.staff.services import sync_roles

    sync_roles()
