"""API routes of the accounts app, mounted under /api/v1/ (names in the `api` namespace)."""

from django.urls import path

from accounts import api, api_admin
from accounts.api_base import api_routes

urlpatterns = [
    *api_routes(
        ("me/", api.MeView, "me"),
        # The clinic admin's staff pages (under /clinic/ on the site).
        ("clinic/staff/", api_admin.StaffListView, "clinic-staff-list"),
        ("clinic/staff/<int:membership_id>/", api_admin.StaffMemberView, "clinic-staff-detail"),
        ("clinic/staff/<int:membership_id>/role/", api_admin.StaffRoleView, "clinic-staff-role"),
        (
            "clinic/staff/<int:membership_id>/active/",
            api_admin.StaffActiveView,
            "clinic-staff-active",
        ),
        ("clinic/settings/", api_admin.ClinicSettingsView, "clinic-settings"),
        ("clinic/locked-accounts/", api_admin.LockedAccountListView, "clinic-locked-accounts"),
        ("clinic/people/<int:user_id>/unlock/", api_admin.PersonUnlockView, "clinic-person-unlock"),
    ),
    # The old path, without the slash every other route has, moved for good (308).
    path("me", api.me_moved, name="me-moved"),
]
