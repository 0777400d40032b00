"""The Celery app. Redis is the broker when REDIS_URL is set; otherwise an embedded,
file-based broker that needs no server (see settings). The timetable is in schedule.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_hub.settings")

app = Celery("recovery_hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_schedule(sender: Celery, **kwargs: object) -> None:
    from recovery_hub.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE


@app.on_after_configure.connect
def _prepare_embedded_broker(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    if sender.conf.broker_url.startswith("filesystem://"):
        settings.BROKER_DIR.joinpath("queue").mkdir(parents=True, exist_ok=True)
        settings.BROKER_DIR.joinpath("processed").mkdir(parents=True, exist_ok=True)
        settings.BROKER_DIR.joinpath("control").mkdir(parents=True, exist_ok=True)
