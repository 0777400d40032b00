from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "engagement"
    verbose_name = _("Keeping the network engaged")

    def ready(self) -> None:
        from engagement import digests, hooks, rules

        rules.register()
        digests.register_digest_parts()  # the digest's part of each consent section (networks)
        hooks.connect()  # the signals and checks of the apps below (coping, networks, accounts)
