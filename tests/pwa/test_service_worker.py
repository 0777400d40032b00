"""The service worker (/sw.js): served from the root, and keeping only its allow-list.

The worker's source is read as text: what it may store is the shell (static files and the
offline page) and the person's own crisis plan, and no other `put`, `add` or cache exists in it.
tests/pwa/test_offline_browser.py checks the same in a browser that goes offline."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from recovery_hub import pwa

pytestmark = pytest.mark.django_db

WORKER = "/sw.js"


def _worker(client) -> str:
    response = client.get(WORKER)
    assert response.status_code == 200
    return response.content.decode()


def _config(source: str) -> dict:
    return json.loads(re.search(r"const CONFIG = (\{.*?\n\});", source, re.S).group(1))


def test_the_worker_is_served_from_the_root_and_always_asked_again(client):
    response = client.get(WORKER)
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]  # and no-store, from the security middleware
    assert client.post(WORKER).status_code == 405


def test_the_worker_is_told_the_hashed_names_of_the_shell(client):
    config = _config(_worker(client))
    assert config["shell"] == [static(name) for name in pwa.SHELL_FILES]
    assert all(
        url.startswith("/" + settings.STATIC_URL.strip("/") + "/") for url in config["shell"]
    )
    assert all(finders.find(name) for name in pwa.SHELL_FILES)
    assert config["offline"] == "/offline/"
    assert config["crisisPlan"] == "/my-recovery/crisis-plan/"
    assert config["signOut"] == "/accounts/logout/"


def test_base_html_loads_nothing_the_shell_does_not_keep(client):
    """Every static file base.html loads is in the shell, so a page from the cache looks right."""
    html = client.get("/no-such-page/").content.decode()  # base.html and nothing of its own
    loaded = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html))
    shell = set(_config(_worker(client))["shell"])
    assert loaded - {static("icons/apple-touch-icon-180.png")} <= shell, loaded - shell


def test_the_cache_name_changes_with_the_shell(client, monkeypatch):
    first = re.search(r'const VERSION = "(\w+)"', _worker(client)).group(1)
    assert first == re.search(r'const VERSION = "(\w+)"', _worker(client)).group(1)  # stable
    monkeypatch.setattr(pwa, "SHELL_FILES", (*pwa.SHELL_FILES, "css/celebrations.css"))
    assert re.search(r'const VERSION = "(\w+)"', _worker(client)).group(1) != first


def test_the_worker_stores_only_its_allow_list(client):
    source = _worker(client)
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    # Two caches: the shell (versioned) and the crisis plan. Nothing else is opened.
    assert set(re.findall(r"caches\s*\.open\(([^)]*)\)", code)) == {"SHELL_CACHE", "CRISIS_CACHE"}
    # The shell cache is filled once, at install, with the shell and the offline page ...
    assert re.findall(r"\.addAll\(([^)]*)\)", code) == ["[...CONFIG.shell, CONFIG.offline]"]
    # ... and the only other write is the crisis plan, at its own address.
    assert re.findall(r"\.put\(([^)]*)\)", code) == ["CONFIG.crisisPlan, response"]
    assert not re.search(r"\.add\(", code)
    # Pages go to the network first; a page is kept only if it is the crisis plan.
    assert "if (path === CONFIG.crisisPlan) await keepCrisisPlan(response.clone());" in code
    # Signing out (a POST to the sign-out address) forgets it.
    assert "if (url.pathname === CONFIG.signOut) event.waitUntil(forgetCrisisPlan());" in code


def test_a_push_may_only_open_a_path_of_this_site(client):
    code = _worker(client)
    assert 'data: { url: sitePath(data.url) || "/" }' in code
    assert (
        'const path = sitePath(event.notification.data && event.notification.data.url) || "/";'
        in code
    )
    assert 'value.startsWith("//")' in code  # protocol-relative URLs are refused
