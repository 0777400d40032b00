from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.models import Role


@role_required(Role.SUPPORTER)
def supporter_home(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/supporter_home.html")
