"""An upload between its preview and its confirmation: the rows as read from the file, kept
for the admin who uploaded it (and no one else) for a short while. Confirming checks every row
again: the clinic may have changed in between."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization

# A preview older than this cannot be confirmed (upload the file again); it is swept away by
# the next upload.
PENDING_LIFETIME = timedelta(hours=2)


class ImportKind(models.TextChoices):
    PATIENTS = "patients", _("Patients")
    CONTACTS = "contacts", _("Network contacts")


class PendingImportQuerySet(models.QuerySet["PendingImport"]):
    def live(self) -> "PendingImportQuerySet":
        return self.filter(created_at__gt=timezone.now() - PENDING_LIFETIME)

    def stale(self) -> "PendingImportQuerySet":
        return self.filter(created_at__lte=timezone.now() - PENDING_LIFETIME)


class PendingImport(models.Model):
    clinic = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    file_name = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(_("format"), max_length=4)
    rows = models.JSONField(_("rows"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")
        indexes = [models.Index(fields=["created_at"], name="imports_pending_created")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name}"
