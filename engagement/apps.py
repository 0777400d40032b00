from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "engagement"
    verbose_name = _("Keeping the network engaged")

    def ready(self) -> None:
        from engagement import hooks, rules

        rules.register()
        hooks.connect()  # the signals and checks of the apps below (coping, networks, accounts)
