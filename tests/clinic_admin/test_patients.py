"""All patients: the clinic admin reads every patient of the clinic, searches and filters."""

import pytest
from django.urls import NoReverseMatch, reverse

from accounts.models import Role
from patients.models import PatientStatus
from tests.factories import PatientFactory, ProgramFactory, member

pytestmark = pytest.mark.django_db


def chart_url(patient) -> str | None:
    try:
        return reverse("patients:chart", args=[patient.pk])
    except NoReverseMatch:  # the chart is being built alongside this page
        return None


def test_admin_sees_every_patient_of_the_clinic_and_no_other(admin_signed_in, clinic, other_clinic):
    # Admins read everyone, care team or not.
    ours = PatientFactory.create_batch(3, clinic=clinic)
    theirs = PatientFactory(clinic=other_clinic)

    response = admin_signed_in.get(reverse("clinic_admin:patients"))

    assert response.status_code == 200
    page = response.content.decode()
    for patient in ours:
        assert patient.mrn in page
        if chart_url(patient):
            assert chart_url(patient) in page
    assert theirs.mrn not in page


def test_clinician_gets_404(client, clinician):
    client.force_login(clinician)

    assert client.get(reverse("clinic_admin:patients")).status_code == 404


@pytest.mark.parametrize("role", [Role.PATIENT, Role.SUPPORTER])
def test_people_in_recovery_and_supporters_get_404(client, clinic, role):
    client.force_login(member(role, clinic))

    assert client.get(reverse("clinic_admin:patients")).status_code == 404


def test_admin_of_another_clinic_sees_none_of_this_clinics_patients(client, clinic, other_clinic):
    patient = PatientFactory(clinic=clinic)
    client.force_login(member(Role.ADMIN, other_clinic))

    response = client.get(reverse("clinic_admin:patients"), {"q": patient.mrn})

    assert list(response.context["page"].object_list) == []
    assert patient.legal_name not in response.content.decode()


def test_search_by_name_and_mrn(admin_signed_in, clinic):
    alex = PatientFactory(clinic=clinic, legal_name="Alex Morgan", mrn="MRN-10001")
    casey = PatientFactory(
        clinic=clinic, legal_name="Casey Jordan", preferred_name="CJ", mrn="MRN-20002"
    )

    def found(q: str) -> set[str]:
        response = admin_signed_in.get(reverse("clinic_admin:patients"), {"q": q})
        return {p.mrn for p in response.context["page"].object_list}

    assert found("morgan") == {alex.mrn}
    assert found("CJ") == {casey.mrn}
    assert found("20002") == {casey.mrn}
    assert found("") == {alex.mrn, casey.mrn}


def test_filter_by_status_and_program(admin_signed_in, clinic, other_clinic):
    residential = ProgramFactory(clinic=clinic, name="Residential")
    in_residential = PatientFactory(clinic=clinic, program=residential)
    discharged = PatientFactory(clinic=clinic, status=PatientStatus.DISCHARGED)
    ProgramFactory(clinic=other_clinic, name="Lakeside program")

    def found(**params: object) -> set[int]:
        response = admin_signed_in.get(reverse("clinic_admin:patients"), params)
        assert response.status_code == 200
        return {p.pk for p in response.context["page"].object_list}

    assert found(program=residential.pk) == {in_residential.pk}
    assert found(status=PatientStatus.DISCHARGED) == {discharged.pk}
    assert found(status=PatientStatus.DISCHARGED, program=residential.pk) == set()
    page = admin_signed_in.get(reverse("clinic_admin:patients")).content.decode()
    assert "Residential" in page
    assert "Lakeside program" not in page  # the program filter offers this clinic's only


def test_another_clinics_program_is_not_a_valid_filter(admin_signed_in, clinic, other_clinic):
    mine = PatientFactory(clinic=clinic)
    foreign = ProgramFactory(clinic=other_clinic)

    response = admin_signed_in.get(reverse("clinic_admin:patients"), {"program": foreign.pk})

    assert response.status_code == 200
    assert "program" in response.context["form"].errors
    assert {p.pk for p in response.context["page"].object_list} == {mine.pk}


@pytest.mark.parametrize(
    "params",
    [{"program": "abc"}, {"status": "sober"}, {"page": "zzz"}, {"page": "999"}, {"q": "x" * 500}],
)
def test_bad_filters_never_break_the_page(admin_signed_in, clinic, params):
    PatientFactory(clinic=clinic)

    response = admin_signed_in.get(reverse("clinic_admin:patients"), params)

    assert response.status_code == 200


def test_pages_of_25_keep_the_filters(admin_signed_in, clinic):
    PatientFactory.create_batch(30, clinic=clinic, status=PatientStatus.ACTIVE)

    first = admin_signed_in.get(reverse("clinic_admin:patients"), {"status": "active"})
    second = admin_signed_in.get(reverse("clinic_admin:patients"), {"status": "active", "page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "status=active&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("size", [5, 60])
def test_patient_list_query_count_does_not_grow_with_patients(
    admin_signed_in, clinic, django_assert_max_num_queries, size
):
    program = ProgramFactory(clinic=clinic)
    PatientFactory.create_batch(size, clinic=clinic, program=program)

    # session + user + memberships + count + page (program joined, summaries as subqueries)
    # + the program filter's choices + the list read's audit event and its listed patients
    with django_assert_max_num_queries(9):
        response = admin_signed_in.get(reverse("clinic_admin:patients"))

    assert response.status_code == 200
