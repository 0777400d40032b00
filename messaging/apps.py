from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = _("Secure messages with the care team")

    def ready(self) -> None:
        from messaging import sections, selectors

        sections.register()  # the supporter's block of Scope.MESSAGES (networks.sections)
        selectors.register_attention()  # "Unread messages" on the caseload's strip
