"""Check-ins, questionnaires, the coping plan and the clinic's strategy library."""

from tests.api.twins import Why

PRINTABLE = Why(
    "A printable rendering of the coping plan, which GET coping-plan answers as JSON; a client "
    "prints or lays it out itself."
)

TWINS = {
    "coping:my_checkin": ("api:me-checkins", "api:me-checkin-reminder"),
    "coping:my_progress": ("api:me-progress",),
    "coping:my_reminder_time": ("api:me-checkin-reminder",),
    "coping:my_plan": ("api:me-coping-plan",),
    "coping:checkins": (
        "api:patient-checkins",
        "api:patient-checkin-trends",
        "api:patient-assessments",
        "api:patient-assessment-schedule",
    ),
    "coping:checkin_new": ("api:patient-checkins",),
    "coping:schedule": ("api:patient-assessment-schedule",),
    "coping:assessment_new": ("api:patient-assessments", "api:me-assessments"),
    "coping:plan": ("api:patient-coping-plan",),
    "coping:plan_edit": ("api:patient-coping-plan",),
    "coping:plan_versions": ("api:patient-coping-plan-versions", "api:patient-coping-plan-version"),
    "coping:plan_compare": ("api:patient-coping-plan-compare",),
    "coping:plan_restore": ("api:patient-coping-plan-restore",),
    "coping:plan_print": PRINTABLE,
    "coping:plan_wallet_card": PRINTABLE,
    "coping:library": ("api:coping-library",),
    "coping:library_toggle": ("api:coping-library-active",),
}
