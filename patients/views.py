"""The clinician's caseload, intake, and the patient chart. Views parse, call one service or
selector, and render; access is decided in patients/access.py."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.feedback import feedback_redirect
from accounts.models import Role
from audit.services import audit_list, list_filters
from patients import selectors, services
from patients.access import ChartAccess, chart_view
from patients.forms import (
    AlertResolveForm,
    AppointmentForm,
    CareTeamAddForm,
    CaseloadFilterForm,
    EmergencyAccessForm,
    FindPatientForm,
    IntakeForm,
    MilestoneForm,
    NoteForm,
    PatientForm,
    RecoveryStartForm,
    SetbackForm,
    StatusForm,
    apply_service_errors,
)
from patients.journey_forms import JourneyFilterForm
from patients.models import Alert, Patient, PatientStatus

CASELOAD_PAGE_SIZE = 25


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one (so it shows its errors), else None."""
    return request.POST if request.method == "POST" else None


# --- Caseload and patient home ----------------------------------------------------------------


@role_required(Role.CLINICIAN)
def caseload(request: HttpRequest) -> HttpResponse:
    form = CaseloadFilterForm(request.GET or None, clinic=request.clinic)
    filters = selectors.PatientFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.PatientFilters(
            q=data["q"],
            program=data["program"],
            status=data["status"],
            has_alerts=data["has_alerts"],
            sort=data["sort"] or "name",
        )
    patients = selectors.caseload_for(
        clinician=request.user, clinic=request.clinic, filters=filters
    )
    page = selectors.one_page(patients, request.GET.get("page"), CASELOAD_PAGE_SIZE)
    chart_url, alerts_url = link_to("patients:chart"), link_to("patients:alerts")
    for patient in page.object_list:
        today = patient.local_today()
        patient.next_milestone = selectors.next_milestone(patient.recovery_start, today)
        patient.missed = patient.status == PatientStatus.ACTIVE and selectors.missed_checkins(
            patient, today
        )
        patient.chart_url, patient.alerts_url = chart_url(patient.pk), alerts_url(patient.pk)
        patient.days = patient.days_in_recovery(today)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("more", None)
    shown = [patient.pk for patient in page.object_list]
    context = {
        "page": page,
        "form": form,
        "filtered": any([filters.q, filters.program, filters.status, filters.has_alerts]),
        "query": query.urlencode(),
    }
    if not request.htmx:  # the strip is above the table: a search or a sort swaps the table
        more = request.GET.get("more")
        attention = selectors.needs_attention(
            clinician=request.user, clinic=request.clinic, full=STRIP_HEADINGS.get(more, "")
        )
        strip = attention_shown(attention, more, chart_url, alerts_url)
        shown += [alert.patient_id for alert in attention.alerts]
        shown += [item.patient_id for items in strip.values() for item in items]
        here = request.GET.copy()
        here.pop("more", None)
        context |= {
            "attention": attention,
            "strip": strip,
            "strip_more": request.GET.get("more"),
            "strip_limit": selectors.STRIP_SHOWN,
            "here": here.urlencode(),
        }
    # One event for the page: the rows shown and the people named in the strip above them.
    audit_list(
        list_name="caseload",
        request=request,
        filters=list_filters(request.GET),
        patient_ids=shown,
    )
    template = "patients/_caseload_table.html" if request.htmx else "patients/caseload.html"
    return render(request, template, context)


# The headings of the "needs attention" strip that list people by name, by their key in
# `?more=` (which one is shown in full).
STRIP_HEADINGS = {
    "overdue": "overdue_assessments",
    "milestones": "milestones",
    "missed": "missed_checkins",  # spelling: a strip heading, not a Kind
    "ladders": "open_ladders",
    "messages": "unread_messages",
}


def attention_shown(
    attention: selectors.NeedsAttention,
    more: str | None,
    chart_url: Callable[[int], str],
    alerts_url: Callable[[int], str],
) -> dict[str, list[selectors.AttentionItem]]:
    """The people each heading of the strip names: the first STRIP_SHOWN, or everyone under the
    heading asked for in full (`more`), each with the link to their chart."""
    strip = {}
    for key, name in STRIP_HEADINGS.items():
        items = getattr(attention, name)
        strip[key] = items if key == more else items[: selectors.STRIP_SHOWN]
        for item in strip[key]:
            if item.url:  # the source links to its own page (messaging: the thread)
                continue
            # A ladder's name links to the alerts page, where the ladder is.
            link = alerts_url if key == "ladders" else chart_url
            item.url = link(item.patient_id) + ("#ladder" if key == "ladders" else "")
    for alert in attention.alerts:
        alert.alerts_url = alerts_url(alert.patient_id)
    return strip


