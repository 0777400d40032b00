from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopingConfig(AppConfig):
    name = "coping"
    verbose_name = _("Coping plans and check-ins")

    def ready(self) -> None:
        from coping import selectors, signals  # noqa: F401  (signals seed new clinics' library)

        selectors.register()  # overdue assessments on the caseload; assessments in the journey
