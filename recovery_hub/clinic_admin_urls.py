"""Clinic administration (programs, staff, all patients, emergency-access log), under /clinic/."""

from django.urls import path

from accounts import lockout, staff_views
from joining import staff_views as invitation_views
from patients import program_views

app_name = "clinic_admin"

urlpatterns = [
    path("programs/", program_views.programs, name="programs"),
    path("programs/new/", program_views.program_new, name="program_new"),
    path("programs/<int:program_id>/edit/", program_views.program_edit, name="program_edit"),
    path("programs/<int:program_id>/active/", program_views.program_active, name="program_active"),
    path("staff/", staff_views.staff, name="staff"),
    path("staff/invite/", invitation_views.staff_invite_view, name="staff_invite"),
    path("staff/<int:membership_id>/role/", staff_views.staff_role, name="staff_role"),
    path("staff/<int:membership_id>/active/", staff_views.staff_active, name="staff_active"),
    path(
        "staff/invitations/<int:invitation_id>/resend/",
        invitation_views.staff_resend,
        name="staff_resend",
    ),
    path(
        "staff/invitations/<int:invitation_id>/withdraw/",
        invitation_views.staff_withdraw,
        name="staff_withdraw",
    ),
    path("patients/", program_views.patients, name="patients"),
    path("emergency-access/", program_views.emergency_access, name="emergency_access"),
    path("settings/", staff_views.clinic_settings, name="settings"),
    path("locked-accounts/", lockout.locked_accounts, name="locked_accounts"),
    path("people/<int:user_id>/unlock/", lockout.person_unlock, name="person_unlock"),
]
