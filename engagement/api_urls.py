"""API routes of the engagement app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from engagement import api

SUPPORTER = "supporter/patients/<int:patient_id>/"

urlpatterns = api_routes(
    ("me/help/", api.HelpPageView, "my-help"),
    ("me/help-requests/", api.MyHelpRequestListView, "my-help-requests"),
    ("me/help-requests/<int:request_id>/", api.MyHelpRequestDetailView, "my-help-request"),
    ("me/digests/", api.MyDigestsView, "my-digests"),
    (PATIENT + "help-requests/", api.PatientHelpRequestListView, "patient-help-requests"),
    (
        PATIENT + "help-requests/<int:request_id>/on-it/",
        api.StaffOnItView,
        "patient-help-request-on-it",
    ),
    (PATIENT + "celebrations/", api.CelebrationListView, "patient-celebrations"),
    (
        PATIENT + "celebrations/<int:celebration_id>/review/",
        api.CelebrationReviewView,
        "patient-celebration-review",
    ),
    (PATIENT + "ladder/", api.LadderView, "patient-ladder"),
    (
        PATIENT + "ladder/steps/<int:step_id>/reached-out/",
        api.LadderStepActView,
        "patient-ladder-step-reached-out",
    ),
    (PATIENT + "reach-out-person/", api.LadderContactView, "patient-reach-out-person"),
    (
        SUPPORTER + "help-requests/<int:request_id>/on-it/",
        api.SupporterOnItView,
        "supporter-help-request-on-it",
    ),
    (SUPPORTER + "celebrations/", api.SupporterCelebrationView, "supporter-celebrations"),
    (
        SUPPORTER + "celebrations/milestones/",
        api.SupporterMilestoneView,
        "supporter-celebration-milestones",
    ),
    (SUPPORTER + "digest/", api.SupporterDigestView, "supporter-digest"),
    ("clinic/ladder-policy/", api.LadderPolicyView, "clinic-ladder-policy"),
)
