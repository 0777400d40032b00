"""The clinic admin's FHIR export page (/clinic/fhir-export/): what the download holds and the
button that fetches it from the API (GET /api/v1/fhir/export/, audited there)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.models import Role
from interop.codes import BASE_URL, LOCAL_SYSTEMS
from interop.fhir import EXPORT_ORDER


@role_required(Role.ADMIN)
def fhir_export(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "interop/fhir_export.html",
        {
            "patients": request.clinic.patients.count(),
            "resource_types": EXPORT_ORDER,
            "base_url": BASE_URL,
            "local_systems": LOCAL_SYSTEMS,
        },
    )
