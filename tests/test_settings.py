"""Production settings refuse to start without a real secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _start_django(**env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **env,
            "READ_DOT_ENV": "false",  # a laptop's .env must not decide this test
            "DJANGO_SETTINGS_MODULE": "recovery_hub.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _start_django(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("key", ["django-insecure-abcdefghijklmnopqrstuvwxyz0123456789", "short"])
def test_production_refuses_a_development_or_short_key(key):
    result = _start_django(DEBUG="false", SECRET_KEY=key)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_key():
    result = _start_django(DEBUG="false", SECRET_KEY="k" * 20 + "Zq9-rT4_vB7nM2xL5pW8sD1f")

    assert result.returncode == 0, result.stderr


def test_a_laptop_with_debug_on_needs_no_secret_key():
    result = _start_django(DEBUG="true")

    assert result.returncode == 0, result.stderr
