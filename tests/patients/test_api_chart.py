"""/api/v1/patients/{patient_id}/care-team/, setbacks/ and milestones/."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organization, Role, User
from audit.models import Action, AuditEvent
from patients.models import CareTeamMember, Milestone, Patient, RecoveryDate, Setback, TeamRole
from tests.factories import (
    CareTeamMemberFactory,
    MilestoneFactory,
    PatientFactory,
    SetbackFactory,
    member,
)

pytestmark = pytest.mark.django_db


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def seat(clinic: Organization, clinician: User) -> CareTeamMember:
    """`clinician` is the patient's primary counselor."""
    return CareTeamMemberFactory(
        clinician=clinician, patient=PatientFactory(clinic=clinic), is_primary=True
    )


@pytest.fixture
def patient(seat: CareTeamMember) -> Patient:
    return seat.patient


@pytest.fixture
def colleague(clinic: Organization) -> User:
    return member(Role.CLINICIAN, clinic)


@pytest.fixture
def outsider(other_clinic: Organization) -> User:
    return member(Role.ADMIN, other_clinic)


def url(patient: Patient, part: str) -> str:
    return f"/api/v1/patients/{patient.pk}/{part}/"


# --- Care team --------------------------------------------------------------------------------


def test_care_team_lists_current_and_past_members(clinic, clinician, patient, colleague):
    past = CareTeamMemberFactory(
        patient=patient, clinician=colleague, started_on=date(2025, 1, 1), ended_on=date(2025, 6, 1)
    )

    response = as_user(clinician).get(url(patient, "care-team"))

    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {patient.care_team.get(clinician=clinician).pk, past.pk}
    assert rows[past.pk]["is_current"] is False
    assert rows[past.pk]["ended_on"] == "2025-06-01"
    # Once left, the colleague no longer opens the chart.
    assert as_user(colleague).get(url(patient, "care-team")).status_code == 404


def test_care_team_is_read_by_admins_and_hidden_from_everyone_else(
    clinic_admin, colleague, outsider, patient
):
    assert as_user(clinic_admin).get(url(patient, "care-team")).status_code == 200
    assert as_user(colleague).get(url(patient, "care-team")).status_code == 404
    assert as_user(outsider).get(url(patient, "care-team")).status_code == 404
    assert APIClient().get(url(patient, "care-team")).status_code == 401


