"""API routes of the joining app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from joining import api

INVITATION = "clinic/staff/invitations/<int:staff_invitation_id>/"

urlpatterns = api_routes(
    (PATIENT + "sign-in/", api.SignInView, "patient-sign-in"),
    ("clinic/staff/invitations/", api.StaffInvitationListView, "clinic-staff-invitation-list"),
    (INVITATION, api.StaffInvitationDetailView, "clinic-staff-invitation-detail"),
    (INVITATION + "resend/", api.StaffInvitationResendView, "clinic-staff-invitation-resend"),
)
