from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse

from audit.models import Action, AuditEvent
from audit.services import audit_list, audit_record, list_filters

PATIENT = "patients.Patient"


class AuditedReadsAdmin(admin.ModelAdmin):
    """A ModelAdmin whose reads of patient data are audited like the app's: a change-list page
    is one list read naming the patients on that page (not the whole table), and opening a
    record is a view of it. `patient_field` names the row's patient (the patient itself for
    the Patient model)."""

    patient_field = "patient"

    def _patient_id(self, obj: models.Model) -> Any:
        if obj._meta.label == PATIENT:
            return obj.pk
        return getattr(obj, f"{self.patient_field}_id", None)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if request.method == "GET" and changelist is not None:
            rows = list(changelist.result_list)
            audit_list(
                list_name=f"django_admin:{self.model._meta.label}",
                request=request,
                filters=list_filters(request.GET, leave_out=("p",)),
                rows=len(rows),
                patient_ids=[self._patient_id(row) for row in rows],
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        shown = (getattr(response, "context_data", None) or {}).get("original")
        if request.method == "GET" and shown is not None:
            patient_id = self._patient_id(shown)
            audit_record(
                action=Action.VIEW,
                request=request,
                target=shown,
                patient=self._patient_model()(pk=patient_id) if patient_id else None,
                details={"page": "django_admin"},
            )
        return response

    def _patient_model(self) -> type[models.Model]:
        return apps.get_model(PATIENT)


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedReadsAdmin):
    list_display = ("occurred_at", "clinic", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "clinic")
    search_fields = ("actor__email", "object_id")
    list_select_related = ("clinic", "actor")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
