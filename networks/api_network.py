"""REST API of the network page's other actions, mounted under /api/v1/ (see networks/api.py
for who may open what): invitations sent, resent and withdrawn, "view as this supporter",
encouragement moderation, the person's own network and telling the network about a setback.

Each endpoint calls the service the page calls (networks.services, patients.services), so the
rules and the audit are written once."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import service_errors
from coping.access import CopingAccess, own_patient_record
from networks import selectors, services
from networks.api import ContactListView, NetworkView
from networks.consent import contacts_sharing_now
from networks.models import ContactStatus, Encouragement, Invitation, SupportContact
from networks.serializers import (
    ContactCreateSerializer,
    ContactSerializer,
    EncouragementFilterSet,
    EncouragementSerializer,
    InvitationFilterSet,
    InvitationSerializer,
    SetbackSharedSerializer,
    SetbackShareSerializer,
    SupporterPatientSerializer,
)
from patients.models import Patient
from patients.services import setback_record

NOT_SHARING = _("Choose people in your network who can see what you share.")


# --- Invitations ------------------------------------------------------------------------------


class InvitationScopedView(NetworkView):
    serializer_class = InvitationSerializer

    def invitation_of(self, contact: SupportContact, invitation_id: object) -> Invitation:
        invitation = get_object_or_404(contact.invitations.all(), pk=invitation_id)
        invitation.contact = contact
        return invitation

    def invitation_data(self, invitation: Invitation) -> dict:
        row = Invitation.objects.select_related("sent_by").get(pk=invitation.pk)
        return InvitationSerializer(row).data


class ContactInvitationListView(InvitationScopedView):
    """The invitations sent to this person, newest first. POST sends one (the page's "Invite",
    and "Send again"): any earlier link stops working, the new one works for seven days."""

    filterset_class = InvitationFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request: Request, patient_id: int, contact_id: int) -> Response:
        patient = self.open_patient(patient_id)
        contact = self.patient_contact(patient, contact_id)
        invitations = contact.invitations.select_related("sent_by").order_by("-created_at", "-id")
        response = self.paginated(self.filtered(invitations))
        self.audit_view(patient, "contact-invitations", contact=contact.pk)
        return response

    @extend_schema(request=None, responses={201: InvitationSerializer})
    def post(self, request: Request, patient_id: int, contact_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        contact = self.patient_contact(patient, contact_id)
        with service_errors():
            invitation = services.invitation_send(
                contact=contact, actor=request.user, request=request
            )
        return Response(self.invitation_data(invitation), status=status.HTTP_201_CREATED)


class InvitationDetailView(InvitationScopedView):
    """One invitation. DELETE withdraws it (the link stops working); one already withdrawn
    stays as it is, one accepted is a 400."""

    @extend_schema(responses=InvitationSerializer)
    def get(
        self, request: Request, patient_id: int, contact_id: int, invitation_id: int
    ) -> Response:
        patient = self.open_patient(patient_id)
        invitation = self.invitation_of(self.patient_contact(patient, contact_id), invitation_id)
        data = self.invitation_data(invitation)
        self.audit_view(patient, "contact-invitation", invitation=invitation.pk)
        return Response(data)

    @extend_schema(request=None, responses={204: None})
    def delete(
        self, request: Request, patient_id: int, contact_id: int, invitation_id: int
    ) -> Response:
        revoke(self, patient_id, contact_id, invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationRevokeView(InvitationScopedView):
    """Withdraw an invitation (the page's "Withdraw"): its link stops working. Withdrawing one
    already withdrawn changes nothing; an accepted one is a 400."""

    @extend_schema(request=None, responses=InvitationSerializer)
    def post(
        self, request: Request, patient_id: int, contact_id: int, invitation_id: int
    ) -> Response:
        invitation = revoke(self, patient_id, contact_id, invitation_id)
        return Response(self.invitation_data(invitation))


def revoke(
    view: InvitationScopedView, patient_id: int, contact_id: int, invitation_id: int
) -> Invitation:
    patient = view.editable_patient(patient_id)
    invitation = view.invitation_of(view.patient_contact(patient, contact_id), invitation_id)
    if invitation.revoked_at is not None:
        return invitation  # as on the page: already withdrawn, nothing to do
    with service_errors():
        return services.invitation_revoke(
            invitation=invitation, actor=view.request.user, request=view.request
        )


# --- View as this supporter -------------------------------------------------------------------


class ContactPreviewView(NetworkView):
    """Exactly what this supporter sees now ("View as"), built by the supporter's own selector
    from the consent in force: a section whose scope is not granted is absent."""

    serializer_class = SupporterPatientSerializer

    @extend_schema(responses=SupporterPatientSerializer)
    def get(self, request: Request, patient_id: int, contact_id: int) -> Response:
        patient = self.open_patient(patient_id)
        contact = self.patient_contact(patient, contact_id)
        view = selectors.supporter_view(contact)
        self.audit_view(patient, "contact-preview", contact=contact.pk)
        return Response(SupporterPatientSerializer(view).data)


# --- Encouragement moderation -----------------------------------------------------------------


class EncouragementScopedView(NetworkView):
    serializer_class = EncouragementSerializer

    def encouragements(self, patient: Patient) -> object:
        """The care team moderates, so it sees what was hidden; the person in recovery does
        not (a hidden message is a 404 for them, as if it were not there)."""
        staff = CopingAccess(self.membership(), patient).is_staff
        rows = selectors.encouragements_for_patient(patient, include_hidden=staff)
        return rows.select_related("hidden_by").order_by("-created_at", "-id")


class PatientEncouragementListView(EncouragementScopedView):
    """The messages of encouragement supporters sent, newest first (the network page)."""

    filterset_class = EncouragementFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=EncouragementSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        response = self.paginated(self.filtered(self.encouragements(patient)))
        self.audit_view(patient, "encouragements")
        return response


class EncouragementHideView(EncouragementScopedView):
    """Hide a message (the person and the care team): the supporter is not told. Hiding one
    already hidden keeps who hid it first."""

    @extend_schema(request=None, responses=EncouragementSerializer)
    def post(self, request: Request, patient_id: int, encouragement_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        note = get_object_or_404(self.encouragements(patient), pk=encouragement_id)
        note.patient = patient
        services.encouragement_hide(encouragement=note, actor=request.user, request=request)
        row = Encouragement.objects.select_related("contact", "hidden_by").get(pk=note.pk)
        return Response(EncouragementSerializer(row).data)


# --- The person's own network, and a setback told to whom they choose --------------------------


class OwnRecordMixin:
    """The person in recovery's own record in the clinic the request acts in (/api/v1/me/...);
    404 for everyone else, as the my-recovery pages."""

    def open_patient(self, patient_id: object = None) -> Patient:
        return own_patient_record(self.membership())  # type: ignore[attr-defined]


class MyNetworkView(OwnRecordMixin, ContactListView):
    """The person's own network (the my-recovery network page), as
    /patients/{patient_id}/contacts/ answers it for their record; POST adds someone."""

    @extend_schema(responses=ContactSerializer(many=True))
    def get(self, request: Request) -> Response:
        return super().get(request, patient_id=None)

    @extend_schema(request=ContactCreateSerializer, responses={201: ContactSerializer})
    def post(self, request: Request) -> Response:
        return super().post(request, patient_id=None)


class MySetbackView(OwnRecordMixin, NetworkView):
    """ "I had a setback" (the my-recovery setback page): the person records it in their own
    words and chooses who is told: their care team (an alert that they would like support) and
    people who see something of theirs now (guidance on how to respond, never the details).
    All or nothing is saved. Only the person themself (404 for everyone else); the care team
    records a setback at /patients/{patient_id}/setbacks/."""

    @extend_schema(request=SetbackShareSerializer, responses={201: SetbackSharedSerializer})
    def post(self, request: Request) -> Response:
        patient = self.editable_patient()
        fields = self.parse(SetbackShareSerializer, request.data)
        contacts = chosen_contacts(patient, fields.pop("contacts"))
        tell_care_team = fields.pop("tell_care_team")
        with service_errors(), transaction.atomic():
            setback = setback_record(patient=patient, actor=request.user, request=request, **fields)
            services.setback_share(
                setback=setback,
                actor=request.user,
                tell_care_team=tell_care_team,
                contacts=contacts,
                request=request,
            )
        data = {
            "setback": setback,
            "told_care_team": tell_care_team,
            "told_contacts": [contact.pk for contact in contacts],
        }
        return Response(SetbackSharedSerializer(data).data, status=status.HTTP_201_CREATED)


def chosen_contacts(patient: Patient, ids: list[int]) -> list[SupportContact]:
    """The people the page offers: active, and seeing something now; any other id is a 400."""
    wanted = list(dict.fromkeys(ids))
    active = list(patient.contacts.filter(status=ContactStatus.ACTIVE, pk__in=wanted))
    sharing = contacts_sharing_now(active)
    chosen = [contact for contact in active if contact.pk in sharing]
    if len(chosen) != len(wanted):
        raise serializers.ValidationError({"contacts": [NOT_SHARING]})
    for contact in chosen:
        contact.patient = patient
    return chosen
