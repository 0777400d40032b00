"""The help button's pages: the person's help page (988 first, then asking their people), the
status of their request ("who is on it"), and the "I'm on it" buttons of the supporter portal
and the chart. Views parse, call one service or selector from engagement.help, and render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Role
from audit.models import Action
from audit.services import audit_record
from coping.access import own_patient_record
from engagement.access import help_request_on_chart, open_ask_for_supporter, own_help_request
from engagement.forms import HelpForm
from engagement.help import OPEN_FOR, askable_supporters, channel_summary, help_refused
from engagement.models import HelpRequest
from engagement.selectors import crisis_plan_for, help_status, recent_request
from engagement.services import help_acknowledge, help_request_send
from networks.selectors import contact_for_supporter
from networks.views import posted
from patients.access import ChartAccess, chart_view
from patients.forms import apply_service_errors
from patients.models import Patient

# htmx stops polling on this status (the request is old, or everyone asked has answered).
STOP_POLLING = 286


def _help_page(request: HttpRequest, patient: Patient, form: HelpForm) -> HttpResponse:
    checked = form.checked()
    rows = [
        {
            "contact": contact,
            "checked": contact.pk in checked,
            "how": channel_summary(contact),
            "refused": contact.pk in form.refused,
        }
        for contact in form.supporters
    ]
    context = {
        "patient": patient,
        "crisis": crisis_plan_for(patient),
        "form": form,
        "rows": rows,
        "recent": recent_request(patient),
    }
    return render(request, "engagement/help.html", context)


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def my_help(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request.membership)
    supporters = askable_supporters(patient)
    form = HelpForm(
        posted(request), supporters=supporters, refused=help_refused(patient, supporters)
    )
    if request.method == "POST" and form.is_valid():
        try:
            help_request = help_request_send(
                patient=patient,
                contacts=form.cleaned_data["contacts"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _sent_message(help_request))
            return redirect("engagement:my_help_status", help_request.pk)
    if request.method == "GET":
        audit_record(
            action=Action.VIEW,
            request=request,
            target=patient,
            patient=patient,
            details={"page": "my_help"},
        )
    return _help_page(request, patient, form)


def _sent_message(help_request: HelpRequest) -> str:
    count = len(help_request.newly_asked)
    if help_request.reused:
        if count:
            return ngettext(
                "Your request from a few minutes ago is still open: we asked %(count)d more "
                "person. Nobody was messaged twice.",
                "Your request from a few minutes ago is still open: we asked %(count)d more "
                "people. Nobody was messaged twice.",
                count,
            ) % {"count": count}
        return _(
            "You asked a few minutes ago, so nobody was messaged again. Your care team "
            "already knows."
        )
    if count:
        return ngettext(
            "We asked %(count)d person for help and told your care team.",
            "We asked %(count)d people for help and told your care team.",
            count,
        ) % {"count": count}
    return _("We told your care team that you asked for help.")


@role_required(Role.PATIENT)
def my_help_status(request: HttpRequest, request_id: int) -> HttpResponse:
    patient = own_patient_record(request.membership)
    help_request = own_help_request(patient, request_id)
    status = help_status(help_request)
    audit_record(
        action=Action.VIEW,
        request=request,
        target=help_request,
        patient=patient,
        details={"page": "my_help_status", "refresh": bool(request.htmx)},
    )
    context = {"patient": patient, "status": status, "crisis": crisis_plan_for(patient)}
    if request.htmx:
        return render(
            request,
            "engagement/_help_status.html",
            context,
            status=200 if status.keep_polling else STOP_POLLING,
        )
    return render(request, "engagement/help_status.html", context)


@role_required(Role.SUPPORTER)
@require_POST
def supporter_on_it(request: HttpRequest, patient_id: int, request_id: int) -> HttpResponse:
    """The portal's "I'm on it": only for a supporter this open request asked."""
    contact = contact_for_supporter(request.user, request.clinic, patient_id)
    asked = open_ask_for_supporter(contact, request_id, OPEN_FOR)
    try:
        ack = help_acknowledge(help_request=asked.request, contact=contact, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = contact.patient.first_name
        if ack.is_new:
            messages.success(
                request, _("Thank you. %(name)s can see that you are on it.") % {"name": name}
            )
        else:
            messages.info(request, _("You already said you are on it. Thank you."))
    url = reverse("networks:supporter_patient", args=[contact.patient_id])
    return redirect(f"{url}#help-requests")


@chart_view(write=True)
@require_POST
def staff_on_it(
    request: HttpRequest, patient: Patient, access: ChartAccess, request_id: int
) -> HttpResponse:
    """The chart's "I'm on it": the care team (and a clinician with emergency access)."""
    help_request = help_request_on_chart(patient, request_id)
    try:
        ack = help_acknowledge(help_request=help_request, user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if ack.is_new:
            messages.success(
                request, _("%(name)s can see that you are on it.") % {"name": patient.display_name}
            )
    url = reverse("patients:alerts", args=[patient.pk])
    return redirect(f"{url}#alert-{help_request.alert_id}" if help_request.alert_id else url)
