"""Lighthouse's installable-app (PWA) checks on the person's home and the supporter's home.

Lighthouse 12 (the one pinned for the scores, tests/browser/test_lighthouse.py) no longer has a
PWA category; package.json adds Lighthouse 11 under the alias `lighthouse-pwa`, the last major
version that runs these audits. It runs against the site as in production (gunicorn, DEBUG off,
hashed static files) with its mobile profile, signed in by the session cookie. Every automatic
audit of the category must pass: the manifest makes the site installable (installable-manifest),
has a splash screen (splash-screen), sets the address bar's colour (themed-omnibox), has a
maskable icon (maskable-icon), and the page fits a phone (viewport, content-width).

With CI=true a missing Node.js, Lighthouse or Chromium fails the run instead of skipping it."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from recovery_hub.demo import seed_demo
from tests.browser.test_lighthouse import CHROMIUM, LOST_TRACE, _session_cookie, _warm_up, server
from tests.worker import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.lighthouse, pytest.mark.django_db(transaction=True)]

__all__ = ["server"]  # the gunicorn fixture, shared with the scores' test

LIGHTHOUSE_PWA = ROOT / "node_modules" / "lighthouse-pwa" / "cli" / "index.js"
PAGES = [
    ("the person's home", "patient@demo.clinic", "/my-recovery/"),
    ("the supporter's home", "family@demo.clinic", "/support/"),
]
AUDITS = (
    "installable-manifest",
    "splash-screen",
    "themed-omnibox",
    "maskable-icon",
    "viewport",
    "content-width",
)


def _tools_or_skip() -> None:
    missing = [str(p) for p in (LIGHTHOUSE_PWA, Path(CHROMIUM)) if not p.exists()]
    if shutil.which("node") is None:
        missing.append("node")
    if not missing:
        return
    message = f"Lighthouse's PWA checks need {', '.join(missing)} (scripts/test.sh runs npm ci)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def _run(url: str, headers: str, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            *(shutil.which("node") or "node", str(LIGHTHOUSE_PWA), url),
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=pwa",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            f"--extra-headers={headers}",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _pwa_audits(url: str, cookie: str, out: Path) -> tuple[str, dict[str, dict]]:
    _warm_up(url, cookie, "en")
    headers = json.dumps({"Cookie": cookie, "Accept-Language": "en"})
    for _attempt in range(3):
        result = _run(url, headers, out)
        if result.returncode == 0 or not LOST_TRACE.search(result.stderr):
            break
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["finalDisplayedUrl"].startswith(url), (url, report["finalDisplayedUrl"])
    return report["lighthouseVersion"], report["audits"]


def test_the_homes_pass_lighthouses_installable_app_checks(server, tmp_path):
    _tools_or_skip()
    seed_demo(clinics=1, patients=3, seed=3)
    rows, problems = [], []
    for what, email, path in PAGES:
        out = tmp_path / f"{path.strip('/').replace('/', '-')}.json"
        version, audits = _pwa_audits(server + path, _session_cookie(email, "en"), out)
        # Lighthouse found our manifest (not a pass for want of anything to check).
        manifest_url = audits["installable-manifest"]["details"]["debugData"]["manifestUrl"]
        assert manifest_url == server + "/manifest.webmanifest", manifest_url
        for audit_id in AUDITS:
            audit = audits[audit_id]
            rows.append(f"| {what} (`{path}`) | {audit_id} | {audit['score']} |")
            if audit["score"] != 1:
                detail = json.dumps(audit.get("details", {}).get("items", []))[:600]
                problems.append(f"{path} {audit_id} {audit['score']}: {audit['title']} {detail}")
    table = [f"Lighthouse {version}, PWA audits:", "| page | audit | score |", "|---|---|---|"]
    print("\n" + "\n".join(table + rows))
    assert problems == [], "\n".join(problems)
