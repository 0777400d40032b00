from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Support networks")

    def ready(self) -> None:
        # supporter_sections declares the sections when imported
        from networks import reminders, slot_reminders, supporter_sections  # noqa: F401
        from networks.sections import consent_send_guard
        from notifications.hooks import register_send_guard

        register_send_guard(consent_send_guard)  # the outbox asks the consent at send time
        reminders.register()  # the consent rule and the supporters' reminders (planner rules)
        slot_reminders.register()  # the help calendar's reminders (order 55) and send guard
