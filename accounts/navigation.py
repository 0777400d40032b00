"""The navigation each role sees. Later features add their entries here."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str


NAVIGATION: dict[str, list[NavItem]] = {
    Role.ADMIN: [
        NavItem(_("Dashboard"), "reports:dashboard"),
        NavItem(_("Patients"), "clinic_admin:patients"),
        NavItem(_("Programs"), "clinic_admin:programs"),
        NavItem(_("Staff"), "clinic_admin:staff"),
        NavItem(_("Emergency access"), "clinic_admin:emergency_access"),
        NavItem(_("Strategy library"), "coping:library"),
        NavItem(_("Resources"), "resources:article_manage"),
        NavItem(_("Events"), "events:index"),
        NavItem(_("Delivery log"), "notifications:log"),
        NavItem(_("Audit trail"), "audit:trail"),
        NavItem(_("Settings"), "clinic_admin:settings"),
    ],
    Role.CLINICIAN: [
        NavItem(_("Caseload"), "patients:caseload"),
        NavItem(_("Strategy library"), "coping:library"),
        NavItem(_("Resources"), "resources:article_list"),
        NavItem(_("Events"), "events:index"),
    ],
    Role.PATIENT: [
        NavItem(_("My recovery"), "patients:patient_home"),
        NavItem(_("Check in"), "coping:my_checkin"),
        NavItem(_("My progress"), "coping:my_progress"),
        NavItem(_("My coping plan"), "coping:my_plan"),
        NavItem(_("My network"), "networks:my_network"),
        NavItem(_("Who saw my information"), "audit:who_saw_me"),
        NavItem(_("Resources"), "resources:article_list"),
        NavItem(_("Events and stories"), "events:index"),
    ],
    Role.SUPPORTER: [
        NavItem(_("How I can help"), "networks:supporter_home"),
        NavItem(_("Resources"), "resources:article_list"),
        NavItem(_("Events and stories"), "events:index"),
    ],
}
