from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopingConfig(AppConfig):
    name = "coping"
    verbose_name = _("Coping plans and check-ins")
