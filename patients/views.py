from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.models import Role
from patients.selectors import caseload_for, patient_record_for

CASELOAD_PAGE_SIZE = 25


@role_required(Role.CLINICIAN)
def caseload(request: HttpRequest) -> HttpResponse:
    patients = caseload_for(clinician=request.user, clinic=request.clinic)
    page = Paginator(patients, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "patients/caseload.html", {"page": page})


@role_required(Role.PATIENT)
def patient_home(request: HttpRequest) -> HttpResponse:
    patient = patient_record_for(user=request.user, clinic=request.clinic)
    return render(request, "patients/patient_home.html", {"patient": patient})
