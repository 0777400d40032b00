"""REST API of secure messages, mounted under /api/v1/. Each view opens what it touches through
messaging.access (404 outside it, as on the pages) and calls the pages' services, which audit
every read and write.

- me/messages/: the person's own thread (GET reads it, POST writes).
- supporter/patients/{patient_id}/messages/: a supporter's thread, within consent.
- patients/{patient_id}/messages/...: a clinician of the care team: the threads, one thread
  (GET, POST answers), its read receipt, and a note made of a message.
- messages/unread/: the threads waiting for this clinician.
- clinic/message-hours/: the opening hours (GET for staff, PUT for the clinic admin).
"""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView, ClinicApiView, service_errors
from accounts.models import Membership, Role
from audit.models import Action
from audit.services import audit_record
from messaging import access, selectors, services
from messaging.hours import Opening, hours_lines, openings_of
from messaging.models import Message, Thread
from messaging.serializers import (
    HoursSerializer,
    MessageSerializer,
    NoteResultSerializer,
    ReadResultSerializer,
    StaffMessageSerializer,
    ThreadDetailSerializer,
    ThreadFilterSet,
    ThreadSerializer,
    UnreadFilterSet,
    WriterThreadSerializer,
    WriteSerializer,
)
from networks.models import SupportContact
from patients.models import Patient


class MessagingApiView(ApiView):
    def member(self) -> Membership:
        membership = self.membership()
        if membership is None:
            raise NotFound
        return membership


# --- The writer's side ------------------------------------------------------------------------


class WriterView(MessagingApiView):
    """Shared by the person's and the supporter's thread."""

    def opened(self) -> tuple[Patient, SupportContact | None, str]:
        raise NotImplementedError

    def answer(self, patient: Patient, contact: SupportContact | None, crisis: str) -> Response:
        thread = Thread.objects.filter(patient=patient, contact=contact).first()
        if thread is not None:
            thread.patient, thread.contact = patient, contact
        rows = selectors.messages_of(thread) if thread else []
        selectors.with_receipts(thread, rows, staff_view=False)
        selectors.label_messages(rows, staff_view=False, thread=thread)
        services.thread_open(
            thread=thread, patient=patient, user=self.request.user, request=self.request, page="api"
        )
        data = {
            "thread": thread.pk if thread else None,
            "messages": rows,
            "hours": hours_lines(openings_of(patient.clinic)),
            "crisis_plan_url": crisis,
        }
        return Response(WriterThreadSerializer(data).data)

    def write(self, request: Request) -> Response:
        patient, contact, _crisis = self.opened()
        fields = self.parse(WriteSerializer, request.data)
        with service_errors():
            message = services.message_write(
                author=request.user,
                body=fields["body"],
                patient=patient,
                contact=contact,
                request=request,
            )
        message.who = ""
        message.seen = []
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class MyMessagesView(WriterView):
    """The signed-in person's thread with their care team (GET reads it and moves the read
    receipt); POST writes to the team. Outside opening hours the answer is automatic."""

    def opened(self) -> tuple[Patient, SupportContact | None, str]:
        patient = access.own_patient(self.member())
        return patient, None, reverse("coping:my_plan") + "#plan-crisis_plan"

    @extend_schema(responses=WriterThreadSerializer)
    def get(self, request: Request) -> Response:
        return self.answer(*self.opened())

    @extend_schema(request=WriteSerializer, responses={201: MessageSerializer})
    def post(self, request: Request) -> Response:
        return self.write(request)


