"""The clinic admin's page twins: programs, staff (roles, deactivation), staff invitations,
clinic and report settings, locked accounts, the emergency-access log. Admins of the clinic
the request acts in only: anyone else 404, another clinic's rows 404."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, Organization, Role, StaffInvitation
from audit.models import Action, AuditEvent
from patients.models import Program
from reports.models import small_number_threshold
from tests.api_chart.conftest import as_user
from tests.factories import (
    EmergencyAccessFactory,
    PatientFactory,
    ProgramFactory,
    StaffInvitationFactory,
    member,
)

pytestmark = pytest.mark.django_db

PROGRAMS = "/api/v1/clinic/programs/"
STAFF = "/api/v1/clinic/staff/"
INVITATIONS = "/api/v1/clinic/staff/invitations/"
SETTINGS = "/api/v1/clinic/settings/"


def refused_to_all_but_the_admin(path: str, clinician, person, other_admin, method="get") -> None:
    """A clinician or a person of the clinic, and another clinic's admin naming this clinic,
    all get 404 (like the pages)."""
    for user in (clinician, person):
        response = getattr(as_user(user), method)(path, {}, format="json")
        assert response.status_code == 404, (user, response.content)
    response = getattr(as_user(other_admin), method)(
        path, {}, format="json", HTTP_X_CLINIC="harbor"
    )
    assert response.status_code == 404, response.content


@pytest.fixture
def person(clinic):
    return member(Role.PATIENT, clinic)


# --- Programs ---------------------------------------------------------------------------------


def test_the_admin_adds_edits_and_deactivates_a_program(clinic, clinic_admin):
    api = as_user(clinic_admin)

    added = api.post(
        PROGRAMS, {"name": "Evening IOP", "description": "Three nights"}, format="json"
    )
    program_id = added.json()["id"]
    edited = api.patch(f"{PROGRAMS}{program_id}/", {"description": "Four nights"}, format="json")
    off = api.post(f"{PROGRAMS}{program_id}/active/", {"active": False}, format="json")
    listed = api.get(PROGRAMS, {"is_active": "false"}).json()["results"]

    assert added.status_code == 201, added.content
    assert edited.json()["description"] == "Four nights"
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert [row["id"] for row in listed] == [program_id]
    program = Program.objects.get(pk=program_id)
    assert program.clinic == clinic and not program.is_active
    assert AuditEvent.objects.filter(object_type="patients.Program").count() == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "Evening IOP"}, "name"),  # already the clinic's
        ({"name": "x" * 121}, "name"),
        ({"name": "New", "is_active": "yes"}, "is_active"),
    ],
)
def test_a_bad_program_is_a_400(clinic, clinic_admin, body, field):
    ProgramFactory(clinic=clinic, name="Evening IOP")

    response = as_user(clinic_admin).post(PROGRAMS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_another_clinics_program_is_404_and_unchanged(clinic_admin, other_clinic):
    theirs = ProgramFactory(clinic=other_clinic, name="Lakeside day")
    api = as_user(clinic_admin)

    assert api.get(f"{PROGRAMS}{theirs.pk}/").status_code == 404
    assert api.patch(f"{PROGRAMS}{theirs.pk}/", {"name": "Mine"}, format="json").status_code == 404
    assert api.post(f"{PROGRAMS}{theirs.pk}/active/", {"active": False}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Lakeside day" and theirs.is_active


def test_programs_are_the_admins_only(clinic, clinician, person, other_admin):
    program = ProgramFactory(clinic=clinic)

    refused_to_all_but_the_admin(PROGRAMS, clinician, person, other_admin)
    refused_to_all_but_the_admin(PROGRAMS, clinician, person, other_admin, method="post")
    refused_to_all_but_the_admin(
        f"{PROGRAMS}{program.pk}/active/", clinician, person, other_admin, method="post"
    )


@pytest.mark.parametrize("rows", [3, 30])
def test_the_program_list_reads_a_flat_number_of_queries(clinic, clinic_admin, rows):
    for n in range(rows):
        ProgramFactory(clinic=clinic, name=f"Program {n:03d}")
    api = as_user(clinic_admin)

    with CaptureQueriesContext(connection) as queries:
        response = api.get(PROGRAMS, {"page_size": 50})

    assert response.status_code == 200 and response.json()["count"] == rows
    # memberships + the count + the page: the patient counts are annotations, not a query a row
    assert len(queries) <= 4


# --- Staff ------------------------------------------------------------------------------------


def test_the_admin_lists_staff_and_changes_a_role_and_deactivates(clinic, clinic_admin, clinician):
    api = as_user(clinic_admin)
    seat = Membership.objects.get(user=clinician, organization=clinic)

    listed = api.get(STAFF, {"role": "clinician"}).json()["results"]
    promoted = api.post(f"{STAFF}{seat.pk}/role/", {"role": "admin"}, format="json")
    off = api.post(f"{STAFF}{seat.pk}/active/", {"active": False}, format="json")

    assert [row["id"] for row in listed] == [seat.pk]
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
    assert off.status_code == 200 and off.json()["is_active"] is False
    seat.refresh_from_db()
    assert seat.role == Role.ADMIN and not seat.is_active
    assert (
        AuditEvent.objects.filter(
            action=Action.UPDATE, object_type="accounts.Membership", clinic=clinic
        ).count()
        == 2
    )


def test_the_only_admin_cannot_step_down_or_deactivate_themself(clinic, clinic_admin):
    seat = Membership.objects.get(user=clinic_admin, organization=clinic)
    api = as_user(clinic_admin)

    demoted = api.post(f"{STAFF}{seat.pk}/role/", {"role": "clinician"}, format="json")
    off = api.post(f"{STAFF}{seat.pk}/active/", {"active": False}, format="json")

    assert demoted.status_code == 400 and "non_field_errors" in demoted.json()
    assert off.status_code == 400
    seat.refresh_from_db()
    assert seat.role == Role.ADMIN and seat.is_active


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("role/", {"role": "patient"}, "role"),
        ("role/", {}, "role"),
        ("active/", {"active": "0"}, "active"),
        ("active/", {}, "active"),
    ],
)
def test_bad_staff_changes_are_a_400(clinic, clinic_admin, clinician, path, body, field):
    seat = Membership.objects.get(user=clinician, organization=clinic)

    response = as_user(clinic_admin).post(f"{STAFF}{seat.pk}/{path}", body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_a_patients_or_another_clinics_membership_is_404(
    clinic, clinic_admin, person, other_clinic
):
    theirs = Membership.objects.get(user=member(Role.CLINICIAN, other_clinic))
    patient_seat = Membership.objects.get(user=person)
    api = as_user(clinic_admin)

    for seat in (theirs, patient_seat):
        assert api.post(f"{STAFF}{seat.pk}/active/", {"active": False}).status_code == 404
        assert api.post(f"{STAFF}{seat.pk}/role/", {"role": "admin"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_staff_pages_are_the_admins_only(clinic, clinician, person, other_admin):
    seat = Membership.objects.get(user=clinician)

    refused_to_all_but_the_admin(STAFF, clinician, person, other_admin)
    refused_to_all_but_the_admin(
        f"{STAFF}{seat.pk}/role/", clinician, person, other_admin, method="post"
    )


@pytest.mark.parametrize("rows", [3, 30])
def test_the_staff_list_reads_a_flat_number_of_queries(clinic, clinic_admin, rows):
    for _ in range(rows):
        member(Role.CLINICIAN, clinic)
    api = as_user(clinic_admin)

    with CaptureQueriesContext(connection) as queries:
        response = api.get(STAFF, {"page_size": 50})

    assert response.status_code == 200 and response.json()["count"] == rows + 1
    assert len(queries) <= 4  # memberships, the count, the page with its users


# --- Staff invitations ------------------------------------------------------------------------


def test_the_admin_invites_resends_and_withdraws(
    clinic, clinic_admin, django_capture_on_commit_callbacks
):
    api = as_user(clinic_admin)

    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(
            INVITATIONS,
            {"email": "Sam@Example.org", "full_name": "Sam Lee", "role": "clinician"},
            format="json",
        )
    invitation_id = sent.json()["id"]
    nonce = StaffInvitation.objects.get(pk=invitation_id).nonce
    with django_capture_on_commit_callbacks(execute=True):
        resent = api.post(f"{INVITATIONS}{invitation_id}/resend/")
    withdrawn = api.delete(f"{INVITATIONS}{invitation_id}/")
    gone = api.get(f"{INVITATIONS}{invitation_id}/")

    assert sent.status_code == 201, sent.content
    assert sent.json()["email"] == "sam@example.org"
    assert resent.status_code == 200
    assert StaffInvitation.objects.get(pk=invitation_id).nonce != nonce
    assert len(mail.outbox) == 2
    assert withdrawn.status_code == 204
    assert StaffInvitation.objects.get(pk=invitation_id).revoked_at is not None
    assert gone.status_code == 404
    assert api.get(INVITATIONS).json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-address", "full_name": "Sam", "role": "clinician"}, "email"),
        ({"email": "sam@example.org", "full_name": "", "role": "clinician"}, "full_name"),
        ({"email": "sam@example.org", "full_name": "Sam", "role": "supporter"}, "role"),
        ({"email": "member@example.org", "full_name": "Sam", "role": "clinician"}, "email"),
    ],
)
def test_a_bad_invitation_is_a_400(clinic, clinic_admin, body, field):
    member(Role.CLINICIAN, clinic, email="member@example.org")

    response = as_user(clinic_admin).post(INVITATIONS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not StaffInvitation.objects.exists()


def test_another_clinics_invitation_is_404_and_stays(clinic_admin, other_clinic):
    theirs = StaffInvitationFactory(clinic=other_clinic)
    api = as_user(clinic_admin)

    assert api.delete(f"{INVITATIONS}{theirs.pk}/").status_code == 404
    assert api.post(f"{INVITATIONS}{theirs.pk}/resend/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_invitations_are_the_admins_only(clinic, clinician, person, other_admin):
    invitation = StaffInvitationFactory(clinic=clinic)

    refused_to_all_but_the_admin(INVITATIONS, clinician, person, other_admin)
    refused_to_all_but_the_admin(
        f"{INVITATIONS}{invitation.pk}/", clinician, person, other_admin, method="delete"
    )


# --- Clinic and report settings ---------------------------------------------------------------


def test_the_admin_reads_and_changes_the_clinic_settings(clinic, clinic_admin):
    api = as_user(clinic_admin)

    read = api.get(SETTINGS)
    changed = api.patch(
        SETTINGS, {"craving_alert_threshold": 7, "local_emergency_number": "911"}, format="json"
    )

    assert read.status_code == 200 and read.json()["slug"] == clinic.slug
    assert changed.status_code == 200, changed.content
    clinic.refresh_from_db()
    assert clinic.craving_alert_threshold == 7 and clinic.local_emergency_number == "911"
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="accounts.Organization", clinic=clinic
    ).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"craving_alert_threshold": "7"}, "craving_alert_threshold"),
        ({"craving_alert_threshold": 99}, "craving_alert_threshold"),
        ({"default_language": "tlh"}, "default_language"),
        ({"brs_drop_alert": 10}, "brs_drop_alert"),  # a decimal travels as a string
        ({"brs_drop_alert": "-3"}, "brs_drop_alert"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_clinic_settings_are_a_400_and_nothing_changes(clinic, clinic_admin, body, field):
    before = Organization.objects.get(pk=clinic.pk)

    response = as_user(clinic_admin).patch(SETTINGS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    after = Organization.objects.get(pk=clinic.pk)
    assert (after.name, after.craving_alert_threshold) == (
        before.name,
        before.craving_alert_threshold,
    )


def test_settings_are_the_admins_only(clinician, person, other_admin):
    refused_to_all_but_the_admin(SETTINGS, clinician, person, other_admin)
    refused_to_all_but_the_admin(SETTINGS, clinician, person, other_admin, method="patch")
    refused_to_all_but_the_admin(
        "/api/v1/reports/settings/", clinician, person, other_admin, method="patch"
    )


def test_the_admin_sets_the_report_threshold(clinic, clinic_admin):
    api = as_user(clinic_admin)

    changed = api.patch("/api/v1/reports/settings/", {"small_number_threshold": 8}, format="json")
    bad = api.patch("/api/v1/reports/settings/", {"small_number_threshold": 1}, format="json")

    assert changed.status_code == 200 and changed.json() == {"small_number_threshold": 8}
    assert bad.status_code == 400 and "small_number_threshold" in bad.json()
    assert small_number_threshold(clinic) == 8
    assert api.get("/api/v1/reports/settings/").json() == {"small_number_threshold": 8}


# --- Locked accounts --------------------------------------------------------------------------


def lock(email: str) -> None:
    AccessAttempt.objects.create(
        username=email,
        ip_address="203.0.113.7",
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )


def test_the_admin_sees_and_ends_a_lock_of_their_clinics_person(clinic, clinic_admin, clinician):
    lock(clinician.email)
    api = as_user(clinic_admin)

    listed = api.get("/api/v1/clinic/locked-accounts/").json()["results"]
    unlocked = api.post(f"/api/v1/clinic/people/{clinician.pk}/unlock/")

    assert [row["user_id"] for row in listed] == [clinician.pk]
    assert unlocked.status_code == 200 and unlocked.json()["attempts_cleared"] >= 1
    assert not AccessAttempt.objects.filter(username=clinician.email).exists()
    assert AuditEvent.objects.filter(action=Action.ACCOUNT_UNLOCKED, clinic=clinic).exists()


def test_unlocking_someone_of_another_clinic_is_404(clinic_admin, other_clinic):
    stranger = member(Role.CLINICIAN, other_clinic)
    lock(stranger.email)

    response = as_user(clinic_admin).post(f"/api/v1/clinic/people/{stranger.pk}/unlock/")

    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username=stranger.email).exists()


def test_locked_accounts_are_the_admins_only(clinician, person, other_admin):
    refused_to_all_but_the_admin("/api/v1/clinic/locked-accounts/", clinician, person, other_admin)
    refused_to_all_but_the_admin(
        f"/api/v1/clinic/people/{person.pk}/unlock/", clinician, person, other_admin, "post"
    )


# --- Emergency-access log ---------------------------------------------------------------------


def test_the_admin_reviews_emergency_access_with_the_reasons_audited(
    clinic, clinic_admin, clinician, other_clinic
):
    mine = EmergencyAccessFactory(patient=PatientFactory(clinic=clinic), user=clinician)
    EmergencyAccessFactory(patient=PatientFactory(clinic=other_clinic))
    EmergencyAccessFactory(
        patient=PatientFactory(clinic=clinic),
        user=clinician,
        expires_at=timezone.now() - timedelta(hours=1),
    )
    api = as_user(clinic_admin)

    response = api.get("/api/v1/clinic/emergency-access/")
    narrowed = api.get("/api/v1/clinic/emergency-access/", {"patient_id": mine.patient_id})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 2 and rows[0]["reason"] == mine.reason
    assert sorted(row["still_active"] for row in rows) == [False, True]
    assert [row["id"] for row in narrowed.json()["results"]] == [mine.pk]
    assert (
        AuditEvent.objects.filter(
            action=Action.LIST, details__list="api_emergency_access_log"
        ).exists()
        or AuditEvent.objects.filter(action=Action.LIST).exists()
    )


def test_the_emergency_access_log_is_the_admins_only_and_filters_are_checked(
    clinic_admin, clinician, person, other_admin
):
    refused_to_all_but_the_admin("/api/v1/clinic/emergency-access/", clinician, person, other_admin)
    bad = as_user(clinic_admin).get("/api/v1/clinic/emergency-access/", {"patient_id": "x"})
    assert bad.status_code == 400 and "patient_id" in bad.json()
