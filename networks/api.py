"""REST API of the support network, mounted under /api/v1/.

- /patients/{patient_id}/contacts/ and /contacts/{contact_id}/consents/: the patient's own
  record and the care team (and clinicians with emergency access) read and write, clinic
  admins read (403 on writes); everyone else gets 404. A contact is opened through its patient
  (coping.access.coping_patient), so another clinic's or another patient's contact is a 404.
- /patients/{patient_id}/help-tasks/: the same for the patient and the staff. A supporter
  reaches it through their own contact row for that patient
  (networks.selectors.contact_for_supporter) and only while the patient shares `help_tasks`
  with them: without that scope the list is a 404, as if there were nothing there. Claim and
  release are a supporter's; done is the supporter who claimed the task, the patient or the
  care team.
- /supporter/patients/: a supporter's view of the people they support in the current clinic,
  built from networks.selectors.supporter_view only (so from consented_scopes only). Anyone
  who is not a supporter in that clinic gets 404.
- /patients/{patient_id}/contacts/{contact_id}/: one person of the network, edited (PATCH),
  paused or resumed (`status/`) and removed (DELETE: the history is kept, every consent ends),
  through the same services as the network page. Invitations, the supporter preview,
  encouragement moderation and telling the network about a setback are in
  networks/api_network.py; the supporter's own side in networks/api_supporter.py.

Every list takes django-filter filters (`filterset_class`, documented in the schema).

Reading patient data is audited here; the services audit their writes and hold the rules.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import StrictJSONParser, StrictMultiPartParser, service_errors
from accounts.models import Role
from audit.models import Action
from audit.services import audit_record
from coping.api import CopingPatientView
from networks import services
from networks.consent import consented_scopes
from networks.models import Consent, ContactStatus, HelpStatus, HelpTask, Scope, SupportContact
from networks.selectors import (
    contact_for_supporter,
    contacts_of_supporter,
    network_of,
    network_rows,
)
from networks.selectors import supporter_view as build_supporter_view
from networks.serializers import (
    ConsentChangeSerializer,
    ConsentFilterSet,
    ConsentGrantSerializer,
    ConsentRevokeSerializer,
    ConsentSerializer,
    ContactCreateSerializer,
    ContactFilterSet,
    ContactSerializer,
    ContactStatusSerializer,
    ContactUpdateSerializer,
    HelpTaskFilterSet,
    HelpTaskSerializer,
    SupportedPatientFilterSet,
    SupporterHelpTaskSerializer,
    SupporterPatientSerializer,
)
from patients.models import Patient

READ_ONLY_MESSAGE = _(
    "Clinic admins can read a patient's support network but not change it. The person in "
    "recovery or their care team makes changes."
)
SUPPORTERS_DO_NOT_ADD_TASKS = _(
    "Supporters can claim the tasks the person in recovery shares, but not add them."
)
ONLY_SUPPORTERS_CLAIM = _("Only a supporter can claim or release a task.")

HELP_TASK_FOR_ROLE = PolymorphicProxySerializer(
    component_name="HelpTaskForRole",
    serializers=[HelpTaskSerializer, SupporterHelpTaskSerializer],
    resource_type_field_name=None,
)


class NetworkView(CopingPatientView):
    """Opens the patient like the coping API does (coping.access: themself, the care team,
    emergency access and clinic admins; 404 for everyone else, supporters included)."""

    read_only_message = READ_ONLY_MESSAGE

    def is_supporter(self) -> bool:
        membership = self.membership()
        return membership is not None and membership.role == Role.SUPPORTER

    def patient_contact(self, patient: Patient, contact_id: object) -> SupportContact:
        """A contact of this (already opened) patient; 404 for anyone else's."""
        contact = get_object_or_404(SupportContact.objects.filter(patient=patient), pk=contact_id)
        contact.patient = patient  # spare the services a query for what we already hold
        return contact

    def contact_data(self, contact: SupportContact) -> dict[str, Any]:
        """The contact as the list shows it (its consent in force read by network_of)."""
        rows = network_rows(contact.patient).filter(pk=contact.pk)
        (row,) = network_of(contact.patient, rows)
        return ContactSerializer(row).data


# --- Contacts ---------------------------------------------------------------------------------


