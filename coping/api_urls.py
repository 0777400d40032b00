"""API routes of the coping app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from coping import api, api_extra, api_milestones

PLAN = PATIENT + "coping-plan/"

urlpatterns = api_routes(
    # The person's own record (the my-recovery pages)
    ("me/checkins/", api_extra.MyCheckInListView, "me-checkins"),
    ("me/progress/", api_extra.MyTrendsView, "me-progress"),
    ("me/checkin-reminder/", api_extra.MyReminderTimeView, "me-checkin-reminder"),
    ("me/assessments/", api_extra.MyAssessmentListView, "me-assessments"),
    ("me/coping-plan/", api_extra.MyCopingPlanView, "me-coping-plan"),
    ("me/milestones/", api_milestones.MyMilestonesView, "me-milestones"),
    ("me/use-cost/", api_milestones.MyUseCostView, "me-use-cost"),
    # A patient's check-ins, questionnaires and trends
    (PATIENT + "checkins/", api.CheckInListView, "patient-checkins"),
    (PATIENT + "checkins/trends/", api_extra.TrendsView, "patient-checkin-trends"),
    (PATIENT + "assessments/", api.AssessmentListView, "patient-assessments"),
    (PATIENT + "schedule/", api_extra.ScheduleView, "patient-assessment-schedule"),
    # The coping plan and its versions
    (PLAN, api.CopingPlanView, "patient-coping-plan"),
    (PLAN + "versions/", api.PlanVersionListView, "patient-coping-plan-versions"),
    (PLAN + "versions/compare/", api_extra.PlanCompareView, "patient-coping-plan-compare"),
    (PLAN + "versions/<int:number>/", api.PlanVersionDetailView, "patient-coping-plan-version"),
    (
        PLAN + "versions/<int:number>/restore/",
        api_extra.PlanRestoreView,
        "patient-coping-plan-restore",
    ),
    # The clinic's strategy library
    ("coping/library/", api_extra.StrategyListView, "coping-library"),
    (
        "coping/library/<int:strategy_id>/active/",
        api_extra.StrategyActiveView,
        "coping-library-active",
    ),
)
