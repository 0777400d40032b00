from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopingConfig(AppConfig):
    name = "coping"
    verbose_name = _("Coping plans and check-ins")

    def ready(self) -> None:
        # signals: seed new clinics' library (imported for its receivers)
        from coping import reminders, selectors, signals  # noqa: F401

        selectors.register()  # overdue assessments on the caseload; assessments in the journey
        reminders.register()  # the check-in reminder and the questionnaires due (planner rules)
