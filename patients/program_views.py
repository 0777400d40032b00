"""The clinic admin's pages on the patient side: programs, every patient of the clinic (read
only) and the emergency-access log. Admins only; anything of another clinic answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.forms import SetActiveForm
from accounts.models import Organization, Role
from accounts.staff_views import form_errors_from
from audit.services import audit_list, list_filters
from patients.access import patients_for_staff
from patients.forms import PatientFilterForm, ProgramForm
from patients.models import EmergencyAccess, PatientStatus, Program
from patients.selectors import filter_patients
from patients.services import program_save

PATIENTS_PAGE_SIZE = 25
EMERGENCY_PAGE_SIZE = 25


# --- Reads ------------------------------------------------------------------------------------


def programs_of(clinic: Organization) -> QuerySet[Program]:
    """The clinic's programs with how many patients each has, counted in the database."""
    return (
        Program.objects.filter(clinic=clinic)
        .annotate(
            patient_count=Count("patients", distinct=True),
            active_patient_count=Count(
                "patients", filter=Q(patients__status=PatientStatus.ACTIVE), distinct=True
            ),
        )
        .order_by("-is_active", "name", "pk")
    )


def program_of(clinic: Organization, program_id: int) -> Program:
    return get_object_or_404(Program.objects.filter(clinic=clinic), pk=program_id)


def emergency_access_log(clinic: Organization) -> QuerySet[EmergencyAccess]:
    """Every emergency opening of a chart of this clinic, newest first, with who and whom."""
    return (
        EmergencyAccess.objects.filter(patient__clinic=clinic)
        .select_related("user", "patient")
        .annotate(
            still_active=ExpressionWrapper(
                Q(expires_at__gt=timezone.now()), output_field=BooleanField()
            )
        )
        .order_by("-started_at", "-pk")
    )


# --- Programs ---------------------------------------------------------------------------------


@role_required(Role.ADMIN)
def programs(request: HttpRequest) -> HttpResponse:
    return render(request, "clinic_admin/programs.html", {"programs": programs_of(request.clinic)})


def _program_form(request: HttpRequest, program: Program | None) -> HttpResponse:
    # program_save sets the new values on the object before it validates them: keep the saved
    # name for the page heading.
    saved_name = program.name if program else ""
    if program is None:
        initial = {"is_active": True}
    else:
        initial = {
            "name": program.name,
            "description": program.description,
            "is_active": program.is_active,
        }
    form = ProgramForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = program_save(
                clinic=request.clinic,
                actor=request.user,
                program=program,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The program “%(name)s” was saved.") % {"name": saved.name})
            return redirect("clinic_admin:programs")
    context = {"form": form, "program": program, "program_name": saved_name}
    return render(request, "clinic_admin/program_form.html", context)


@role_required(Role.ADMIN)
def program_new(request: HttpRequest) -> HttpResponse:
    return _program_form(request, None)


@role_required(Role.ADMIN)
def program_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    return _program_form(request, program_of(request.clinic, program_id))


@role_required(Role.ADMIN)
@require_POST
def program_active(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_of(request.clinic, program_id)
    form = SetActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to deactivate or reactivate."))
        return redirect("clinic_admin:programs")
    try:
        program_save(
            clinic=request.clinic,
            actor=request.user,
            program=program,
            request=request,
            is_active=form.cleaned_data["active"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if program.is_active:
            message = _("The program “%(name)s” is active again.")
        else:
            message = _("The program “%(name)s” was deactivated.")
        messages.success(request, message % {"name": program.name})
    return redirect("clinic_admin:programs")


# --- All patients -----------------------------------------------------------------------------


@role_required(Role.ADMIN)
def patients(request: HttpRequest) -> HttpResponse:
    form = PatientFilterForm(request.GET or None, clinic=request.clinic)
    rows = filter_patients(patients_for_staff(request.membership), form.filters())
    page = Paginator(rows, PATIENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_list(
        list_name="clinic_patients",
        request=request,
        filters=list_filters(request.GET),
        patient_ids=[patient.pk for patient in page.object_list],
    )
    return render(request, "clinic_admin/patients.html", {"form": form, "page": page})


# --- Emergency access -------------------------------------------------------------------------


@role_required(Role.ADMIN)
def emergency_access(request: HttpRequest) -> HttpResponse:
    log = emergency_access_log(request.clinic)
    page = Paginator(log, EMERGENCY_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_list(
        list_name="emergency_access_log",
        request=request,
        filters=list_filters(request.GET),
        patient_ids=[grant.patient_id for grant in page.object_list],
    )
    return render(request, "clinic_admin/emergency_access.html", {"page": page})
