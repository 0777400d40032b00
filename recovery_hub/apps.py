from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecoveryHubConfig(AppConfig):
    name = "recovery_hub"
    verbose_name = _("Recovery Hub")
