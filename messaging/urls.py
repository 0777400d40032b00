"""Pages of the messaging app (mounted at the site's root)."""

from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("my-recovery/messages/", views.mine, name="mine"),
    path("support/<int:patient_id>/messages/", views.supporter, name="supporter"),
    path("messages/", views.inbox, name="inbox"),
    path("patients/<int:patient_id>/messages/", views.patient_messages, name="patient"),
    path(
        "patients/<int:patient_id>/messages/<int:thread_id>/reply/",
        views.reply,
        name="reply",
    ),
    path(
        "patients/<int:patient_id>/messages/notes/<int:message_id>/",
        views.make_note,
        name="note",
    ),
    path("clinic/message-hours/", views.hours, name="hours"),
]
