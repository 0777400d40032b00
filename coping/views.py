"""Daily check-ins, assessments and trends, for the person in recovery and their care team."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.feedback import feedback_redirect
from accounts.models import Role
from audit.models import Action
from audit.services import audit_record
from coping import selectors, services
from coping.access import CopingAccess, own_patient_record, patient_page
from coping.forms import AssessmentForm, CheckInForm, ReminderTimeForm, ScheduleForm
from coping.instruments import INSTRUMENTS
from patients.forms import apply_service_errors
from patients.models import Patient
from patients.selectors import chart_header
from patients.views import posted

PEOPLE = (Role.ADMIN, Role.CLINICIAN, Role.PATIENT)


coping_view = patient_page  # open, check, audit: see coping.access.patient_page


def _render(
    request: HttpRequest, template: str, patient: Patient, access: CopingAccess, **context: Any
) -> HttpResponse:
    """Staff see coping pages inside the chart; the person in recovery in their own layout."""
    if access.is_staff:
        context.update(
            chart_header(patient),
            access=access.chart,
            tab="checkins",
            base_template="patients/_chart_base.html",
        )
    else:
        context.update(access=access, base_template="coping/_patient_base.html")
    context.update(patient=patient, coping=access)
    return render(request, template, context)


@coping_view()
def checkins(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    days = 90 if request.GET.get("days") == "90" else 30
    today = patient.local_today()
    recent = selectors.recent_checkins(patient)
    schedule = selectors.schedule_for(patient, today)
    assessments = selectors.assessment_series(patient)
    series, streak, _today = selectors.series_and_streak(patient, days, today)
    return _render(
        request,
        "coping/checkins.html",
        patient,
        access,
        days=days,
        series=series,
        recent=recent,
        checked_in_today=bool(recent) and recent[0].local_date == today,
        streak=streak,
        assessments=assessments,
        questionnaires=[
            {"slug": slug, "instrument": i, "points": assessments.get(slug, [])}
            for slug, i in INSTRUMENTS.items()
        ],
        schedule=schedule,
        due_now=[due for due in schedule if due.due_today],
        next_due=min(schedule, key=lambda due: due.next_due, default=None),
        bands={
            slug: [{"slug": b.slug, "low": b.low, "high": b.high} for b in i.bands]
            for slug, i in INSTRUMENTS.items()
        },
    )


def _checkin(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    """A new check-in starts with nothing chosen; today's existing one starts from its saved
    answers, so saving again changes only what the person changes."""
    strategies = services.plan_strategies(patient)
    today = patient.checkins.filter(local_date=patient.local_today()).first()
    form = CheckInForm(
        posted(request), strategies=strategies, initial=CheckInForm.initial_from(today)
    )
    if request.method == "POST" and form.is_valid():
        try:
            _checkin_row, created = services.checkin_submit(
                patient=patient, actor=request.user, request=request, **form.service_values()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you for checking in.") if created else _("Today's check-in is updated."),
            )
            return redirect("coping:checkins", patient.pk)
    return _render(request, "coping/checkin_form.html", patient, access, form=form, today=today)


@coping_view(write=True)
def checkin_new(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    return _checkin(request, patient, access)


@role_required(Role.PATIENT)
def my_checkin(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request.membership)
    if request.method == "GET":
        audit_record(
            action=Action.VIEW,
            request=request,
            target=patient,
            patient=patient,
            details={"page": "my_checkin"},
        )
    return _checkin(request, patient, CopingAccess(request.membership, patient))


@coping_view(write=True)
def assessment_new(
    request: HttpRequest, patient: Patient, access: CopingAccess, instrument: str
) -> HttpResponse:
    if instrument not in INSTRUMENTS:
        raise Http404
    form = AssessmentForm(posted(request), instrument=INSTRUMENTS[instrument])
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_submit(
                patient=patient,
                instrument=instrument,
                answers=form.answers(),
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            chosen = INSTRUMENTS[instrument]
            band = chosen.band_for(float(assessment.total)).label
            # The person reads the everyday name; the care team the published one.
            name = chosen.short_name if access.is_staff else capfirst(_(chosen.plain_name))
            messages.success(
                request,
                _("%(name)s saved: %(total)s, %(band)s.")
                % {
                    "name": name,
                    "total": _number(assessment.total),
                    "band": _(band).lower(),
                },
            )
            return redirect("coping:checkins", patient.pk)
    return _render(
        request,
        "coping/assessment_form.html",
        patient,
        access,
        form=form,
        instrument=INSTRUMENTS[instrument],
    )


def _number(value: object) -> str:
    text = f"{value}"
    return text[:-3] if text.endswith(".00") else text


@coping_view(write=True)
def schedule_set(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    """The care team changes how often a questionnaire is due (POST only)."""
    if request.method != "POST" or not access.is_staff:
        raise Http404
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_schedule_set(
                patient=patient, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Schedule saved."))
    else:
        messages.error(request, _("Choose every 1 to 365 days."))
    return redirect("coping:checkins", patient.pk)


@role_required(Role.PATIENT)
def my_reminder_time(request: HttpRequest) -> HttpResponse:
    """The person chooses when the daily check-in reminder comes (their own time zone)."""
    patient = own_patient_record(request.membership)
    if request.method != "POST":
        raise Http404
    form = ReminderTimeForm(request.POST)
    if form.is_valid():
        services.checkin_reminder_time_set(
            patient=patient,
            at=form.cleaned_data["checkin_reminder_time"],
            actor=request.user,
            request=request,
        )
        text, level = _("Your daily reminder time is saved."), messages.SUCCESS
    else:
        text, level = _("Choose a time, such as 19:00."), messages.ERROR
    # The form is at the foot of the check-in page: say so there, not at the top.
    return feedback_redirect(
        request, reverse("coping:my_checkin"), text, at="reminder", level=level
    )


@role_required(Role.PATIENT)
def my_progress(request: HttpRequest) -> HttpResponse:
    return redirect("coping:checkins", own_patient_record(request.membership).pk)


@role_required(Role.PATIENT)
def my_plan(request: HttpRequest) -> HttpResponse:
    return redirect("coping:plan", own_patient_record(request.membership).pk)
