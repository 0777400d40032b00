"""API routes of the networks app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from networks import api, api_calendar, api_help_calendar, api_network, api_supporter

CONTACT = "contacts/<int:contact_id>/"
PATIENT_CONTACT = PATIENT + CONTACT
INVITATIONS = PATIENT_CONTACT + "invitations/"
TASK = PATIENT + "help-tasks/<int:task_id>/"
SUPPORTED = "supporter/patients/<int:patient_id>/"

urlpatterns = api_routes(
    # The network page: the people, each one, their invitations and what they would see.
    (PATIENT + "contacts/", api.ContactListView, "patient-contacts"),
    (PATIENT_CONTACT, api.ContactDetailView, "patient-contact"),
    (PATIENT_CONTACT + "status/", api.ContactStatusView, "patient-contact-status"),
    (INVITATIONS, api_network.ContactInvitationListView, "patient-contact-invitations"),
    (
        INVITATIONS + "<int:invitation_id>/",
        api_network.InvitationDetailView,
        "patient-contact-invitation",
    ),
    (
        INVITATIONS + "<int:invitation_id>/revoke/",
        api_network.InvitationRevokeView,
        "patient-contact-invitation-revoke",
    ),
    (PATIENT_CONTACT + "preview/", api_network.ContactPreviewView, "patient-contact-preview"),
    # Consents: under the patient, and (the first paths, kept for existing clients) without.
    (PATIENT_CONTACT + "consents/", api.ConsentListView, "patient-contact-consents"),
    (
        PATIENT_CONTACT + "consents/<int:consent_id>/change/",
        api.ConsentChangeView,
        "patient-contact-consent-change",
    ),
    (
        PATIENT_CONTACT + "consents/<int:consent_id>/revoke/",
        api.ConsentRevokeView,
        "patient-contact-consent-revoke",
    ),
    (CONTACT + "consents/", api.ConsentListView, "contact-consents"),
    (
        CONTACT + "consents/<int:consent_id>/revoke/",
        api.ConsentRevokeView,
        "contact-consent-revoke",
    ),
    # Encouragement moderation, the person's own network, a setback told to whom they choose.
    (
        PATIENT + "encouragements/",
        api_network.PatientEncouragementListView,
        "patient-encouragements",
    ),
    (
        PATIENT + "encouragements/<int:encouragement_id>/hide/",
        api_network.EncouragementHideView,
        "patient-encouragement-hide",
    ),
    ("me/network/", api_network.MyNetworkView, "me-network"),
    ("me/setback/", api_network.MySetbackView, "me-setback"),
    # Help tasks.
    (PATIENT + "help-tasks/", api.HelpTaskListView, "patient-help-tasks"),
    # Step 14 · the help calendar's core (networks/api_help_calendar.py)
    (
        PATIENT + "help-tasks/coverage/",
        api_help_calendar.HelpCoverageView,
        "patient-help-coverage",
    ),
    (
        TASK + "occasions/<slug:day>/claim/",
        api_help_calendar.HelpOccasionClaimView,
        "patient-help-occasion-claim",
    ),
    (
        PATIENT + "help-tasks/slot-claims/<int:claim_id>/give-back/",
        api_help_calendar.SlotGiveBackView,
        "patient-help-slot-give-back",
    ),
    (
        PATIENT + "help-tasks/slot-claims/<int:claim_id>/swap/",
        api_help_calendar.SlotSwapView,
        "patient-help-slot-swap",
    ),
    (TASK + "claim/", api.HelpTaskClaimView, "patient-help-task-claim"),
    (TASK + "release/", api.HelpTaskReleaseView, "patient-help-task-release"),
    (TASK + "done/", api.HelpTaskDoneView, "patient-help-task-done"),
    # The supporter's side.
    ("supporter/patients/", api.SupporterPatientListView, "supporter-patients"),
    (SUPPORTED, api_supporter.SupporterPatientDetailView, "supporter-patient"),
    (
        SUPPORTED + "encouragement/",
        api_supporter.SupporterEncouragementView,
        "supporter-patient-encouragement",
    ),
    (
        SUPPORTED + "reach-outs/",
        api_supporter.SupporterReachOutView,
        "supporter-patient-reach-outs",
    ),
    (SUPPORTED + "wellbeing/", api_supporter.SupporterWellbeingView, "supporter-patient-wellbeing"),
    # Step 14 · the supporter's help calendar (networks/api_calendar.py)
    ("supporter/help-calendar/", api_calendar.SupporterCalendarListView, "supporter-help-calendar"),
)
