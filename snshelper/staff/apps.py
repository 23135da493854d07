from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


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
        # Every app that assigns work to staff declares it in its own `handover.py` (P17).
        autodiscover_modules("handover")
        # Models are loaded by now: the services module may be imported.
        from snshelper.staff import services

        post_migrate.connect(
            services.sync_roles_after_migrate, sender=self, dispatch_uid="snshelper.sync_roles"
        )
