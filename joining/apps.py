from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JoiningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "joining"
    verbose_name = _("Joining: invitations to one's own sign-in")

    def ready(self) -> None:
        from joining import wiring

        wiring.register()
