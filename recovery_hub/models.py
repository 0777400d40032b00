from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per run of the periodic heartbeat task: the worker and beat are alive."""

    hostname = models.CharField(_("worker"), max_length=255)
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.ran_at:%Y-%m-%d %H:%M:%S}"
