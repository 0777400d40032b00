"""Pages of the calendars app: the secret feed itself (no sign-in: the token is the
credential), the "add to calendar" files of an appointment and a help task, and the owner's
page of their feed with its URL and a new-link button. Views parse, call one selector or
service, and render; who reaches what is calendars.access's."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from accounts.access import role_required
from accounts.feedback import feedback_redirect
from accounts.models import Role
from audit.models import Action
from audit.services import audit_record
from calendars import access, ical, selectors, services
from calendars.models import CalendarFeed
from coping.access import own_patient_record
from networks.consent import consented_scopes
from networks.models import HelpTask, Scope, SupportContact
from networks.selectors import contact_for_supporter
from patients.models import Patient

EVERYONE = (Role.ADMIN, Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER)


# --- The feed ---------------------------------------------------------------------------------


@require_safe  # calendar apps may ask with HEAD first
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: 404 for a token that names no feed, and for a feed whose consent,
    contact or owner's sign-in has ended (the same answer, so nothing is learnt)."""
    found = selectors.feed_by_token(token)
    answer = selectors.feed_answer(found) if found is not None else None
    if found is None or answer is None:
        raise Http404
    calendar = selectors.feed_calendar(found, answer)
    services.feed_fetched(found)
    return ical.calendar_response(calendar)


# --- "Add to calendar" files ------------------------------------------------------------------


def _download(
    request: HttpRequest, opened: access.Opened, component: object, name: str
) -> HttpResponse:
    """One entry as a file, in the reader's language; the read is audited (an export of one
    row of the person's data)."""
    patient = opened.patient
    calendar = ical.new_calendar(name)
    calendar.add_component(component)
    audit_record(
        action=Action.EXPORT,
        request=request,
        target=opened.row,
        patient=patient,
        details={"calendar_file": opened.row._meta.model_name, "neutral": opened.neutral},
    )
    return ical.calendar_response(calendar, download=f"{opened.row._meta.model_name}.ics")


@role_required(*EVERYONE)
@require_GET
def appointment_ics(request: HttpRequest, appointment_id: int) -> HttpResponse:
    opened = access.appointment_for_download(request.membership, appointment_id)
    appointment = opened.row
    if opened.neutral:
        component = ical.busy_event(
            "appointment", appointment.pk, appointment.starts_at, appointment.ends_at
        )
    else:
        component = ical.appointment_event(appointment)
    return _download(request, opened, component, _("Appointment"))


@role_required(*EVERYONE)
@require_GET
def help_task_ics(request: HttpRequest, task_id: int) -> HttpResponse:
    opened = access.help_task_for_download(request.membership, task_id)
    task: HelpTask = opened.row
    return _download(request, opened, ical.help_task_entry(task), _("Help task"))


# --- The owner's pages ------------------------------------------------------------------------


def feed_context(request: HttpRequest, feed: CalendarFeed) -> dict[str, object]:
    url = selectors.feed_url(feed, request)
    return {"feed": feed, "feed_url": url, "webcal_url": selectors.webcal_url(url)}


@role_required(Role.SUPPORTER)
def supporter_calendar(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The supporter's feed for one person: made on first visit while something is shared."""
    contact = contact_for_supporter(request.user, request.clinic, patient_id)
    scopes = consented_scopes(contact)
    context: dict[str, object] = {
        "contact": contact,
        "patient": contact.patient,
        "first_name": contact.patient.first_name,
        "shows": Scope.flags(scopes),
        "rotate_url": reverse("calendars:supporter_calendar_rotate", args=[contact.patient_id]),
    }
    if scopes:
        feed = services.feed_ensure(
            patient=contact.patient, contact=contact, actor=request.user, request=request
        )
        context.update(feed_context(request, feed))
    return render(request, "calendars/supporter_calendar.html", context)


@role_required(Role.PATIENT)
def my_calendar(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request.membership)
    feed = services.feed_ensure(patient=patient, actor=request.user, request=request)
    context = {
        "patient": patient,
        "rotate_url": reverse("calendars:my_calendar_rotate"),
        **feed_context(request, feed),
    }
    return render(request, "calendars/my_calendar.html", context)


def _rotate(
    request: HttpRequest, *, patient: Patient, contact: SupportContact | None, back: str
) -> HttpResponse:
    """GET asks to confirm; POST makes the new link (the old one stops at once)."""
    found = CalendarFeed.objects.filter(patient=patient, contact=contact).first()
    if found is None:
        raise Http404
    found.patient, found.contact = patient, contact
    if request.method == "POST":
        services.feed_rotate(feed=found, actor=request.user, request=request)
        text = _("Done: here is your new link. The old one no longer works.")
        return feedback_redirect(request, back, text, at="feed-link", level=messages.SUCCESS)
    return render(request, "calendars/rotate_confirm.html", {"back": back, "patient": patient})


@role_required(Role.SUPPORTER)
@require_http_methods(["GET", "POST"])
def supporter_calendar_rotate(request: HttpRequest, patient_id: int) -> HttpResponse:
    contact = contact_for_supporter(request.user, request.clinic, patient_id)
    back = reverse("calendars:supporter_calendar", args=[contact.patient_id])
    return _rotate(request, patient=contact.patient, contact=contact, back=back)


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def my_calendar_rotate(request: HttpRequest) -> HttpResponse:
    patient = own_patient_record(request.membership)
    return _rotate(request, patient=patient, contact=None, back=reverse("calendars:my_calendar"))
