import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import CareTeamMemberFactory, PatientFactory, member

pytestmark = pytest.mark.django_db


def test_caseload_lists_only_patients_on_my_current_care_team(client, clinic, other_clinic):
    me = member(Role.CLINICIAN, clinic)
    colleague = member(Role.CLINICIAN, clinic)
    mine = CareTeamMemberFactory(clinician=me, patient__clinic=clinic).patient
    theirs = CareTeamMemberFactory(clinician=colleague, patient__clinic=clinic).patient
    ended = CareTeamMemberFactory(
        clinician=me, patient__clinic=clinic, ended_on="2026-01-01"
    ).patient
    # The same clinician id on another clinic's patient must not leak into this clinic's list.
    elsewhere = CareTeamMemberFactory(clinician=me, patient__clinic=other_clinic).patient
    client.force_login(me)

    page = client.get(reverse("patients:caseload")).content.decode()

    assert mine.mrn in page
    assert theirs.mrn not in page
    assert ended.mrn not in page
    assert elsewhere.mrn not in page


@pytest.mark.parametrize("size", [5, 60])
def test_caseload_query_count_does_not_grow_with_the_caseload(
    client, clinic, django_assert_max_num_queries, size
):
    me = member(Role.CLINICIAN, clinic)
    for _ in range(size):
        CareTeamMemberFactory(clinician=me, patient=PatientFactory(clinic=clinic))
    client.force_login(me)

    # session + user + memberships + count + page of patients (program joined) + savepoints
    with django_assert_max_num_queries(8):
        response = client.get(reverse("patients:caseload"))

    assert response.status_code == 200