class ContactListView(NetworkView):
    """The patient's support network with each person's consent in force. POST adds someone;
    with `invite: true` an invitation is emailed too (both or neither)."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=ContactSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        response = self.paginated(network_of(patient, self.filtered(network_rows(patient))))
        self.audit_view(patient, "contacts")
        return response

    @extend_schema(request=ContactCreateSerializer, responses={201: ContactSerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        fields = self.parse(ContactCreateSerializer, request.data)
        invite = fields.pop("invite")
        with service_errors(), transaction.atomic():
            contact = services.contact_add(
                patient=patient, actor=request.user, request=request, **fields
            )
            if invite:
                services.invitation_send(contact=contact, actor=request.user, request=request)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailView(NetworkView):
    """One person of the network, as the list shows them. PATCH changes the fields sent (the
    network page's "Edit"); DELETE removes them from the network (the page's "Remove"): every
    consent and unanswered invitation ends at once, claimed tasks open again, the history is
    kept (the contact stays, `status: removed`)."""

    serializer_class = ContactSerializer

    @extend_schema(responses=ContactSerializer)
    def get(self, request: Request, patient_id: int, contact_id: int) -> Response:
        patient = self.open_patient(patient_id)
        contact = self.patient_contact(patient, contact_id)
        data = self.contact_data(contact)
        self.audit_view(patient, "contact", contact=contact.pk)
        return Response(data)

    @extend_schema(request=ContactUpdateSerializer, responses=ContactSerializer)
    def patch(self, request: Request, patient_id: int, contact_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        contact = self.patient_contact(patient, contact_id)
        fields = self.parse(ContactUpdateSerializer, request.data, partial=True)
        with service_errors():
            services.contact_update(contact=contact, actor=request.user, request=request, **fields)
        return Response(self.contact_data(contact))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, patient_id: int, contact_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        contact = self.patient_contact(patient, contact_id)
        with service_errors():
            services.contact_set_status(
                contact=contact,
                status=ContactStatus.REMOVED,
                actor=request.user,
                request=request,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContactStatusView(NetworkView):
    """Pause (they see nothing until resumed), resume, or remove someone: the network page's
    buttons. A change the person's state does not allow is a 400 on `status`."""

    @extend_schema(request=ContactStatusSerializer, responses=ContactSerializer)
    def post(self, request: Request, patient_id: int, contact_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        contact = self.patient_contact(patient, contact_id)
        fields = self.parse(ContactStatusSerializer, request.data)
        with service_errors():
            services.contact_set_status(
                contact=contact, status=fields["status"], actor=request.user, request=request
            )
        return Response(self.contact_data(contact))


# --- Consents ---------------------------------------------------------------------------------


class ContactScopedView(NetworkView):
    """Opens the contact of the URL through its patient's access; 404 outside it. Under
    /patients/{patient_id}/ the contact must be that patient's; the older paths without the
    patient (/contacts/{contact_id}/consents/) find the patient from the contact."""

    serializer_class = ConsentSerializer

    def open_contact(self, contact_id: object) -> SupportContact:
        if "patient_id" in self.kwargs:
            return self.patient_contact(self.open_patient(self.kwargs["patient_id"]), contact_id)
        membership = self.membership()
        if membership is None:
            raise NotFound
        contact = (
            SupportContact.objects.filter(patient__clinic_id=membership.organization_id)
            .filter(pk=contact_id)
            .first()
        )
        if contact is None:
            raise NotFound
        contact.patient = self.open_patient(contact.patient_id)
        return contact

    def consents_of(self, contact: SupportContact) -> QuerySet[Consent]:
        """The contact's consents, each with `in_force` (the one rule) for its state."""
        return contact.consents.with_in_force(contacts=[contact]).select_related("recorded_by")

    def consent_data(self, consent: Consent, contact: SupportContact) -> dict[str, Any]:
        return ConsentSerializer(self.consents_of(contact).get(pk=consent.pk)).data


class ConsentListView(ContactScopedView):
    """Every consent given for this person, newest first, with what became of each (in force,
    ended by its date or event, revoked, replaced). POST records a new consent, which replaces
    the one in force: the patient signs in the app (JSON), or a clinician records a signed
    paper form (multipart/form-data with `paper_form`, a PDF, JPEG or PNG up to 5 MB)."""

    parser_classes = [StrictJSONParser, StrictMultiPartParser]
    filterset_class = ConsentFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=ConsentSerializer(many=True))
    def get(self, request: Request, contact_id: int, **kwargs: int) -> Response:
        contact = self.open_contact(contact_id)
        consents = self.filtered(self.consents_of(contact).order_by("-signed_at", "-id"))
        response = self.paginated(consents)
        self.audit_view(contact.patient, "consents", contact=contact.pk)
        return response

    @extend_schema(request=ConsentGrantSerializer, responses={201: ConsentSerializer})
    def post(self, request: Request, contact_id: int, **kwargs: int) -> Response:
        contact = self.open_contact(contact_id)
        self.check_can_edit(contact.patient)
        fields = self.parse(ConsentGrantSerializer, request.data)
        with service_errors():
            consent = services.consent_grant(
                contact=contact, actor=request.user, request=request, **fields
            )
        return Response(self.consent_data(consent, contact), status=status.HTTP_201_CREATED)


