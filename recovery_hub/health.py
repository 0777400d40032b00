"""GET /healthz: is each dependency reachable? 200 when all are, 503 naming what is down."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    options.setdefault("socket_timeout", BROKER_TIMEOUT_SECONDS)
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=BROKER_TIMEOUT_SECONDS,
        transport_options=options,
    ) as conn:
        conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
        channel = conn.default_channel
        client = getattr(channel, "client", None)
        if client is not None and hasattr(client, "ping"):
            client.ping()  # Redis: a connection object alone proves nothing until it talks.


CHECKS = {"database": check_database, "broker": check_broker}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    body: dict[str, object] = {}
    down: list[str] = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure of a dependency is "down", never a 500
            logger.warning("health check %s failed: %s", name, exc)
            body[name] = "down"
            down.append(name)
        else:
            body[name] = "ok"
    body["status"] = "down" if down else "ok"
    if down:
        body["down"] = down
    return JsonResponse(body, status=503 if down else 200)
