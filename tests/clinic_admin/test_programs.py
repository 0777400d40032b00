"""Programs: the clinic admin lists, creates, edits, deactivates and reactivates them."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from patients.models import PatientStatus, Program
from tests.factories import PatientFactory, ProgramFactory, member

pytestmark = pytest.mark.django_db


def test_admin_sees_the_clinics_programs_with_patient_counts(admin_signed_in, clinic, other_clinic):
    outpatient = ProgramFactory(clinic=clinic, name="Intensive outpatient")
    PatientFactory.create_batch(3, clinic=clinic, program=outpatient)
    PatientFactory(clinic=clinic, program=outpatient, status=PatientStatus.DISCHARGED)
    ProgramFactory(clinic=other_clinic, name="Lakeside residential")

    response = admin_signed_in.get(reverse("clinic_admin:programs"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Intensive outpatient" in page
    assert "Lakeside residential" not in page
    listed = response.context["programs"][0]
    assert (listed.patient_count, listed.active_patient_count) == (4, 3)


def test_clinician_gets_404_on_every_program_page(client, clinic, clinician):
    program = ProgramFactory(clinic=clinic)
    client.force_login(clinician)

    assert client.get(reverse("clinic_admin:programs")).status_code == 404
    assert client.get(reverse("clinic_admin:program_new")).status_code == 404
    assert client.post(reverse("clinic_admin:program_new"), {"name": "X"}).status_code == 404
    edit = reverse("clinic_admin:program_edit", args=[program.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"name": "Renamed"}).status_code == 404
    active = reverse("clinic_admin:program_active", args=[program.pk])
    assert client.post(active, {"active": "0"}).status_code == 404
    assert not Program.objects.filter(name__in=["X", "Renamed"]).exists()
    program.refresh_from_db()
    assert program.is_active


def test_anonymous_visitor_is_asked_to_sign_in(client):
    response = client.get(reverse("clinic_admin:programs"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_admin_of_another_clinic_gets_404_for_this_clinics_program(client, clinic, other_clinic):
    program = ProgramFactory(clinic=clinic, name="Harbor outpatient")
    client.force_login(member(Role.ADMIN, other_clinic))

    edit = reverse("clinic_admin:program_edit", args=[program.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"name": "Taken over", "is_active": "on"}).status_code == 404
    active = reverse("clinic_admin:program_active", args=[program.pk])
    assert client.post(active, {"active": "0"}).status_code == 404
    program.refresh_from_db()
    assert (program.name, program.is_active) == ("Harbor outpatient", True)
    assert "Harbor outpatient" not in client.get(reverse("clinic_admin:programs")).content.decode()


def test_admin_creates_a_program_and_it_is_audited(admin_signed_in, clinic, clinic_admin):
    response = admin_signed_in.post(
        reverse("clinic_admin:program_new"),
        {"name": "  Family program ", "description": "For families", "is_active": "on"},
    )

    assert response.status_code == 302
    assert response.url == reverse("clinic_admin:programs")
    program = Program.objects.get(clinic=clinic)
    assert (program.name, program.description, program.is_active) == (
        "Family program",
        "For families",
        True,
    )
    assert AuditEvent.objects.filter(
        action=Action.CREATE, actor=clinic_admin, clinic=clinic, object_id=str(program.pk)
    ).exists()


def test_new_program_form_renders(admin_signed_in):
    response = admin_signed_in.get(reverse("clinic_admin:program_new"))

    assert response.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in response.content
    assert b'name="name"' in response.content


def test_admin_edits_a_program(admin_signed_in, clinic, clinic_admin):
    program = ProgramFactory(clinic=clinic, name="Outpatient")
    url = reverse("clinic_admin:program_edit", args=[program.pk])

    assert "Outpatient" in admin_signed_in.get(url).content.decode()
    response = admin_signed_in.post(url, {"name": "Outpatient (evenings)", "description": "6pm"})

    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.description) == ("Outpatient (evenings)", "6pm")
    # The form's unchecked "active" box deactivates it, as the form says.
    assert program.is_active is False
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(program.pk)).exists()


@pytest.mark.parametrize("spelling", ["Outpatient", "outpatient", " OUTPATIENT "])
def test_duplicate_program_name_is_a_field_error_and_saves_nothing(
    admin_signed_in, clinic, spelling
):
    ProgramFactory(clinic=clinic, name="Outpatient")

    response = admin_signed_in.post(reverse("clinic_admin:program_new"), {"name": spelling})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "This clinic already has a program with this name."
    ]
    assert Program.objects.filter(clinic=clinic).count() == 1


def test_renaming_onto_another_programs_name_is_refused(admin_signed_in, clinic):
    ProgramFactory(clinic=clinic, name="Residential")
    program = ProgramFactory(clinic=clinic, name="Outpatient")

    response = admin_signed_in.post(
        reverse("clinic_admin:program_edit", args=[program.pk]),
        {"name": "residential", "is_active": "on"},
    )

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert "Edit Outpatient" in response.content.decode()  # the heading keeps the saved name
    program.refresh_from_db()
    assert program.name == "Outpatient"


def test_the_same_name_in_another_clinic_is_fine(admin_signed_in, clinic, other_clinic):
    ProgramFactory(clinic=other_clinic, name="Outpatient")

    response = admin_signed_in.post(reverse("clinic_admin:program_new"), {"name": "Outpatient"})

    assert response.status_code == 302
    assert Program.objects.filter(clinic=clinic, name="Outpatient").exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"name": ""}, {"name": "   "}, {"name": "x" * 121}],
    ids=["missing", "empty", "blank", "too-long"],
)
def test_bad_program_input_gives_field_errors_and_saves_nothing(admin_signed_in, clinic, data):
    response = admin_signed_in.post(reverse("clinic_admin:program_new"), data)

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not Program.objects.filter(clinic=clinic).exists()


def test_admin_deactivates_and_reactivates_a_program(admin_signed_in, clinic):
    program = ProgramFactory(clinic=clinic)
    url = reverse("clinic_admin:program_active", args=[program.pk])

    assert admin_signed_in.post(url, {"active": "0"}).status_code == 302
    program.refresh_from_db()
    assert program.is_active is False

    assert admin_signed_in.post(url, {"active": "1"}).status_code == 302
    program.refresh_from_db()
    assert program.is_active is True


def test_program_activation_needs_post_and_a_valid_choice(admin_signed_in, clinic):
    program = ProgramFactory(clinic=clinic)
    url = reverse("clinic_admin:program_active", args=[program.pk])

    assert admin_signed_in.get(url).status_code == 405
    response = admin_signed_in.post(url, {"active": "maybe"}, follow=True)
    assert response.status_code == 200
    assert "Choose whether to deactivate or reactivate." in response.content.decode()
    program.refresh_from_db()
    assert program.is_active is True


def test_unknown_program_is_404(admin_signed_in):
    assert (
        admin_signed_in.get(reverse("clinic_admin:program_edit", args=[999999])).status_code == 404
    )


@pytest.mark.parametrize("size", [5, 60])
def test_program_list_query_count_does_not_grow_with_programs(
    admin_signed_in, clinic, django_assert_max_num_queries, size
):
    for program in ProgramFactory.create_batch(size, clinic=clinic):
        PatientFactory(clinic=clinic, program=program)

    # session + user + memberships + programs with their patient counts (one query), + slack
    with django_assert_max_num_queries(6):
        response = admin_signed_in.get(reverse("clinic_admin:programs"))

    assert response.status_code == 200
    assert len(response.context["programs"]) == size
