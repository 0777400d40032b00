"""REST API of the joining app: the clinic admin's staff invitations (invite, send again,
withdraw) and a person in recovery's invitation to their own sign-in, from the chart. Mounted
under /api/v1/ by joining/api_urls.py; each action calls the page's service, which audits.

Staff invitations: admins of the clinic the request acts in only (404 otherwise), like
/clinic/staff/. The sign-in invitation: the chart's rules (patients.access): the care team (or
emergency access) sends and withdraws, clinic admins read (403 on writes), anyone else 404.
"""

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_admin import AdminApiView
from accounts.api_base import service_errors
from accounts.forms import STAFF_ROLE_CHOICES
from accounts.models import Role, StaffInvitation
from accounts.staff_views import invitations_of
from joining import services
from joining.models import PatientInvitation
from notifications.models import Channel
from patients.api import ChartApiView

# --- Staff invitations ------------------------------------------------------------------------


class StaffInvitationSerializer(serializers.ModelSerializer):
    role = serializers.CharField(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = StaffInvitation
        fields = (
            "id",
            "email",
            "full_name",
            "role",
            "role_label",
            "sent_by",
            "created_at",
            "sent_at",
            "expires_at",
        )
        read_only_fields = fields


class StaffInviteSerializer(serializers.Serializer):
    email = serializers.EmailField(
        max_length=254, help_text=_("The invitation, with a link to accept it, goes here.")
    )
    full_name = serializers.CharField(max_length=200)
    role = serializers.ChoiceField(choices=STAFF_ROLE_CHOICES)


class StaffInvitationApiView(AdminApiView):
    serializer_class = StaffInvitationSerializer

    def invitations(self) -> QuerySet[StaffInvitation]:
        """Invitations of this clinic not accepted or withdrawn yet (the staff page's)."""
        return invitations_of(self.clinic())

    def invitation(self, staff_invitation_id: int) -> StaffInvitation:
        return get_object_or_404(self.invitations(), pk=staff_invitation_id)


class StaffInvitationFilterSet(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Invited as this role."))

    class Meta:
        model = StaffInvitation
        fields = ("role",)


class StaffInvitationListView(StaffInvitationApiView):
    """Waiting staff invitations; POST invites a clinician or clinic admin by email (inviting
    the same address again replaces its waiting invitation)."""

    filterset_class = StaffInvitationFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=StaffInvitationSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(self.filtered(self.invitations()))

    @extend_schema(request=StaffInviteSerializer, responses={201: StaffInvitationSerializer})
    def post(self, request: Request) -> Response:
        clinic = self.clinic()
        fields = self.parse(StaffInviteSerializer, request.data)
        with service_errors():
            invitation = services.staff_invite(
                clinic=clinic, actor=request.user, request=request, **fields
            )
        return Response(StaffInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class StaffInvitationDetailView(StaffInvitationApiView):
    """One waiting invitation; DELETE withdraws it (the link stops working)."""

    @extend_schema(responses=StaffInvitationSerializer)
    def get(self, request: Request, staff_invitation_id: int) -> Response:
        return Response(StaffInvitationSerializer(self.invitation(staff_invitation_id)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, staff_invitation_id: int) -> Response:
        invitation = self.invitation(staff_invitation_id)
        with service_errors():
            services.staff_invitation_withdraw(
                invitation=invitation, actor=request.user, request=request
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class StaffInvitationResendView(StaffInvitationApiView):
    """Email the invitation again with a fresh link; the earlier link stops working."""

    @extend_schema(request=None, responses=StaffInvitationSerializer)
    def post(self, request: Request, staff_invitation_id: int) -> Response:
        invitation = self.invitation(staff_invitation_id)
        with service_errors():
            invitation = services.staff_invitation_resend(
                invitation=invitation, actor=request.user, request=request
            )
        return Response(StaffInvitationSerializer(invitation).data)


# --- A person in recovery's own sign-in -------------------------------------------------------


class PatientInvitationSerializer(serializers.ModelSerializer):
    channel = serializers.CharField(read_only=True, help_text=_("email or sms."))
    sent_by_name = serializers.CharField(
        source="sent_by.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = PatientInvitation
        fields = (
            "id",
            "channel",
            "address",
            "sent_by",
            "sent_by_name",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        )
        read_only_fields = fields


class SignInSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["joined", "invited", "expired", "none"],
        help_text=_("joined, invited (a link works), expired, or none."),
    )
    invitations = PatientInvitationSerializer(many=True)


class SignInInviteSerializer(serializers.Serializer):
    # A string, checked by the service ("email" or "sms"): an enum named `channel` would
    # collide in the schema with the reach-out's channels.
    channel = serializers.CharField(
        max_length=10, default=Channel.EMAIL, help_text=_("email (the default) or sms.")
    )


class SignInView(ChartApiView):
    """Where the person stands with their own sign-in, and the latest invitations. POST sends
    an invitation (an earlier link stops working); DELETE withdraws the one that works."""

    def sign_in(self, patient: object) -> dict[str, object]:
        state = services.sign_in_state(patient)
        invitations = patient.invitations.select_related("sent_by")[:20]
        return {"state": state.state, "invitations": invitations}

    @extend_schema(responses=SignInSerializer)
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        return Response(SignInSerializer(self.sign_in(patient)).data)

    @extend_schema(request=SignInInviteSerializer, responses={201: PatientInvitationSerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        fields = self.parse(SignInInviteSerializer, request.data)
        with service_errors():
            invitation = services.patient_invitation_send(
                patient=patient, actor=request.user, channel=fields["channel"], request=request
            )
        return Response(
            PatientInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        invitation = services.open_invitation(patient)
        if invitation is None:
            raise NotFound(_("No invitation link is working now."))
        with service_errors():
            services.patient_invitation_revoke(
                invitation=invitation, actor=request.user, request=request
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
