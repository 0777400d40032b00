"""The ground floor's one model: the heartbeat the periodic task writes (recovery_hub.tasks) and
the admin dashboard reads (reports.selectors). It lives here, below every app, so a reader never
imports the project package."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per run of the periodic heartbeat task: the worker and beat are alive."""

    hostname = models.CharField(_("worker"), max_length=255)
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True, db_index=True)

    class Meta:
        # Created by recovery_hub's first migration; moved here without moving the table.
        db_table = "recovery_hub_workerheartbeat"
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.ran_at:%Y-%m-%d %H:%M:%S}"