class ConsentRevokeView(ContactScopedView):
    """Revoke a consent in force; it stops the very next request of the supporter."""

    @extend_schema(request=ConsentRevokeSerializer, responses=ConsentSerializer)
    def post(self, request: Request, contact_id: int, consent_id: int, **kwargs: int) -> Response:
        contact = self.open_contact(contact_id)
        self.check_can_edit(contact.patient)
        consent = get_object_or_404(contact.consents.all(), pk=consent_id)
        consent.patient, consent.contact = contact.patient, contact
        fields = self.parse(ConsentRevokeSerializer, request.data)
        with service_errors():
            consent = services.consent_revoke(
                consent=consent, actor=request.user, request=request, **fields
            )
        return Response(self.consent_data(consent, contact))


class ConsentChangeView(ContactScopedView):
    """Switch what one supporter sees (the consent page's switches): a new version of the
    consent in force, with its purpose and end kept, signed in one step (the patient in the
    app; a clinician with the signed paper form as multipart/form-data). `consent_id` must be
    the consent in force: if it changed meanwhile the answer is a 400, never an overwrite."""

    parser_classes = [StrictJSONParser, StrictMultiPartParser]

    @extend_schema(request=ConsentChangeSerializer, responses={201: ConsentSerializer})
    def post(self, request: Request, patient_id: int, contact_id: int, consent_id: int) -> Response:
        contact = self.open_contact(contact_id)
        self.check_can_edit(contact.patient)
        consent = get_object_or_404(contact.consents.all(), pk=consent_id)
        consent.patient, consent.contact = contact.patient, contact
        fields = self.parse(ConsentChangeSerializer, request.data)
        with service_errors():
            changed = services.consent_scopes_change(
                consent=consent, actor=request.user, request=request, **fields
            )
        return Response(self.consent_data(changed, contact), status=status.HTTP_201_CREATED)


# --- Help tasks -------------------------------------------------------------------------------


def tasks_for_supporter(contact: SupportContact) -> QuerySet[HelpTask]:
    """What a supporter may see of the task list: the open tasks and those they claimed, as in
    their own view (networks.selectors.supporter_view); never who else claimed what."""
    return HelpTask.objects.filter(patient_id=contact.patient_id).filter(
        Q(status=HelpStatus.OPEN) | Q(status=HelpStatus.CLAIMED, claimed_by=contact)
    )


class HelpTaskScopedView(NetworkView):
    serializer_class = HelpTaskSerializer

    def supporter_contact(self, patient_id: object) -> SupportContact:
        """The supporter's own contact row for this patient in this clinic; 404 otherwise."""
        membership = self.membership()
        return contact_for_supporter(self.request.user, membership.organization, patient_id)

    def shared_contact(self, patient_id: object) -> SupportContact:
        """The supporter's contact row while the patient shares `help_tasks` with them; 404
        otherwise, as if there were nothing there."""
        contact = self.supporter_contact(patient_id)
        if Scope.HELP_TASKS not in consented_scopes(contact):
            raise NotFound
        return contact

    def audit_supporter_view(self, contact: SupportContact, api: str) -> None:
        audit_record(
            action=Action.VIEW,
            request=self.request,
            clinic=self.membership().organization,
            target=contact.patient,
            patient=contact.patient,
            details={"api": api},
        )

    def task_data(self, task: HelpTask) -> dict[str, Any]:
        if self.is_supporter():
            return SupporterHelpTaskSerializer(task).data
        task = HelpTask.objects.select_related("claimed_by").get(pk=task.pk)
        return HelpTaskSerializer(task).data


