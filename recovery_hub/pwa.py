"""The installable app: the web app manifest, the service worker and the offline page.

All three are files for the browser, the same for everyone and free of patient data, so they
are open to anyone (the browser fetches the manifest without a session). The worker is served
from the root, so that its scope is the whole site, and is rendered with the hashed names of the
static files it keeps (whitenoise's manifest storage renames them on every change). What the
worker may keep is an explicit allow-list, written here and in templates/pwa/sw.js: the shell
(the static files of the page layout), the offline page, and the signed-in person's own crisis
plan (coping:my_crisis_plan), which it forgets on sign-out. No other page or API answer is kept.
"""

import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# The colours of static/css/app.css and Bootstrap's: the brand blue and the page's white.
THEME_COLOR = "#0d6efd"
BACKGROUND_COLOR = "#ffffff"

# Static files every page of base.html loads, and the crisis plan page's own: the shell.
SHELL_FILES = (
    "favicon.svg",
    "vendor/bootstrap/css/bootstrap.min.css",
    "css/app.css",
    "css/plan.css",
    "vendor/htmx/htmx.min.js",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "js/app.js",
    "js/idle.js",
    "js/print.js",
    "js/pwa.js",
    "icons/icon-192.png",
    "icons/badge-96.png",
)
ICONS = (
    {"src": "icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
    {"src": "icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
    {
        "src": "icons/icon-maskable-512.png",
        "sizes": "512x512",
        "type": "image/png",
        "purpose": "maskable",
    },
)
MANIFEST_TYPE = "application/manifest+json"
WORKER_TYPE = "application/javascript; charset=utf-8"


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, in the language of the request."""
    body = {
        "id": "/",
        "name": _("Recovery Hub"),
        "short_name": _("Recovery Hub"),
        "description": _(
            "Your recovery plan, check-ins and support network, with your crisis plan at hand "
            "even without a connection."
        ),
        "lang": get_language(),
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["health", "medical"],
        "icons": [{**icon, "src": static(icon["src"])} for icon in ICONS],
    }
    return JsonResponse(body, content_type=MANIFEST_TYPE, json_dumps_params={"indent": 2})


def worker_config() -> dict[str, object]:
    """What the worker is told: the shell to keep, and the few pages it knows by address."""
    return {
        "shell": [static(name) for name in SHELL_FILES],
        "offline": reverse("pwa:offline"),
        "crisisPlan": reverse("coping:my_crisis_plan"),
        "signOut": reverse("account_logout"),
        "icon": static("icons/icon-192.png"),
        "badge": static("icons/badge-96.png"),
        "title": _("Recovery Hub"),
    }


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, at the root so its scope is the site. Its cache's name is a hash of
    the worker itself: a new static file (a new hashed name) or a new rule is a new worker, and
    the new worker drops the old cache when it takes over."""
    config = worker_config()
    source = render_to_string("pwa/sw.js", {"config": json.dumps(config, indent=2)})
    version = hashlib.sha256(source.encode()).hexdigest()[:12]
    response = HttpResponse(source.replace("__VERSION__", version), content_type=WORKER_TYPE)
    # Always asked again (the security middleware adds no-store on top of this).
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What a page shows when there is no connection: 988, and the crisis plan if kept. The
    worker keeps it at install; it names no one, so the same copy serves whoever opens it."""
    return render(request, "pwa/offline.html")
