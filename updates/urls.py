"""Pages of the updates app."""

from django.urls import path

from updates import views

app_name = "updates"  # spelling: the URL namespace, not the scope

urlpatterns = [
    path("my-recovery/updates/", views.mine, name="mine"),
    path("my-recovery/updates/<int:update_id>/delete/", views.update_delete, name="delete"),
    path(
        "my-recovery/updates/<int:update_id>/replies/<int:reply_id>/hide/",
        views.reply_hide,
        name="reply_hide",
    ),
    path(
        "my-recovery/updates/<int:update_id>/replies/<int:reply_id>/unhide/",
        views.reply_unhide,
        name="reply_unhide",
    ),
    path("patients/<int:patient_id>/updates/", views.patient_updates, name="patient"),
    path("support/updates/", views.feed, name="feed"),
    path("support/updates/<int:update_id>/reaction/", views.react, name="react"),
    path("support/updates/<int:update_id>/replies/", views.reply, name="reply"),
    path("updates/<int:update_id>/photo/", views.photo, name="photo"),
]
