from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:notification_id>/read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("badge/", views.badge, name="badge"),
    path("preferences/", views.preferences, name="preferences"),
    path("push/subscribe/", views.push_subscribe_view, name="push_subscribe"),
    path("push/<int:subscription_id>/revoke/", views.push_revoke_view, name="push_revoke"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("log/", views.log, name="log"),
    path("log/<int:notification_id>/retry/", views.retry, name="retry"),
]
