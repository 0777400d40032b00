from django.urls import path

from accounts import session_views, views

app_name = "accounts"

urlpatterns = [
    path("clinics/", views.clinic_list, name="clinic_list"),
    path("clinics/none/", views.no_clinic, name="no_clinic"),
    path("clinics/<slug:slug>/", views.clinic_detail, name="clinic_detail"),
    path("clinics/<slug:slug>/switch/", views.clinic_switch, name="clinic_switch"),
    # Beside allauth's own pages under /accounts/.
    path("accounts/tokens/", session_views.api_tokens, name="tokens"),
    path(
        "accounts/tokens/<int:token_id>/revoke/",
        session_views.api_token_revoke,
        name="token_revoke",
    ),
    path("accounts/session/", session_views.session_status, name="session_status"),
    path(
        "accounts/session/keep-alive/", session_views.session_keep_alive, name="session_keep_alive"
    ),
]
