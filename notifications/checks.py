"""System checks of notifications: Web Push needs its VAPID keys in production."""

from collections.abc import Iterable, Sequence

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register(deploy=True)  # `manage.py check --deploy`: the production check
def vapid_keys_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> Iterable[CheckMessage]:
    """Warn (production: DEBUG off, `check --deploy`) when push cannot work: a missing or
    half VAPID key pair, or a subject that is not a mailto: or https: address."""
    if settings.DEBUG:
        return []
    found = []
    if not (settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY):
        found.append(
            Warning(
                "Web Push is off: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are not both set.",
                hint="Generate a pair (scripts/demo_env.py shows how) and set both; "
                "the settings page tells people push is not set up until then.",
                id="notifications.W001",
            )
        )
    if not str(settings.VAPID_SUBJECT).startswith(("mailto:", "https://")):
        found.append(
            Warning(
                "VAPID_SUBJECT must be a mailto: or https: address push services can reach.",
                id="notifications.W002",
            )
        )
    return found
