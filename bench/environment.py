"""What every benchmark runs with: production settings (DEBUG off, a throw-away secret key, no
.env), quiet logs, and its own database."""

import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The variables a benchmark's Django (in this process or a server it starts) reads."""
    return {
        "DJANGO_SETTINGS_MODULE": "recovery_hub.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "READ_DOT_ENV": "false",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def setup_django(database_url: str, **extra: str) -> None:
    """Django in this process, on `database_url`."""
    os.environ.update(bench_environment(database_url, **extra))
    sys.path.insert(0, str(ROOT))
    (ROOT / "var").mkdir(exist_ok=True)
    import django

    django.setup()
