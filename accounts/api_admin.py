"""REST API of the clinic admin's staff pages (under /clinic/): the staff list, a role change,
deactivation and reactivation, the clinic's settings, and locked accounts. Mounted under /api/v1/
by accounts/api_urls.py.

Like the pages (role_required(ADMIN)): only an admin of the clinic the request acts in reaches
these; anyone else, and anything of another clinic, answers 404. Each write calls the page's
service, which checks its rule and writes the audit event.
"""

from typing import Any

import django_filters
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView, TrueFalseFilter, service_errors
from accounts.forms import STAFF_ROLE_CHOICES, ClinicSettingsForm
from accounts.lockout import account_unlock, locked_members, members_of
from accounts.models import Membership, Organization, Role
from accounts.services import clinic_settings_save, membership_change_role, membership_set_active
from accounts.staff_views import staff_of
from audit.models import Action
from audit.services import audit_record


class AdminApiView(ApiView):
    """An endpoint of the clinic admin's pages: admins of the clinic the request acts in only
    (404 for everyone else, as the pages answer)."""

    def admin_membership(self) -> Membership:
        membership = self.membership()
        if membership is None or membership.role != Role.ADMIN:
            raise NotFound
        # The services audit in the clinic of the request (request.clinic); under the API it is
        # the clinic named by X-Clinic, which a signed-in browser may not have chosen.
        self.request._request.clinic = membership.organization
        return membership

    def clinic(self) -> Organization:
        return self.admin_membership().organization


# --- Staff ------------------------------------------------------------------------------------


class StaffSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    # As stored (no enum: the staff role's enum is the one a write takes, StaffRole's).
    role = serializers.CharField(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = (
            "id",
            "user_id",
            "email",
            "full_name",
            "display_name",
            "role",
            "role_label",
            "is_active",
            "created_at",
        )
        read_only_fields = fields


class StaffFilterSet(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=STAFF_ROLE_CHOICES, label=_("Staff role."))
    is_active = TrueFalseFilter(label=_("Active (true) or deactivated (false)."))

    class Meta:
        model = Membership
        fields: tuple[str, ...] = ()


class StaffRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=STAFF_ROLE_CHOICES)


class SetActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField(help_text=_("true reactivates, false deactivates."))


class StaffListView(AdminApiView):
    """The clinic's admins and clinicians, active or not (the staff page)."""

    serializer_class = StaffSerializer
    filterset_class = StaffFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=StaffSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(self.filtered(staff_of(self.clinic())))


class StaffMemberView(AdminApiView):
    serializer_class = StaffSerializer

    def staff_member(self, membership_id: int) -> Membership:
        """A staff membership of this clinic; 404 for another clinic's, a patient's or a
        supporter's."""
        return get_object_or_404(
            staff_of(self.clinic()).select_related("organization"), pk=membership_id
        )

    @extend_schema(responses=StaffSerializer)
    def get(self, request: Request, membership_id: int) -> Response:
        return Response(StaffSerializer(self.staff_member(membership_id)).data)


class StaffRoleView(StaffMemberView):
    """Switch someone between clinic admin and clinician; the clinic keeps an active admin."""

    @extend_schema(request=StaffRoleSerializer, responses=StaffSerializer)
    def post(self, request: Request, membership_id: int) -> Response:
        membership = self.staff_member(membership_id)
        role = self.parse(StaffRoleSerializer, request.data)["role"]
        with service_errors():
            membership_change_role(
                membership=membership, role=role, actor=request.user, request=request
            )
        return Response(StaffSerializer(membership).data)


class StaffActiveView(StaffMemberView):
    """Deactivate (their sessions and tokens end) or reactivate a staff member."""

    @extend_schema(request=SetActiveSerializer, responses=StaffSerializer)
    def post(self, request: Request, membership_id: int) -> Response:
        membership = self.staff_member(membership_id)
        active = self.parse(SetActiveSerializer, request.data)["active"]
        with service_errors():
            membership_set_active(
                membership=membership, is_active=active, actor=request.user, request=request
            )
        return Response(StaffSerializer(membership).data)


