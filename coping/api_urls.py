"""API routes of the coping app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from coping import api

urlpatterns = api_routes(
    (PATIENT + "checkins/", api.CheckInListView, "patient-checkins"),
    (PATIENT + "assessments/", api.AssessmentListView, "patient-assessments"),
    (PATIENT + "coping-plan/", api.CopingPlanView, "patient-coping-plan"),
    (PATIENT + "coping-plan/versions/", api.PlanVersionListView, "patient-coping-plan-versions"),
    (
        PATIENT + "coping-plan/versions/<int:number>/",
        api.PlanVersionDetailView,
        "patient-coping-plan-version",
    ),
)
