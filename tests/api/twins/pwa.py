"""Twins of Step 14's installable app: the manifest, the service worker, the offline pages."""

from tests.api.twins import Why

BROWSER_FILE = Why(
    "A file for the browser, not data: the same for everyone, read by the browser to install "
    "the site and to work without a connection."
)

TWINS = {
    "pwa:manifest": BROWSER_FILE,
    "pwa:service_worker": BROWSER_FILE,
    "pwa:offline": BROWSER_FILE,
    "coping:my_crisis_plan": ("api:me-coping-plan",),
}
