from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from recovery_hub.health import healthz

# Every app's API routes (its api_urls.py), mounted under /api/v1/ in the `api` namespace.
API_APPS = (
    "accounts",
    "patients",
    "coping",
    "networks",
    "resources",
    "events",
    "updates",
    "messaging",
    "notifications",
    "engagement",
    "reports",
    "joining",
    "trail",
    "interop",
    "calendars",
    "imports",
    "webhooks",
)
api_v1 = [path("", include(f"{app}.api_urls")) for app in API_APPS]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    # The installable app: /manifest.webmanifest, /sw.js (its scope is the site), /offline/.
    path("", include("recovery_hub.pwa_urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),  # /clinics/..., /accounts/tokens/, /accounts/session/
    path("", include("patients.urls")),
    path("", include("networks.urls")),
    path("", include("coping.urls")),
    path("", include("reports.urls")),
    path("clinic/", include("recovery_hub.clinic_admin_urls")),
    path("resources/", include("resources.urls")),
    path("events/", include("events.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("engagement.urls")),
    path("", include("updates.urls")),
    path("", include("messaging.urls")),
    path("", include("joining.urls")),
    path("", include("trail.urls")),
    path("", include("interop.urls")),
    path("", include("calendars.urls")),
    path("", include("imports.urls")),
    path("", include("webhooks.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split: the page and its script are two answers, so no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
    # Before Django's own, at the same address: a signed-in person's choice is also saved.
    path("i18n/setlang/", account_views.language_switch, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Under /api/ errors answer JSON in the API's error shape; elsewhere the usual pages.
handler400 = "recovery_hub.errors.bad_request"
handler403 = "recovery_hub.errors.permission_denied"
handler404 = "recovery_hub.errors.page_not_found"
handler500 = "recovery_hub.errors.server_error"
