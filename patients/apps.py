from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Patients and care teams")

    def ready(self) -> None:
        from notifications.services import register_time_zone_follower
        from patients import reminders
        from patients.services import patient_time_zone_follow

        reminders.register()  # the patients' time zones, for the reminder planner
        register_time_zone_follower(patient_time_zone_follow)  # a person's record follows them
