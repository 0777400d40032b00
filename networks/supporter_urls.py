"""Supporter-facing pages and the invitation link (helper-owned module)."""

from django.urls import path

from networks import calendar_views, views

urlpatterns = [
    path("support/", views.supporter_home, name="supporter_home"),
    path("support/<int:patient_id>/", views.supporter_patient, name="supporter_patient"),
    path(
        "support/<int:patient_id>/tasks/<int:task_id>/claim/", views.task_claim, name="task_claim"
    ),
    path(
        "support/<int:patient_id>/tasks/<int:task_id>/release/",
        views.task_release,
        name="task_release",
    ),
    path("support/<int:patient_id>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path(
        "support/<int:patient_id>/encouragement/",
        views.encouragement_send,
        name="encouragement_send",
    ),
    path("support/<int:patient_id>/reach-outs/", views.reach_out_log, name="reach_out_log"),
    path("support/<int:patient_id>/wellbeing/", views.wellbeing_submit, name="wellbeing"),
    # Step 14 · the supporter's help calendar (networks/calendar_views.py)
    path(
        "support/help-calendar/",
        calendar_views.supporter_calendar,
        name="supporter_calendar",
    ),
    path(
        "support/help-calendar/claim/",
        calendar_views.calendar_claim,
        name="supporter_calendar_claim",
    ),
    path(
        "support/help-calendar/give-back/<int:claim_id>/",
        calendar_views.calendar_give_back,
        name="supporter_calendar_give_back",
    ),
    path(
        "support/help-calendar/swap/<int:claim_id>/",
        calendar_views.calendar_swap,
        name="supporter_calendar_swap",
    ),
    path("invite/<str:token>/", views.invitation, name="invitation"),
]