def link_to(name: str) -> Callable[[int], str]:
    """reverse(name, args=[pk]) for many people with one reverse(): the URL differs only in the
    number (an <int:...> part, written as str(pk))."""
    marker = "2147483647"
    head, _, tail = reverse(name, args=[int(marker)]).partition(marker)
    return lambda pk: f"{head}{pk}{tail}"


@role_required(Role.PATIENT)
def patient_home(request: HttpRequest) -> HttpResponse:
    patient = selectors.patient_record_for(user=request.user, clinic=request.clinic)
    context: dict[str, object] = {"patient": patient}
    if patient is not None:
        today = patient.local_today()
        context["appointments"] = selectors.upcoming_appointments(patient, limit=3)
        context.update(selectors.home_for(patient, today))
    return render(request, "patients/patient_home.html", context)


# --- Intake and emergency access --------------------------------------------------------------


@role_required(Role.CLINICIAN)
def patient_new(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(
        posted(request), clinic=request.clinic, initial={"primary_clinician": request.user}
    )
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_intake(
                clinic=request.clinic,
                actor=request.user,
                request=request,
                primary_clinician=form.cleaned_data["primary_clinician"],
                recovery_start=form.cleaned_data["recovery_start"],
                invite_by=form.cleaned_data.get("invite_by") or "",
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            primary = form.cleaned_data["primary_clinician"]
            if primary == request.user:
                messages.success(
                    request,
                    _("%(name)s was added to your caseload.") % {"name": patient.display_name},
                )
                return redirect("patients:chart", patient.pk)
            text = _("%(name)s was added to the caseload of %(clinician)s.")
            names = {"name": patient.display_name, "clinician": primary.display_name}
            messages.success(request, text % names)
            return redirect("patients:caseload")
    return render(request, "patients/patient_form.html", {"form": form, "intake": True})


@role_required(Role.CLINICIAN)
def patient_find(request: HttpRequest) -> HttpResponse:
    """A clinician outside the care team looks a patient up by exact MRN to take emergency
    access; nothing but the name shows before the reason is given."""
    form = FindPatientForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = Patient.objects.filter(
            clinic=request.clinic, mrn__iexact=form.cleaned_data["mrn"].strip()
        ).first()
        # The MRN typed is not recorded: it is a patient's identifier, found or not.
        audit_list(
            list_name="patient_find", request=request, patient_ids=[found.pk] if found else []
        )
    return render(
        request,
        "patients/patient_find.html",
        {"form": form, "found": found, "access_form": EmergencyAccessForm()},
    )


@role_required(Role.CLINICIAN)
def emergency_access(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(Patient, clinic=request.clinic, pk=patient_id)
    form = EmergencyAccessForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.emergency_access_grant(
                patient=patient,
                user=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.warning(
                request,
                _("Emergency access opened for 24 hours. The clinic's admins can see it."),
            )
            return redirect("patients:chart", patient.pk)
    return render(
        request,
        "patients/patient_find.html",
        {"form": FindPatientForm(), "found": patient, "access_form": form},
    )


# --- The chart --------------------------------------------------------------------------------


def _chart(
    request: HttpRequest, patient: Patient, access: ChartAccess, tab: str, **context: object
) -> HttpResponse:
    header = selectors.chart_header(patient)
    context.update(patient=patient, access=access, tab=tab, **header)
    return render(request, f"patients/chart_{tab}.html", context)


@chart_view()
def chart(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    return _chart(
        request,
        patient,
        access,
        "overview",
        care_team=selectors.care_team_of(patient),
        appointments=selectors.upcoming_appointments(patient, limit=3),
        alerts=selectors.alerts_of(patient).unresolved()[:5],
        history=selectors.recovery_history(patient),
        status_form=StatusForm(),
        next_statuses=services.ALLOWED_STATUS_CHANGES.get(patient.status, set()),
    )


@chart_view()
def chart_journey(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    """The journey a range of days at a time (the last 30 by default), filtered by kind."""
    form = JourneyFilterForm(
        request.GET or None, patient=patient, kinds=selectors.journey_kinds(access)
    )
    window = form.window()
    recent = selectors.JourneyWindow.recent(patient, window.kinds)
    return _chart(
        request,
        patient,
        access,
        "journey",
        form=form,
        journey=selectors.journey_for(patient, access, window),
        earlier=_journey_query(window.earlier()),
        later=_journey_query(window.later()),
        recent=None if window == recent else _journey_query(recent),
        every_kind=_journey_query(replace(window, kinds=frozenset())) if window.kinds else None,
    )


def _journey_query(window: selectors.JourneyWindow) -> str:
    """The query string of a journey page: its days and the kinds asked for."""
    query = QueryDict(mutable=True)
    query["start"], query["end"] = window.start.isoformat(), window.end.isoformat()
    query.setlist("kind", sorted(window.kinds))
    return query.urlencode()


@chart_view()
def chart_care_team(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    form = CareTeamAddForm(patient=patient) if access.can_edit else None
    return _chart(
        request,
        patient,
        access,
        "care_team",
        members=selectors.care_team_of(patient, include_past=True),
        form=form,
    )


@chart_view(write=True)
@require_POST
def care_team_add(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    form = CareTeamAddForm(request.POST, patient=patient)
    if form.is_valid():
        try:
            services.care_team_add(
                patient=patient, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Added to the care team."))
            return redirect("patients:care_team", patient.pk)
    return _chart(
        request,
        patient,
        access,
        "care_team",
        members=selectors.care_team_of(patient, include_past=True),
        form=form,
    )


@chart_view(write=True)
@require_POST
def care_team_end(
    request: HttpRequest, patient: Patient, access: ChartAccess, member_id: int
) -> HttpResponse:
    member = get_object_or_404(patient.care_team, pk=member_id)
    try:
        services.care_team_end(member=member, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s has left the care team.") % {"name": member.clinician.display_name}
        )
    return redirect("patients:care_team", patient.pk)


@chart_view(write=True)
def patient_edit(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    form = PatientForm(posted(request), instance=patient, clinic=request.clinic)
    saved = _save(
        request,
        form,
        lambda _data: services.patient_update(
            patient=patient, actor=request.user, request=request, **form.service_fields()
        ),
        _("Saved."),
        reverse("patients:chart", args=[patient.pk]),
    )
    if saved:
        return saved
    return render(
        request, "patients/patient_form.html", {"form": form, "patient": patient, "intake": False}
    )


@chart_view(write=True)
@require_POST
def patient_status(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.patient_set_status(
                patient=patient,
                status=form.cleaned_data["status"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Status is now %(status)s.") % {"status": patient.get_status_display()}
            )
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("patients:chart", patient.pk)


@chart_view(write=True)
def setback_new(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    form = SetbackForm(posted(request), initial={"occurred_on": patient.local_today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.setback_record(
                patient=patient,
                occurred_on=data["occurred_on"],
                kind=data["kind"],
                what_happened=data["what_happened"],
                what_helped=data["what_helped"],
                plan_changes=data["plan_changes"],
                new_recovery_start=data["new_recovery_start"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The setback is recorded in the journey."))
            return redirect("patients:journey", patient.pk)
    return _form_page(request, patient, _("Record a setback"), form)


@chart_view(write=True)
def recovery_start_edit(request: HttpRequest, patient: Patient, access: ChartAccess) -> Any:
    form = RecoveryStartForm(posted(request), initial={"start_date": patient.recovery_start})
    saved = _save(
        request,
        form,
        lambda data: services.recovery_start_change(
            patient=patient, actor=request.user, request=request, **data
        ),
        _("Recovery start date updated; the old one is kept."),
        reverse("patients:chart", args=[patient.pk]),
    )
    if saved:
        return saved
    return _form_page(request, patient, _("Change the recovery start date"), form)


@chart_view(write=True)
def milestone_new(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    form = MilestoneForm(posted(request), initial={"date": patient.local_today()})
    saved = _save(
        request,
        form,
        lambda data: services.milestone_create(
            patient=patient, actor=request.user, request=request, **data
        ),
        _("Milestone added."),
        reverse("patients:journey", args=[patient.pk]),
    )
    if saved:
        return saved
    return _form_page(request, patient, _("Add a milestone"), form)


def _save(
    request: HttpRequest, form: object, save: Callable[[dict], object], done: str, to: object
) -> HttpResponse | None:
    """The shape every chart form shares: a valid form calls its service; the service's
    ValidationError goes back to the fields; success says `done` and redirects to `to`."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None
    messages.success(request, done)
    return redirect(to)


def _form_page(request: HttpRequest, patient: Patient, title: str, form: object) -> HttpResponse:
    return render(
        request, "patients/chart_form.html", {"patient": patient, "title": title, "form": form}
    )


@chart_view()
def chart_appointments(request: HttpRequest, patient: Patient, access: ChartAccess) -> Any:
    return _chart(
        request, patient, access, "appointments", appointments=selectors.appointments_of(patient)
    )


@chart_view(write=True)
def appointment_new(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    form = AppointmentForm(posted(request), patient=patient)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        data = form.cleaned_data
        try:
            services.appointment_create(
                patient=patient,
                kind=data["kind"],
                title=data["title"],
                starts_at=starts_at,
                ends_at=ends_at,
                location=data["location"],
                video_url=data["video_url"],
                staff_attendees=data["staff_attendees"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            _appointment_errors(form, error)
        else:
            messages.success(request, _("Appointment scheduled."))
            return redirect("patients:appointments", patient.pk)
    return _form_page(request, patient, _("Schedule an appointment"), form)


@chart_view(write=True)
def appointment_edit(
    request: HttpRequest, patient: Patient, access: ChartAccess, appointment_id: int
) -> HttpResponse:
    appointment = get_object_or_404(patient.appointments, pk=appointment_id)
    form = AppointmentForm(
        posted(request),
        patient=patient,
        appointment=appointment,
        initial=AppointmentForm.initial_for(appointment, patient),
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        data = form.cleaned_data
        try:
            services.appointment_update(
                appointment=appointment,
                kind=data["kind"],
                title=data["title"],
                starts_at=starts_at,
                ends_at=ends_at,
                location=data["location"],
                video_url=data["video_url"],
                status=data["status"],
                staff_attendees=data["staff_attendees"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            _appointment_errors(form, error)
        else:
            messages.success(request, _("Appointment saved."))
            return redirect("patients:appointments", patient.pk)
    return _form_page(request, patient, _("Edit the appointment"), form)


def _appointment_errors(form: AppointmentForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict") and "ends_at" in error.error_dict:
        form.add_error("duration_minutes", error.error_dict.pop("ends_at"))
    apply_service_errors(form, error)


@chart_view()
def chart_notes(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    if not access.can_read_notes:
        raise Http404
    form = NoteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.note_create(
                patient=patient,
                author=request.user,
                request=request,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Note saved."))
            return redirect("patients:notes", patient.pk)
    return _chart(request, patient, access, "notes", notes=selectors.notes_of(patient), form=form)


@chart_view()
def chart_alerts(request: HttpRequest, patient: Patient, access: ChartAccess) -> HttpResponse:
    return _chart(
        request,
        patient,
        access,
        "alerts",
        alerts=selectors.alerts_of(patient),
        resolve_form=AlertResolveForm(),
    )


@chart_view(write=True)
@require_POST
def alert_acknowledge(
    request: HttpRequest, patient: Patient, access: ChartAccess, alert_id: int
) -> HttpResponse:
    alert = get_object_or_404(selectors.alerts_of(patient), pk=alert_id)
    error = ""
    try:
        services.alert_acknowledge(alert=alert, actor=request.user, request=request)
    except ValidationError as problem:
        error = " ".join(problem.messages)
    if request.htmx:
        return _alert_swap(request, patient, access, alert, error=error)
    if request.POST.get("next") == "caseload":
        if error:
            messages.error(request, error)
        return redirect("patients:caseload")
    return feedback_redirect(
        request,
        reverse("patients:alerts", args=[patient.pk]),
        error or _("Acknowledged."),
        at=f"alert-{alert.pk}",
        level=messages.ERROR if error else messages.SUCCESS,
    )


@chart_view(write=True)
@require_POST
def alert_resolve(
    request: HttpRequest, patient: Patient, access: ChartAccess, alert_id: int
) -> HttpResponse:
    alert = get_object_or_404(selectors.alerts_of(patient), pk=alert_id)
    form = AlertResolveForm(request.POST)
    if form.is_valid():
        try:
            services.alert_resolve(
                alert=alert,
                actor=request.user,
                request=request,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
    if request.htmx:
        if "comment" in form.errors:
            return _alert_swap(request, patient, access, alert, resolve_form=form, focus="comment")
        return _alert_swap(request, patient, access, alert, error=" ".join(form.non_field_errors()))
    problem = " ".join(text for texts in form.errors.values() for text in texts)
    return feedback_redirect(
        request,
        reverse("patients:alerts", args=[patient.pk]),
        problem or _("Resolved."),
        at=f"alert-{alert.pk}",
        level=messages.ERROR if problem else messages.SUCCESS,
    )


def _alert_swap(
    request: HttpRequest,
    patient: Patient,
    access: ChartAccess,
    alert: Alert,
    *,
    error: str = "",
    resolve_form: AlertResolveForm | None = None,
    focus: str = "state",
) -> HttpResponse:
    """The alert's card after an htmx Acknowledge or Resolve, focused where the person looks
    next (its new state, or the comment to fix), with the chart's banner and the count of open
    alerts swapped out of band so nothing on the page still calls it open."""
    counts = selectors.alert_counts(patient)
    return render(
        request,
        "patients/_alert_swap.html",
        {
            "alert": alert,
            "patient": patient,
            "access": access,
            "tab": "alerts",
            "error": error,
            "focus": focus,
            "resolve_form": resolve_form or AlertResolveForm(),
            "alert_counts": counts,
            "high_alerts": counts.high_open,
            "high_alerts_acknowledged": counts.high_acknowledged,
        },
    )
