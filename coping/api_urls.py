"""API routes of the coping app, mounted under /api/v1/."""

from django.urls import path

from coping import api

urlpatterns = [
    path(
        "patients/<int:id>/checkins/",
        api.CheckInListView.as_view(),
        name="api-patient-checkins",
    ),
    path(
        "patients/<int:id>/assessments/",
        api.AssessmentListView.as_view(),
        name="api-patient-assessments",
    ),
    path(
        "patients/<int:id>/coping-plan/",
        api.CopingPlanView.as_view(),
        name="api-patient-coping-plan",
    ),
    path(
        "patients/<int:id>/coping-plan/versions/",
        api.PlanVersionListView.as_view(),
        name="api-patient-coping-plan-versions",
    ),
    path(
        "patients/<int:id>/coping-plan/versions/<int:number>/",
        api.PlanVersionDetailView.as_view(),
        name="api-patient-coping-plan-version",
    ),
]
