"""Celebration messages: the review page and the card (the patient and their care team), and a
supporter writing their own message. Access: coping.access.patient_page opens the patient for
the person themself and for staff who may open the chart (404 otherwise, audited); reviewing is
for the person and their current care team only; a supporter goes through their contact row and
the "milestones" consent."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import Role
from audit.models import Action
from audit.services import audit_record
from coping.access import CopingAccess, own_patient_record, patient_page
from engagement import celebrations
from engagement import selectors as engagement_selectors
from engagement import services as engagement_services
from engagement.access import can_review, celebration_to_review
from engagement.forms import CelebrationForm, ReviewForm
from engagement.models import CelebrationMessage, CelebrationStatus
from networks.consent import consented_scopes
from networks.models import Scope
from networks.selectors import contact_for_supporter
from networks.views import patient_url
from patients.forms import apply_service_errors
from patients.models import Patient
from patients.selectors import chart_header


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


def _milestone_key(key: str) -> str:
    if not celebrations.label_of(key):
        raise Http404
    return key


def _render(
    request: HttpRequest, template: str, patient: Patient, access: CopingAccess, **context: Any
) -> HttpResponse:
    """Staff see these pages inside the chart; the person in recovery in their own layout."""
    if access.is_staff:
        context.update(
            chart_header(patient),
            access=access.chart,
            tab="celebrations",
            base_template="patients/_chart_base.html",
        )
    else:
        context.update(access=access, base_template="coping/_patient_base.html")
    context.update(patient=patient, coping=access)
    return render(request, template, context)


def _with_reasons(rows: list[CelebrationMessage]) -> list[CelebrationMessage]:
    for row in rows:
        row.reasons = celebrations.flag_reasons(row.flags)
        row.seen = celebrations.digest(row.message)
        row.label = celebrations.label_of(row.milestone_key)
    return rows


@role_required(Role.PATIENT)
def my_celebrations(request: HttpRequest) -> HttpResponse:
    return redirect("engagement:celebrations", own_patient_record(request.membership).pk)


@patient_page()
def celebrations_page(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    today = patient.local_today()
    return _render(
        request,
        "engagement/celebrations.html",
        patient,
        access,
        pending=_with_reasons(engagement_selectors.pending_for(patient)),
        reviewed=_with_reasons(engagement_selectors.reviewed_for(patient, today)),
        cards=engagement_selectors.cards_for(patient, today),
        can_review=can_review(access),
    )


@patient_page()
@require_POST
def celebration_review(
    request: HttpRequest, patient: Patient, access: CopingAccess, celebration_id: int
) -> HttpResponse:
    celebration = celebration_to_review(access, patient, celebration_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("Choose whether to approve the message or not show it."))
        return redirect("engagement:celebrations", patient.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        engagement_services.celebration_review(
            celebration=celebration,
            actor=request.user,
            approve=approve,
            seen=form.cleaned_data["seen"],
            request=request,
        )
    except ValidationError as error:
        for text in error.messages:
            messages.warning(request, text)
    else:
        writer = celebration.contact.name
        if approve:
            messages.success(
                request,
                _("Approved: the message from %(name)s will be on the card.") % {"name": writer},
            )
        else:
            messages.info(
                request, _("The message from %(name)s will not be shown.") % {"name": writer}
            )
    return redirect("engagement:celebrations", patient.pk)


@patient_page()
def celebration_card(
    request: HttpRequest, patient: Patient, access: CopingAccess, key: str, day: str
) -> HttpResponse:
    key, when = _milestone_key(key), _day(day)
    opened = when <= patient.local_today()
    return render(
        request,
        "engagement/celebration_card.html",
        {
            "patient": patient,
            "coping": access,
            "first_name": patient.first_name,
            "label": celebrations.label_of(key),
            "day": when,
            "opened": opened,
            "notes": celebrations.card_messages(patient, key, when) if opened else [],
        },
    )


@role_required(Role.SUPPORTER)
def celebration_write(request: HttpRequest, patient_id: int, key: str, day: str) -> HttpResponse:
    """A supporter's own message for a coming milestone: write it, or change it while it waits
    for review. Without the "milestones" consent, or for a day that is not a milestone open for
    messages, the page does not exist for them."""
    contact = contact_for_supporter(request.user, request.clinic, patient_id)
    patient = contact.patient
    if Scope.MILESTONES not in consented_scopes(contact):
        raise Http404
    key, when = _milestone_key(key), _day(day)
    milestone = celebrations.milestone_of(patient, key, when)
    if milestone is None or milestone not in celebrations.writable_milestones(patient):
        raise Http404
    existing = engagement_selectors.own_message(contact, key, when)
    editable = existing is None or existing.status == CelebrationStatus.PENDING
    initial = {"message": existing.message} if existing else None
    form = CelebrationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and editable and form.is_valid():
        try:
            engagement_services.celebration_write(
                contact=contact,
                key=key,
                day=when,
                request=request,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. %(name)s will see your message on the day.")
                % {"name": patient.first_name},
            )
            return redirect(patient_url(contact, "celebrations"))
    if request.method == "GET":
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=request.clinic,
            target=existing or contact,
            patient=patient,
            details={"page": "celebration_write"},
        )
    return render(
        request,
        "engagement/celebration_write.html",
        {
            "patient": patient,
            "first_name": patient.first_name,
            "milestone": milestone,
            "form": form,
            "existing": existing,
            "editable": editable,
        },
    )
