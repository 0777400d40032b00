"""Pages of secure messages. Views parse a form, open what they touch through
messaging.access (404 outside it), call one service or selector, and render.

- my-recovery/messages/: the person's own thread with the care team.
- support/<patient>/messages/: a supporter's thread, within consent (Scope.MESSAGES).
- messages/: the clinician's inbox (their care teams' threads, unread first).
- patients/<patient>/messages/: every thread of one patient, the reply forms, "Make a note".
- clinic/message-hours/: the clinic admin sets the opening hours.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.feedback import feedback, feedback_redirect
from accounts.models import Role
from audit.services import audit_list
from messaging import access, selectors, services
from messaging.forms import HoursForm, MessageForm
from messaging.hours import hours_lines, openings_of
from messaging.models import Message, Thread
from networks.models import SupportContact
from patients.forms import apply_service_errors
from patients.models import Patient

INBOX_PAGE_SIZE = 50


def _writer_page(
    request: HttpRequest,
    *,
    patient: Patient,
    contact: SupportContact | None,
    action: str,
    crisis_url: str,
    template: str,
) -> HttpResponse:
    """The patient's or the supporter's page: the thread, then the form; a POST writes."""
    thread = Thread.objects.filter(patient=patient, contact=contact).first()
    if thread is not None:
        thread.patient, thread.contact = patient, contact  # already loaded: saves queries
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_write(
                author=request.user,
                body=form.cleaned_data["body"],
                patient=patient,
                contact=contact,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return feedback_redirect(request, action, _("Your message was sent."), at="thread")
    if request.method == "POST":
        feedback(
            request, _("Not sent yet: please check your message."), at="write", level=messages.ERROR
        )
    thread_messages = selectors.messages_of(thread) if thread else []
    selectors.with_receipts(thread, thread_messages, staff_view=False)
    selectors.label_messages(thread_messages, staff_view=False, thread=thread)
    services.thread_open(
        thread=thread, patient=patient, user=request.user, request=request, page="writer"
    )
    context = {
        "patient": patient,
        "contact": contact,
        "thread": thread,
        "messages_list": thread_messages,
        "form": form,
        "action": action,
        "crisis_url": crisis_url,
        "hours": hours_lines(openings_of(patient.clinic)),
        "limit": Message._meta.get_field("body").max_length,
    }
    return render(request, template, context)


@role_required(Role.PATIENT)
def mine(request: HttpRequest) -> HttpResponse:
    patient = access.own_patient(request.membership)
    return _writer_page(
        request,
        patient=patient,
        contact=None,
        action=reverse("messaging:mine"),
        crisis_url=reverse("coping:my_plan") + "#plan-crisis_plan",
        template="messaging/mine.html",
    )


@role_required(Role.SUPPORTER)
def supporter(request: HttpRequest, patient_id: int) -> HttpResponse:
    contact = access.supporter_contact(request.membership, patient_id)
    patient = contact.patient
    plan = services.supporter_sees_plan(contact)
    portal = reverse("networks:supporter_patient", args=[patient.pk])
    return _writer_page(
        request,
        patient=patient,
        contact=contact,
        action=reverse("messaging:supporter", args=[patient.pk]),
        crisis_url=portal + "#coping-plan" if plan else "",
        template="messaging/supporter.html",
    )


@role_required(Role.CLINICIAN)
def inbox(request: HttpRequest) -> HttpResponse:
    patients = access.team_patients(request.membership)
    threads = selectors.threads_for_clinician(request.user, patients)
    page = Paginator(threads, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_list(
        list_name="messages_inbox",
        request=request,
        patient_ids=[thread.patient_id for thread in page.object_list],
    )
    return render(request, "messaging/inbox.html", {"page": page})


def _patient_context(request: HttpRequest, patient: Patient) -> dict:
    threads = selectors.threads_of_patient(patient)
    by_thread = selectors.messages_by_thread(threads)
    reads = selectors.reads_by_thread(threads)
    for thread in threads:
        thread.patient = patient
        thread.messages_list = by_thread[thread.pk]
        selectors.with_receipts(
            thread, thread.messages_list, staff_view=True, reads=reads[thread.pk]
        )
        selectors.label_messages(thread.messages_list, staff_view=True, thread=thread)
        thread.unread = bool(thread.last_inbound_at) and not any(
            read.user_id == request.user.pk and read.last_read_at >= thread.last_inbound_at
            for read in reads[thread.pk]
        )
    return {"patient": patient, "threads": threads}


@role_required(Role.CLINICIAN)
def patient_messages(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Every thread of the patient; opening the page reads them (receipts move, audited)."""
    patient = access.team_patient(request.membership, patient_id)
    context = _patient_context(request, patient)
    for thread in context["threads"]:
        services.thread_open(
            thread=thread, patient=patient, user=request.user, request=request, page="staff"
        )
    return render(request, "messaging/patient.html", {**context, "form": MessageForm()})


@role_required(Role.CLINICIAN)
@require_POST
def reply(request: HttpRequest, patient_id: int, thread_id: int) -> HttpResponse:
    patient = access.team_patient(request.membership, patient_id)
    thread = access.thread_of(patient, thread_id)
    form = MessageForm(request.POST)
    url = reverse("messaging:patient", args=[patient.pk])
    anchor = f"thread-{thread.pk}"
    if form.is_valid():
        try:
            services.message_write(
                author=request.user,
                body=form.cleaned_data["body"],
                patient=patient,
                thread=thread,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return feedback_redirect(request, url, _("Your answer was sent."), at=anchor)
    feedback(request, _("Not sent yet: please check the answer."), at=anchor, level=messages.ERROR)
    context = _patient_context(request, patient)
    context.update(form=MessageForm(), failed_form=form, failed_thread=thread.pk)
    return render(request, "messaging/patient.html", context)


@role_required(Role.CLINICIAN)
def make_note(request: HttpRequest, patient_id: int, message_id: int) -> HttpResponse:
    """Confirm, then keep the message in the chart as a clinical note."""
    patient = access.team_patient(request.membership, patient_id)
    message = access.message_of(patient, message_id)
    back = reverse("messaging:patient", args=[patient.pk])
    error = ""
    if request.method == "POST":
        try:
            services.message_to_note(message=message, actor=request.user, request=request)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return feedback_redirect(
                request,
                back,
                _("The message is now a note in the chart."),
                at=f"thread-{message.thread_id}",
            )
    context = {"patient": patient, "message": message, "back": back, "error": error}
    return render(request, "messaging/note_confirm.html", context, status=400 if error else 200)


@role_required(Role.ADMIN)
def hours(request: HttpRequest) -> HttpResponse:
    current = list(request.clinic.message_hours.all())
    form = HoursForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.hours_set(
                clinic=request.clinic,
                openings=form.openings(),
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return feedback_redirect(
                request, reverse("messaging:hours"), _("The opening hours were saved."), at="hours"
            )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "messaging/hours.html",
        {"form": form, "zone": request.clinic.time_zone},
        status=status,
    )