# --- Clinic settings --------------------------------------------------------------------------

SETTINGS_FIELDS = tuple(ClinicSettingsForm.Meta.fields)


class ClinicSettingsSerializer(serializers.ModelSerializer):
    # Checked by the settings page's form (the languages the product speaks).
    default_language = serializers.CharField(
        required=False, max_length=10, help_text=_("A language code the product speaks: en, es.")
    )

    class Meta:
        model = Organization
        fields = ("id", "slug", *SETTINGS_FIELDS)
        read_only_fields = ("id", "slug")
        # The page's form checks the values (and the apps' registered rules) once more.
        extra_kwargs = {name: {"validators": []} for name in SETTINGS_FIELDS}


class ClinicSettingsView(AdminApiView):
    """The clinic's own settings: alert thresholds, reminders, the local emergency number and
    the default language. PATCH changes some, PUT all; checked like the settings page."""

    serializer_class = ClinicSettingsSerializer

    @extend_schema(responses=ClinicSettingsSerializer)
    def get(self, request: Request) -> Response:
        clinic = self.clinic()
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=clinic,
            target=clinic,
            details={"api": "clinic_settings"},
        )
        return Response(ClinicSettingsSerializer(clinic).data)

    @extend_schema(request=ClinicSettingsSerializer, responses=ClinicSettingsSerializer)
    def patch(self, request: Request) -> Response:
        return self.update(request, partial=True)

    @extend_schema(request=ClinicSettingsSerializer, responses=ClinicSettingsSerializer)
    def put(self, request: Request) -> Response:
        return self.update(request, partial=False)

    def update(self, request: Request, *, partial: bool) -> Response:
        clinic = Organization.objects.get(pk=self.clinic().pk)
        fields = self.parse(ClinicSettingsSerializer, request.data, partial=partial)
        # The page's form, with the values not sent as they are: the same checks, the same
        # messages (the escalation ladder's rule on missed check-in days among them).
        data: dict[str, Any] = {**model_to_dict(clinic, fields=SETTINGS_FIELDS), **fields}
        form = ClinicSettingsForm({k: v for k, v in data.items() if v is not None}, instance=clinic)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    name: [error["message"] for error in errors]
                    for name, errors in form.errors.get_json_data().items()
                }
            )
        with service_errors():
            clinic = clinic_settings_save(
                clinic=clinic,
                changes={name: form.cleaned_data[name] for name in SETTINGS_FIELDS},
                actor=request.user,
                request=request,
            )
        return Response(ClinicSettingsSerializer(clinic).data)


# --- Locked accounts --------------------------------------------------------------------------


class LockedAccountSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    email = serializers.CharField()
    display_name = serializers.CharField()
    locked_until = serializers.DateTimeField()


class LockedAccountListView(AdminApiView):
    """People of this clinic whose account is locked after too many failed sign-ins, and when
    the lock ends by itself."""

    serializer_class = LockedAccountSerializer
    paginated_methods = ("GET",)

    @extend_schema(responses=LockedAccountSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = [
            {
                "user_id": person.pk,
                "email": person.email,
                "display_name": person.display_name,
                "locked_until": until,
            }
            for person, until in locked_members(self.clinic())
        ]
        return self.paginated(rows)


class UnlockSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    attempts_cleared = serializers.IntegerField()


class PersonUnlockView(AdminApiView):
    """End the lock of a person of this clinic now (404 for anyone else); audited."""

    @extend_schema(request=None, responses=UnlockSerializer)
    def post(self, request: Request, user_id: int) -> Response:
        person = get_object_or_404(members_of(self.clinic()), pk=user_id)
        removed = account_unlock(person=person, request=request)
        return Response(UnlockSerializer({"user_id": person.pk, "attempts_cleared": removed}).data)
