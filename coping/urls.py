from django.urls import include, path

from coping import milestone_views, views

app_name = "coping"

urlpatterns = [
    path("my-recovery/check-in/", views.my_checkin, name="my_checkin"),
    path("my-recovery/progress/", views.my_progress, name="my_progress"),
    path("my-recovery/reminder-time/", views.my_reminder_time, name="my_reminder_time"),
    path("my-recovery/plan/", views.my_plan, name="my_plan"),
    path("my-recovery/milestones/", milestone_views.my_milestones, name="my_milestones"),
    path("patients/<int:patient_id>/checkins/", views.checkins, name="checkins"),
    path("patients/<int:patient_id>/checkins/new/", views.checkin_new, name="checkin_new"),
    path("patients/<int:patient_id>/schedule/", views.schedule_set, name="schedule"),
    path(
        "patients/<int:patient_id>/assessments/<slug:instrument>/new/",
        views.assessment_new,
        name="assessment_new",
    ),
    path("", include("coping.plan_urls")),
]
