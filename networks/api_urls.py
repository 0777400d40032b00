"""API routes of the networks app, mounted under /api/v1/."""

from django.urls import path

from networks import api

urlpatterns = [
    path(
        "patients/<int:id>/contacts/",
        api.ContactListView.as_view(),
        name="api-patient-contacts",
    ),
    path(
        "contacts/<int:id>/consents/",
        api.ConsentListView.as_view(),
        name="api-contact-consents",
    ),
    path(
        "contacts/<int:id>/consents/<int:consent_id>/revoke/",
        api.ConsentRevokeView.as_view(),
        name="api-contact-consent-revoke",
    ),
    path(
        "patients/<int:id>/help-tasks/",
        api.HelpTaskListView.as_view(),
        name="api-patient-help-tasks",
    ),
    path(
        "patients/<int:id>/help-tasks/<int:task_id>/claim/",
        api.HelpTaskClaimView.as_view(),
        name="api-patient-help-task-claim",
    ),
    path(
        "patients/<int:id>/help-tasks/<int:task_id>/release/",
        api.HelpTaskReleaseView.as_view(),
        name="api-patient-help-task-release",
    ),
    path(
        "patients/<int:id>/help-tasks/<int:task_id>/done/",
        api.HelpTaskDoneView.as_view(),
        name="api-patient-help-task-done",
    ),
    path(
        "supporter/patients/",
        api.SupporterPatientListView.as_view(),
        name="api-supporter-patients",
    ),
]
