from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpdatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "updates"  # spelling: the app's name, not the scope
    verbose_name = _("Updates from the person in recovery to their network")

    def ready(self) -> None:
        from updates import sections

        sections.register()  # the supporter-visible section of Scope.UPDATES (networks)
