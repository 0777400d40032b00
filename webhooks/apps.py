from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"
    verbose_name = _("Webhooks: signed event deliveries to other systems")

    def ready(self) -> None:
        from webhooks import receivers

        receivers.connect()
