"""API routes of the networks app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from networks import api

CONTACT = "contacts/<int:contact_id>/"
TASK = PATIENT + "help-tasks/<int:task_id>/"

urlpatterns = api_routes(
    (PATIENT + "contacts/", api.ContactListView, "patient-contacts"),
    (CONTACT + "consents/", api.ConsentListView, "contact-consents"),
    (
        CONTACT + "consents/<int:consent_id>/revoke/",
        api.ConsentRevokeView,
        "contact-consent-revoke",
    ),
    (PATIENT + "help-tasks/", api.HelpTaskListView, "patient-help-tasks"),
    (TASK + "claim/", api.HelpTaskClaimView, "patient-help-task-claim"),
    (TASK + "release/", api.HelpTaskReleaseView, "patient-help-task-release"),
    (TASK + "done/", api.HelpTaskDoneView, "patient-help-task-done"),
    ("supporter/patients/", api.SupporterPatientListView, "supporter-patients"),
)
