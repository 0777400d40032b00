"""The settings of the Celery worker a webhooks test starts (tests/webhooks/test_worker.py):
the project's own, with the tests' local plain-HTTP receiver allowed."""

from recovery_hub.settings import *  # noqa: F403

WEBHOOKS_ALLOW_INSECURE_HOSTS = ["127.0.0.1"]
