"""The Django admin's app config, importable before the app registry is ready (the site itself,
recovery_hub.admin_door, needs models)."""

from django.contrib.admin.apps import AdminConfig


class DoorAdminConfig(AdminConfig):
    default_site = "recovery_hub.admin_door.DoorAdminSite"