def test_adding_a_primary_member_moves_the_primary_seat(clinician, colleague, patient, seat):
    response = as_user(clinician).post(
        url(patient, "care-team"),
        {"clinician": colleague.pk, "team_role": TeamRole.PRESCRIBER, "is_primary": True},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["clinician"] == colleague.pk
    assert response.json()["is_primary"] is True
    seat.refresh_from_db()
    assert seat.is_primary is False
    assert AuditEvent.objects.filter(action=Action.CREATE, patient=patient).exists()
    assert as_user(colleague).get(f"/api/v1/patients/{patient.pk}/").status_code == 200


@pytest.mark.parametrize(
    "who",
    ["already_on_team", "admin", "other_clinic", "nobody", "not_a_number", "supporter"],
)
def test_adding_someone_who_cannot_join_is_400(
    clinic, other_clinic, clinician, clinic_admin, patient, who
):
    candidates = {
        "already_on_team": clinician.pk,
        "admin": clinic_admin.pk,
        "other_clinic": member(Role.CLINICIAN, other_clinic).pk,
        "nobody": 999999,
        "not_a_number": "dr-who",
        "supporter": member(Role.SUPPORTER, clinic).pk,
    }

    response = as_user(clinician).post(
        url(patient, "care-team"),
        {"clinician": candidates[who], "team_role": TeamRole.SOCIAL_WORKER},
        format="json",
    )

    assert response.status_code == 400
    assert "clinician" in response.json()
    assert patient.care_team.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"team_role": "shaman"}, "team_role"),
        ({"team_role": TeamRole.PRESCRIBER, "is_primary": "maybe"}, "is_primary"),
        ({"team_role": TeamRole.PRESCRIBER, "started_on": "soon"}, "started_on"),
        ({}, "team_role"),
    ],
)
def test_adding_a_member_with_bad_input_is_400(clinician, colleague, patient, data, field):
    response = as_user(clinician).post(
        url(patient, "care-team"), {"clinician": colleague.pk, **data}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert patient.care_team.count() == 1


def test_only_the_care_team_may_add_members(clinic_admin, colleague, outsider, patient):
    data = {"clinician": colleague.pk, "team_role": TeamRole.CASE_MANAGER}

    assert as_user(clinic_admin).post(url(patient, "care-team"), data).status_code == 403
    assert as_user(colleague).post(url(patient, "care-team"), data).status_code == 404
    assert as_user(outsider).post(url(patient, "care-team"), data).status_code == 404
    assert patient.care_team.count() == 1


def test_ending_a_membership_keeps_it_in_the_history(clinician, colleague, patient):
    theirs = CareTeamMemberFactory(patient=patient, clinician=colleague)
    end = f"{url(patient, 'care-team')}{theirs.pk}/end/"

    response = as_user(clinician).post(end, format="json")
    again = as_user(clinician).post(end, format="json")

    assert response.status_code == 200
    assert response.json()["ended_on"] == timezone.localdate().isoformat()
    assert response.json()["is_current"] is False
    assert again.status_code == 400
    assert "ended_on" in again.json()
    assert as_user(colleague).get(f"/api/v1/patients/{patient.pk}/").status_code == 404


def test_ending_before_the_start_is_400(clinician, colleague, patient):
    theirs = CareTeamMemberFactory(
        patient=patient, clinician=colleague, started_on=date(2026, 2, 1)
    )
    end = f"{url(patient, 'care-team')}{theirs.pk}/end/"

    response = as_user(clinician).post(end, {"ended_on": "2026-01-01"}, format="json")

    assert response.status_code == 400
    assert "ended_on" in response.json()
    theirs.refresh_from_db()
    assert theirs.ended_on is None


def test_a_member_of_another_patients_team_is_404(clinic, clinician, patient):
    elsewhere = CareTeamMemberFactory(
        patient=PatientFactory(clinic=clinic), clinician=member(Role.CLINICIAN, clinic)
    )

    response = as_user(clinician).post(f"{url(patient, 'care-team')}{elsewhere.pk}/end/")

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.ended_on is None


def test_admins_cannot_end_memberships(clinic_admin, patient, seat):
    response = as_user(clinic_admin).post(f"{url(patient, 'care-team')}{seat.pk}/end/")

    assert response.status_code == 403
    seat.refresh_from_db()
    assert seat.ended_on is None


# --- Setbacks ---------------------------------------------------------------------------------


def test_setbacks_are_listed_newest_first(clinician, clinic_admin, colleague, patient):
    older = SetbackFactory(patient=patient, occurred_on=date(2025, 11, 2))
    newer = SetbackFactory(patient=patient, occurred_on=date(2026, 1, 9))
    SetbackFactory()  # someone else's

    response = as_user(clinician).get(url(patient, "setbacks"))

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [newer.pk, older.pk]
    assert as_user(clinic_admin).get(url(patient, "setbacks")).status_code == 200
    assert as_user(colleague).get(url(patient, "setbacks")).status_code == 404


def test_recording_a_setback_keeps_the_recovery_start(clinician, patient):
    start = patient.recovery_start
    day = patient.local_today() - timedelta(days=3)

    response = as_user(clinician).post(
        url(patient, "setbacks"),
        {"occurred_on": day.isoformat(), "kind": "lapse", "what_happened": "  A hard week.  "},
        format="json",
    )

    assert response.status_code == 201, response.json()
    setback = Setback.objects.get(pk=response.json()["id"])
    assert setback.what_happened == "A hard week."
    assert setback.recorded_by == clinician
    assert response.json()["moved_recovery_start"] is False
    patient.refresh_from_db()
    assert patient.recovery_start == start


def test_a_setback_may_restart_the_recovery_count(clinician, patient):
    previous = patient.recovery_start
    today = patient.local_today()

    response = as_user(clinician).post(
        url(patient, "setbacks"),
        {
            "occurred_on": (today - timedelta(days=3)).isoformat(),
            "kind": "relapse",
            "what_happened": "Returned to use over the weekend.",
            "what_helped": "Calling my sponsor.",
            "new_recovery_start": (today - timedelta(days=1)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["moved_recovery_start"] is True
    assert response.json()["previous_recovery_start"] == previous.isoformat()
    patient.refresh_from_db()
    assert patient.recovery_start == today - timedelta(days=1)
    assert RecoveryDate.objects.get(patient=patient).setback_id == response.json()["id"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"occurred_on": "last tuesday"}, "occurred_on"),
        ({"kind": "slip"}, "kind"),
        ({"what_happened": "   "}, "what_happened"),
        ({"what_happened": None}, "what_happened"),
        ({"new_recovery_start": "2000-01-01"}, "new_recovery_start"),  # before the setback
        ({"new_recovery_start": "2999-01-01"}, "new_recovery_start"),  # ahead of today
    ],
)
def test_a_setback_with_bad_input_is_400_and_saves_nothing(clinician, patient, changes, field):
    start = patient.recovery_start
    data = {
        "occurred_on": (patient.local_today() - timedelta(days=2)).isoformat(),
        "kind": "lapse",
        "what_happened": "Had a drink.",
        **changes,
    }

    response = as_user(clinician).post(url(patient, "setbacks"), data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Setback.objects.exists()
    patient.refresh_from_db()
    assert patient.recovery_start == start


def test_only_the_care_team_records_setbacks(clinic_admin, colleague, outsider, patient):
    data = {"occurred_on": "2026-01-01", "kind": "lapse", "what_happened": "Had a drink."}

    assert as_user(clinic_admin).post(url(patient, "setbacks"), data).status_code == 403
    assert as_user(colleague).post(url(patient, "setbacks"), data).status_code == 404
    assert as_user(outsider).post(url(patient, "setbacks"), data).status_code == 404
    assert not Setback.objects.exists()


# --- Milestones -------------------------------------------------------------------------------


@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_milestones_show_reached_and_next_years_ones_with_custom_ones(clinician, patient):
    patient.recovery_start = date(2026, 1, 24)  # 45 days before 10 March
    patient.save()
    custom = MilestoneFactory(patient=patient, title="Finished the IOP", date=date(2026, 3, 1))

    body = as_user(clinician).get(url(patient, "milestones")).json()

    assert body["recovery_start"] == "2026-01-24"
    assert body["today"] == "2026-03-10"
    computed = {row["key"]: row for row in body["computed"]}
    assert list(computed) == ["1d", "7d", "30d", "60d", "90d", "180d", "1y"]
    assert [key for key, row in computed.items() if row["reached"]] == ["1d", "7d", "30d"]
    assert computed["60d"] == {
        "key": "60d",
        "label": "60 days",
        "date": "2026-03-25",
        "days": 60,
        "years": 0,
        "reached": False,
    }
    assert computed["1y"]["date"] == "2027-01-24"
    assert [row["id"] for row in body["custom"]] == [custom.pk]


@time_machine.travel("2026-03-10 03:00Z", tick=False)
def test_milestones_count_in_the_patients_own_day(clinician, patient):
    # 03:00 UTC on 10 March is still 9 March in Los Angeles.
    patient.time_zone = "America/Los_Angeles"
    patient.recovery_start = date(2026, 3, 2)
    patient.save()

    body = as_user(clinician).get(url(patient, "milestones")).json()

    assert body["today"] == "2026-03-09"
    reached = [row["key"] for row in body["computed"] if row["reached"]]
    assert reached == ["1d", "7d"]  # the 7-day milestone falls on 9 March, local


@time_machine.travel("2025-02-27 15:00Z", tick=False)
def test_a_leap_day_start_celebrates_its_year_on_28_february(clinician, patient):
    patient.recovery_start = date(2024, 2, 29)
    patient.save()

    body = as_user(clinician).get(url(patient, "milestones")).json()

    one_year = next(row for row in body["computed"] if row["key"] == "1y")
    assert one_year["date"] == "2025-02-28"
    assert one_year["reached"] is False
    assert "2y" not in {row["key"] for row in body["computed"]}


def test_no_recovery_start_means_no_computed_milestones(clinician, patient):
    patient.recovery_start = None
    patient.save()

    body = as_user(clinician).get(url(patient, "milestones")).json()

    assert body["computed"] == []
    assert body["recovery_start"] is None


def test_milestones_are_read_by_admins_and_hidden_from_everyone_else(
    clinic_admin, colleague, outsider, patient
):
    assert as_user(clinic_admin).get(url(patient, "milestones")).status_code == 200
    assert as_user(colleague).get(url(patient, "milestones")).status_code == 404
    assert as_user(outsider).get(url(patient, "milestones")).status_code == 404
    assert APIClient().get(url(patient, "milestones")).status_code == 401


def test_care_team_adds_a_custom_milestone(clinician, patient):
    response = as_user(clinician).post(
        url(patient, "milestones"),
        {"kind": "program_completion", "title": "Finished the IOP", "date": "2026-04-30"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    milestone = Milestone.objects.get(pk=response.json()["id"])
    assert (milestone.patient, milestone.created_by) == (patient, clinician)
    assert AuditEvent.objects.filter(action=Action.CREATE, patient=patient).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "birthday"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"date": "someday"}, "date"),
        ({"date": None}, "date"),
    ],
)
def test_a_custom_milestone_with_bad_input_is_400(clinician, patient, changes, field):
    data = {"kind": "personal_goal", "title": "Ran a 5k", "date": "2026-04-30", **changes}

    response = as_user(clinician).post(url(patient, "milestones"), data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Milestone.objects.exists()


def test_only_the_care_team_adds_milestones(clinic_admin, colleague, patient):
    data = {"kind": "personal_goal", "title": "Ran a 5k", "date": "2026-04-30"}

    assert as_user(clinic_admin).post(url(patient, "milestones"), data).status_code == 403
    assert as_user(colleague).post(url(patient, "milestones"), data).status_code == 404
    assert not Milestone.objects.exists()


@pytest.mark.parametrize("suffix", ["care-team/", "setbacks/", "milestones/"])
def test_reading_chart_sections_over_the_api_is_audited(suffix, clinic):
    from patients.services import care_team_add

    clinician = member(Role.CLINICIAN, clinic)
    patient = PatientFactory(clinic=clinic)
    care_team_add(
        patient=patient, clinician=clinician, team_role=TeamRole.PRESCRIBER, actor=clinician
    )
    api = APIClient()
    api.force_authenticate(clinician)

    assert api.get(f"/api/v1/patients/{patient.pk}/{suffix}").status_code == 200
    assert AuditEvent.objects.filter(action=Action.VIEW, patient=patient, actor=clinician).exists()