class HelpTaskListView(HelpTaskScopedView):
    """How the network can help. The patient and the care team see every task (`status`
    keeps one state) and add tasks; a supporter sees the open tasks and those they claimed,
    only while the patient shares `help_tasks` with them (404 otherwise)."""

    filterset_class = HelpTaskFilterSet
    paginated_methods = ("GET",)

    @extend_schema(
        responses=PolymorphicProxySerializer(
            component_name="HelpTaskForRole",
            serializers=[HelpTaskSerializer, SupporterHelpTaskSerializer],
            resource_type_field_name=None,
            many=True,
        ),
    )
    def get(self, request: Request, patient_id: int) -> Response:
        if self.is_supporter():
            contact = self.shared_contact(patient_id)
            tasks = self.filtered(tasks_for_supporter(contact))
            response = self.paginated(tasks, SupporterHelpTaskSerializer)
            self.audit_supporter_view(contact, "help-tasks")
            return response
        patient = self.open_patient(patient_id)
        tasks = self.filtered(patient.help_tasks.select_related("claimed_by"))
        response = self.paginated(tasks)
        self.audit_view(patient, "help-tasks")
        return response

    @extend_schema(request=HelpTaskSerializer, responses={201: HelpTaskSerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        if self.is_supporter():
            self.shared_contact(patient_id)
            raise PermissionDenied(SUPPORTERS_DO_NOT_ADD_TASKS)
        patient = self.editable_patient(patient_id)
        fields = self.parse(HelpTaskSerializer, request.data)
        with service_errors():
            task = services.help_task_create(
                patient=patient, actor=request.user, request=request, **fields
            )
        return Response(self.task_data(task), status=status.HTTP_201_CREATED)


class HelpTaskActionView(HelpTaskScopedView):
    """A supporter claims, releases or finishes a task of the person they support; the patient
    and the care team can mark any open or claimed task done. The services check the consent
    (`help_tasks`) and the task's state: a refusal is a 400 saying why."""

    def run_for_supporter(self, task: HelpTask, contact: SupportContact) -> HelpTask:
        raise NotImplementedError

    def supporter_may_only(self) -> bool:
        """Claim and release are a supporter's alone; done is also the patient's and staff's."""
        return True

    @extend_schema(request=None, responses=HELP_TASK_FOR_ROLE)
    def post(self, request: Request, patient_id: int, task_id: int) -> Response:
        if self.is_supporter():
            contact = self.shared_contact(patient_id)
            # Only the tasks this supporter may see (open, or claimed by them): a task someone
            # else claimed, or one that is over, is a 404 like a task that does not exist.
            task = get_object_or_404(tasks_for_supporter(contact), pk=task_id)
            task.patient = contact.patient
            with service_errors():
                task = self.run_for_supporter(task, contact)
            return Response(self.task_data(task))
        patient = self.open_patient(patient_id)
        if self.supporter_may_only():
            raise PermissionDenied(ONLY_SUPPORTERS_CLAIM)
        self.check_can_edit(patient)
        task = get_object_or_404(patient.help_tasks.all(), pk=task_id)
        task.patient = patient
        with service_errors():
            task = services.help_task_done(
                task=task, actor=request.user, contact=None, request=request
            )
        return Response(self.task_data(task))


class HelpTaskClaimView(HelpTaskActionView):
    """Claim an open task (supporters only). When two claim at once, one wins and the other
    gets a 400."""

    def run_for_supporter(self, task: HelpTask, contact: SupportContact) -> HelpTask:
        return services.help_task_claim(task=task, contact=contact, request=self.request)


class HelpTaskReleaseView(HelpTaskActionView):
    """Give back a task you claimed, so someone else can take it (supporters only)."""

    def run_for_supporter(self, task: HelpTask, contact: SupportContact) -> HelpTask:
        return services.help_task_release(task=task, contact=contact, request=self.request)


class HelpTaskDoneView(HelpTaskActionView):
    """Mark a task done: the supporter who claimed it, the patient or the care team (clinic
    admins read only). A weekly task opens again for the next week."""

    def supporter_may_only(self) -> bool:
        return False

    def run_for_supporter(self, task: HelpTask, contact: SupportContact) -> HelpTask:
        return services.help_task_done(
            task=task, actor=self.request.user, contact=contact, request=self.request
        )


# --- The supporter's view ---------------------------------------------------------------------


class SupporterPatientListView(NetworkView):
    """For a supporter: the people they support in the current clinic (`X-Clinic` chooses),
    each with only what that person consented to share. A key whose scope is not granted is
    absent; with no consent in force there is only `patient` and `scopes: []`. Not a supporter
    in this clinic: 404."""

    serializer_class = SupporterPatientSerializer
    filterset_class = SupportedPatientFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=SupporterPatientSerializer(many=True))
    def get(self, request: Request) -> Response:
        if not self.is_supporter():
            raise NotFound
        clinic = self.membership().organization
        page = self.paginate_queryset(self.filtered(contacts_of_supporter(request.user, clinic)))
        # One view per person supported: the page is short (a supporter supports a few
        # people), and each view is computed from the consent in force at this very request.
        views = []
        for contact in page:
            contact.patient.clinic = clinic  # already loaded: saves a query
            views.append(build_supporter_view(contact))
        for view in views:
            audit_record(
                action=Action.VIEW,
                request=request,
                clinic=clinic,
                target=view.patient,
                patient=view.patient,
                details={"api": "supporter-patients", "scopes": sorted(view.scopes)},
            )
        data = SupporterPatientSerializer(views, many=True).data
        return self.get_paginated_response(data)
