"""`manage.py flush`, which empties every table, audit trail included.

On PostgreSQL the audit tables refuse TRUNCATE (migration 0006). A superuser's session may
switch triggers off (`session_replication_role = replica`) for the flush; the test runner's
transactional tests flush this way between tests. Any other role gets the refusal, as it should:
the application's own role must never be able to empty the audit trail.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.commands import flush
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper


@contextmanager
def triggers_off_for_superuser(connection: BaseDatabaseWrapper) -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        if superuser:
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")


class Command(flush.Command):
    help = flush.Command.help + " On PostgreSQL, the audit trail only for a superuser."

    def handle(self, **options: Any) -> None:
        with triggers_off_for_superuser(connections[options["database"]]):
            super().handle(**options)
