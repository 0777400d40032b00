from django.contrib import admin

from audit.admin import AuditedReadsAdmin
from patients.models import CareTeamMember, Patient, Program, RecoveryDate


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "clinic", "is_active")
    list_filter = ("clinic",)


class CareTeamInline(admin.TabularInline):
    model = CareTeamMember
    extra = 0
    raw_id_fields = ("clinician",)


@admin.register(Patient)
class PatientAdmin(AuditedReadsAdmin):
    list_display = ("legal_name", "mrn", "clinic", "program", "status")
    list_filter = ("clinic", "status")
    search_fields = ("legal_name", "preferred_name", "mrn")
    list_select_related = ("clinic", "program")
    raw_id_fields = ("user",)
    inlines = [CareTeamInline]


@admin.register(RecoveryDate)
class RecoveryDateAdmin(AuditedReadsAdmin):
    list_display = ("patient", "start_date", "reason", "recorded_at")
    raw_id_fields = ("patient", "recorded_by")
