"""Pages of the calendars app: the secret feed, the "add to calendar" files, and the owner's
page of their feed (a supporter's beside the supporter portal, the person's under
/my-recovery/)."""

from django.urls import path

from calendars import views

app_name = "calendars"

urlpatterns = [
    path("calendar/feed/<str:token>.ics", views.feed, name="feed"),
    path(
        "appointments/<int:appointment_id>/calendar.ics",
        views.appointment_ics,
        name="appointment_ics",
    ),
    path("help/<int:task_id>/calendar.ics", views.help_task_ics, name="help_task_ics"),
    path("support/<int:patient_id>/calendar/", views.supporter_calendar, name="supporter_calendar"),
    path(
        "support/<int:patient_id>/calendar/new-link/",
        views.supporter_calendar_rotate,
        name="supporter_calendar_rotate",
    ),
    path("my-recovery/calendar/", views.my_calendar, name="my_calendar"),
    path("my-recovery/calendar/new-link/", views.my_calendar_rotate, name="my_calendar_rotate"),
]
