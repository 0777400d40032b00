"""The person's milestones page: the countdown, the badges earned and still ahead, and (if they
want) the money and hours they have back. The person in recovery only; everyone else 404."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.feedback import feedback_redirect
from accounts.models import Role
from audit.models import Action
from audit.services import audit_record
from coping import badges, services
from coping.access import own_patient_record
from coping.forms import UseCostForm
from coping.models import UseCost
from patients.forms import apply_service_errors
from patients.models import Patient

USE_COST_PLACE = "use-cost"


def _initial(patient: Patient, use_cost: UseCost | None) -> dict[str, object]:
    if use_cost is None:
        return {"currency": badges.clinic_currency(patient.clinic)}
    return {
        "amount_per_week": use_cost.amount_per_week,
        "hours_per_week": use_cost.hours_per_week,
        "currency": use_cost.currency,
    }


@role_required(Role.PATIENT)
def my_milestones(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request.membership)
    use_cost = badges.use_cost_of(patient)
    url = reverse("coping:my_milestones")
    form = UseCostForm(initial=_initial(patient, use_cost))
    if request.method == "POST":
        if "clear" in request.POST:
            services.use_cost_clear(patient=patient, actor=request.user, request=request)
            return feedback_redirect(
                request, url, _("Cleared. Nothing about what use cost is kept."), at=USE_COST_PLACE
            )
        form = UseCostForm(request.POST)
        if form.is_valid():
            try:
                services.use_cost_set(
                    patient=patient, actor=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return feedback_redirect(
                    request, url, _("Saved. Only you see this."), at=USE_COST_PLACE
                )
    else:
        audit_record(
            action=Action.VIEW,
            request=request,
            target=patient,
            patient=patient,
            details={"page": "my_milestones"},
        )
    today = patient.local_today()
    context = {
        "patient": patient,
        "achievements": badges.achievements_for(patient, today),
        "use_cost": use_cost,
        "regained": badges.regained(use_cost, patient.recovery_start, today),
        "form": form,
        "base_template": "coping/_patient_base.html",
    }
    return render(request, "coping/my_milestones.html", context)
