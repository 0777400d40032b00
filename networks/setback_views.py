""" "I had a setback": the person records it in their own words and chooses who is told. This is
a different action from correcting a date, which tells no one and raises no alert."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.models import Role
from coping.access import own_patient_record
from networks.forms import MySetbackForm
from networks.services import setback_share
from patients.forms import apply_service_errors
from patients.services import setback_record


@role_required(Role.PATIENT)
def my_setback(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request.membership)
    form = MySetbackForm(
        request.POST if request.method == "POST" else None,
        patient=patient,
        initial={"occurred_on": patient.local_today()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                setback = setback_record(
                    patient=patient,
                    occurred_on=data["occurred_on"],
                    kind=data["kind"],
                    what_happened=data["what_happened"],
                    what_helped=data["what_helped"],
                    actor=request.user,
                    request=request,
                )
                setback_share(
                    setback=setback,
                    actor=request.user,
                    tell_care_team=data["tell_care_team"],
                    contacts=list(data["contacts"]),
                    request=request,
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you for sharing this. A setback is part of many recoveries; it does "
                    "not erase the progress you have made."
                ),
            )
            return redirect("patients:patient_home")
    return render(request, "networks/my_setback.html", {"form": form, "patient": patient})