class SupporterMessagesView(WriterView):
    """A supporter's thread with the patient's care team, while their consent shares
    messages (404 otherwise)."""

    def opened(self) -> tuple[Patient, SupportContact | None, str]:
        contact = access.supporter_contact(self.member(), self.kwargs["patient_id"])
        crisis = ""
        if services.supporter_sees_plan(contact):
            crisis = (
                reverse("networks:supporter_patient", args=[contact.patient_id]) + "#coping-plan"
            )
        return contact.patient, contact, crisis

    @extend_schema(responses=WriterThreadSerializer)
    def get(self, request: Request, patient_id: int) -> Response:
        return self.answer(*self.opened())

    @extend_schema(request=WriteSerializer, responses={201: MessageSerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        return self.write(request)


# --- The care team's side ---------------------------------------------------------------------


class TeamView(ClinicApiView):
    """A patient's messages, opened through the one base: only a clinician on the patient's
    current care team reaches them (messaging.access.team_patient; 404 for everyone else), and
    those who reach them may answer. Reads are audited by the services that open threads."""

    def find_patient(self, membership: Membership | None, patient_id: object) -> Patient:
        return access.team_patient(membership, patient_id)

    def may_edit(self, patient: Patient) -> bool:
        return True  # the care team's clinicians, the only ones find_patient lets in

    def patient(self) -> Patient:
        return self.open_patient()


class PatientThreadsView(TeamView):
    """The patient's threads (their own and their supporters'), unread first."""

    serializer_class = ThreadSerializer
    filterset_class = ThreadFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=ThreadSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.patient()
        rows = selectors.threads_for_clinician(request.user, Patient.objects.filter(pk=patient.pk))
        return self.paginated(self.filtered(rows), audited="api_message_threads")


class PatientThreadView(TeamView):
    """One thread with its messages (reading it is audited; the read receipt moves with
    `read/`). POST answers in it."""

    def opened(self) -> tuple[Patient, Thread]:
        patient = self.patient()
        thread = access.thread_of(patient, self.kwargs["thread_id"])
        thread.patient = patient
        return patient, thread

    @extend_schema(responses=ThreadDetailSerializer)
    def get(self, request: Request, patient_id: int, thread_id: int) -> Response:
        patient, thread = self.opened()
        rows = selectors.messages_of(thread)
        selectors.with_receipts(thread, rows, staff_view=True)
        selectors.label_messages(rows, staff_view=True, thread=thread)
        services.thread_open(
            thread=thread,
            patient=patient,
            user=request.user,
            request=request,
            page="api",
            mark_read=False,
        )
        thread.unread = False
        return Response(ThreadDetailSerializer({"thread": thread, "messages": rows}).data)

    @extend_schema(request=WriteSerializer, responses={201: StaffMessageSerializer})
    def post(self, request: Request, patient_id: int, thread_id: int) -> Response:
        patient, thread = self.opened()
        fields = self.parse(WriteSerializer, request.data)
        with service_errors():
            message = services.message_write(
                author=request.user,
                body=fields["body"],
                patient=patient,
                thread=thread,
                request=request,
            )
        message.who = request.user.get_short_name()
        message.seen = []
        return Response(StaffMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class ThreadReadView(TeamView):
    """Mark the thread read by this clinician (their read receipt moves to now)."""

    @extend_schema(request=None, responses=ReadResultSerializer)
    def post(self, request: Request, patient_id: int, thread_id: int) -> Response:
        patient = self.patient()
        thread = access.thread_of(patient, thread_id)
        services.thread_open(
            thread=thread, patient=patient, user=request.user, request=request, page="api_read"
        )
        return Response({"thread": thread.pk, "read_at": timezone.now()})


class MessageNoteView(TeamView):
    """Keep a message in the chart as a clinical note (once; never an automatic answer)."""

    @extend_schema(request=None, responses={201: NoteResultSerializer})
    def post(self, request: Request, patient_id: int, message_id: int) -> Response:
        patient = self.patient()
        message: Message = access.message_of(patient, message_id)
        with service_errors():
            note = services.message_to_note(message=message, actor=request.user, request=request)
        return Response({"note": note.pk, "message": message.pk}, status=status.HTTP_201_CREATED)


class UnreadThreadsView(MessagingApiView):
    """The threads with messages this clinician has not read, across their care teams."""

    serializer_class = ThreadSerializer
    filterset_class = UnreadFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=ThreadSerializer(many=True))
    def get(self, request: Request) -> Response:
        membership = self.member()
        if membership.role != Role.CLINICIAN:
            raise NotFound
        rows = selectors.unread_threads(request.user, access.team_patients(membership))
        return self.paginated(self.filtered(rows), audited="api_messages_unread")


class ClinicHoursView(MessagingApiView):
    """The clinic's opening hours for messages, in its time zone: read by its staff, set
    (replaced whole) by its admin. No hours: no automatic answer."""

    def staff(self) -> Membership:
        membership = self.member()
        if not membership.is_staff_role:
            raise NotFound
        return membership

    def answer(self, membership: Membership) -> Response:
        clinic = membership.organization
        data = {"hours": openings_of(clinic), "time_zone": clinic.time_zone}
        return Response(HoursSerializer(data).data)

    @extend_schema(responses=HoursSerializer)
    def get(self, request: Request) -> Response:
        membership = self.staff()
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=membership.organization,
            details={"api": "message_hours"},
        )
        return self.answer(membership)

    @extend_schema(request=HoursSerializer, responses=HoursSerializer)
    def put(self, request: Request) -> Response:
        membership = self.staff()
        if membership.role != Role.ADMIN:
            raise PermissionDenied(_("Only a clinic admin sets the opening hours."))
        fields: dict[str, Any] = self.parse(HoursSerializer, request.data)
        openings = [
            Opening(int(row["weekday"]), row["opens"], row["closes"]) for row in fields["hours"]
        ]
        with service_errors():
            services.hours_set(
                clinic=membership.organization,
                openings=openings,
                actor=request.user,
                request=request,
            )
        return self.answer(membership)
