"""The network pages of the patient and the care team (helper-owned module)."""

from django.urls import path

from networks import manage_views as views
from networks import setback_views

NETWORK = "patients/<int:patient_id>/network/"
CONTACT = NETWORK + "<int:contact_id>/"

urlpatterns = [
    path("my-recovery/setback/", setback_views.my_setback, name="my_setback"),
    path("my-recovery/network/", views.my_network, name="my_network"),
    path("my-recovery/help-calendar/", views.my_help, name="my_help"),
    path(NETWORK, views.network, name="network"),
    path(NETWORK + "new/", views.contact_new, name="contact_new"),
    path(CONTACT + "edit/", views.contact_edit, name="contact_edit"),
    path(CONTACT + "status/", views.contact_status, name="contact_status"),
    path(CONTACT + "invite/", views.contact_invite, name="contact_invite"),
    path(
        CONTACT + "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(CONTACT + "consent/", views.consent, name="consent"),
    path(CONTACT + "consent/change/", views.consent_change, name="consent_change"),
    path(CONTACT + "consent/<int:consent_id>/revoke/", views.consent_revoke, name="consent_revoke"),
    path(CONTACT + "preview/", views.contact_preview, name="contact_preview"),
    path(
        NETWORK + "encouragements/<int:encouragement_id>/hide/",
        views.encouragement_hide,
        name="encouragement_hide",
    ),
    path("patients/<int:patient_id>/help/", views.help_tasks, name="help_tasks"),
    path(
        "patients/<int:patient_id>/help/<int:task_id>/done/",
        views.help_task_done,
        name="help_task_done",
    ),
]
