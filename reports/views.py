from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.models import Role
from reports.selectors import clinic_overview


@role_required(Role.ADMIN)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/dashboard.html", clinic_overview(clinic=request.clinic))
