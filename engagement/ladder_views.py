"""The escalation ladder's pages: the care team's "I reached out", the person's choice of who
may be asked, and the clinic's policy (posted from the clinic settings page)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import Organization, Role
from accounts.staff_views import settings_page
from coping.access import CopingAccess, own_patient_record, patient_page
from engagement.access import ladder_step_for_staff
from engagement.forms import LadderContactForm, LadderPolicyForm
from engagement.ladder import chosen_contact, policy_of
from engagement.selectors import ladder_candidates
from engagement.services import ladder_contact_set, policy_save, staff_step_act
from networks.manage_views import _page as network_page
from patients.models import Patient


@role_required(Role.CLINICIAN, Role.ADMIN)
@require_POST
def ladder_step_act(request: HttpRequest, patient_id: int, step_id: int) -> HttpResponse:
    """A member of the care team reached out: recorded on the step (care team only)."""
    patient, step = ladder_step_for_staff(request.membership, patient_id, step_id)
    try:
        first = staff_step_act(step=step, user=request.user, request=request)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        if first:
            messages.success(request, _("Recorded: you reached out."))
        else:
            messages.info(request, _("Someone had already recorded reaching out on this step."))
    return redirect(reverse("patients:alerts", args=[patient.pk]) + "#ladder")


@role_required(Role.PATIENT)
def my_ladder_contact(request: HttpRequest) -> HttpResponse:
    return redirect("engagement:ladder_contact", own_patient_record(request.membership).pk)


@patient_page()
def ladder_contact(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    """Who may be asked to reach out if the person goes quiet. The person chooses; the care
    team may record their choice for them."""
    candidates = ladder_candidates(patient)
    current = chosen_contact(patient)
    form = LadderContactForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={"contact": current.pk if current and current in candidates else None},
    )
    if request.method == "POST":
        if not access.can_edit:
            raise Http404
        if form.is_valid():
            try:
                ladder_contact_set(
                    patient=patient,
                    contact=form.cleaned_data["contact"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error("contact", error.message_dict.get("contact", error.messages))
            else:
                messages.success(request, _("Saved."))
                return redirect("engagement:ladder_contact", patient.pk)
    return network_page(
        request,
        patient,
        access,
        "engagement/ladder_contact.html",
        form=form,
        current=current,
        candidates=candidates,
        unavailable=current is not None and current not in candidates,
    )


@role_required(Role.ADMIN)
def ladder_policy(request: HttpRequest) -> HttpResponse:
    """The clinic's ladder, shown and posted on the clinic settings page."""
    if request.method != "POST":
        return redirect("clinic_admin:settings")
    clinic = Organization.objects.get(pk=request.clinic.pk)
    form = LadderPolicyForm(request.POST, instance=policy_of(clinic), clinic=clinic)
    if form.is_valid():
        data = form.cleaned_data
        try:
            policy_save(
                clinic=clinic,
                enabled=data["enabled"],
                supporter_after_days=data["supporter_after_days"],
                clinician_after_days=data["clinician_after_days"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Escalation ladder saved."))
            return redirect(reverse("clinic_admin:settings") + "#ladder-policy")
    return settings_page(request, clinic, ladder_form=form)
