"""Finding 10: `manage.py check --deploy` passes with no warning under the production settings
the README gives (HSTS and the HTTPS redirect on by default), and an empty `SECURE_COOKIES=`
means the default (secure cookies), never "off"."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
MARKER = "<!-- production-environment -->"


def readme_production_environment() -> dict[str, str]:
    """The KEY=value lines of the fenced block after the README's production marker."""
    text = (ROOT / "README.md").read_text()
    assert MARKER in text, f"README.md has no {MARKER} block (the production settings)"
    block = re.search(r"```[a-z]*\n(.*?)```", text[text.index(MARKER) :], re.DOTALL)
    assert block is not None, "no fenced block after the production marker"
    environment = {}
    for line in block.group(1).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ")
        name, _, value = line.partition("=")
        environment[name] = value.strip().strip("'\"")
    return environment


def _run_django(code: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    # Only what the process needs from ours (no SECURE_COOKIES=false of the test run).
    inherited = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **inherited,
            **environment,
            "READ_DOT_ENV": "false",
            "DJANGO_SETTINGS_MODULE": "recovery_hub.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production(**overrides: str) -> dict[str, str]:
    environment = readme_production_environment()
    # A real key of this run; the services of this machine rather than the example hosts.
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(name):
            environment[name] = os.environ[name]
        else:
            environment.pop(name, None)
    environment.update(overrides)
    return environment


def test_readme_production_settings_are_production():
    environment = readme_production_environment()

    assert environment["DEBUG"] == "false"
    assert "SECURE_COOKIES" not in environment or environment["SECURE_COOKIES"] == "true"


def test_check_deploy_passes_with_no_warning_under_the_readme_production_settings():
    result = _run_django(
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
        _production(),
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


SHOW = (
    "from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
    "s.SECURE_HSTS_SECONDS)"
)


@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_secure_cookies_keeps_cookies_secure(value):
    result = _run_django(SHOW, _production(SECURE_COOKIES=value))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "31536000"]


def test_secure_cookies_false_is_plain_http_for_the_test_servers():
    result = _run_django(SHOW, _production(SECURE_COOKIES="false"))

    assert result.returncode == 0, result.stderr
    session, csrf, redirect, _ = result.stdout.split()
    assert (session, csrf, redirect) == ("False", "False", "False")
