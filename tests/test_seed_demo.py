import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, Role, User
from patients.models import CareTeamMember, Patient, RecoveryDate
from recovery_hub.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, int]:
    return {
        "clinics": Organization.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "patients": Patient.objects.count(),
        "recovery_dates": RecoveryDate.objects.count(),
        "care_team": CareTeamMember.objects.count(),
    }


def test_seed_demo_creates_a_clinic_with_every_role(capsys):
    call_command("seed_demo")

    clinic = Organization.objects.get(slug="demo")
    roles = set(Membership.objects.filter(organization=clinic).values_list("role", flat=True))
    assert roles == {Role.ADMIN, Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER}
    assert Membership.objects.filter(organization=clinic, role=Role.CLINICIAN).count() == 2
    assert Patient.objects.filter(clinic=clinic).count() == 12
    assert all(p.care_team.filter(is_primary=True).exists() for p in Patient.objects.all())
    for email in ["admin", "clinician", "patient", "family"]:
        assert User.objects.get(email=f"{email}@demo.clinic").check_password(DEMO_PASSWORD)
    assert Patient.objects.get(user__email="patient@demo.clinic").clinic == clinic
    out = capsys.readouterr().out
    assert "clinician@demo.clinic" in out and DEMO_PASSWORD in out


def test_seed_demo_is_safe_to_run_twice():
    call_command("seed_demo", "--clinics", "2", "--patients", "5")
    first = _snapshot()

    call_command("seed_demo", "--clinics", "2", "--patients", "5")

    assert _snapshot() == first


def test_seed_demo_options_set_the_sizes():
    call_command("seed_demo", "--clinics", "3", "--patients", "7")

    assert Organization.objects.count() == 3
    for clinic in Organization.objects.all():
        assert clinic.patients.count() == 7


def test_seed_demo_is_deterministic_for_a_seed():
    with transaction.atomic():
        call_command("seed_demo", "--patients", "6", "--seed", "11")
        first = list(Patient.objects.order_by("mrn").values_list("legal_name", "recovery_start"))
        transaction.set_rollback(True)  # start again from an empty database

    call_command("seed_demo", "--patients", "6", "--seed", "11")

    assert (
        list(Patient.objects.order_by("mrn").values_list("legal_name", "recovery_start")) == first
    )


def test_seed_demo_histories_keep_every_recovery_start():
    call_command("seed_demo", "--patients", "12")

    for patient in Patient.objects.all():
        history = list(patient.recovery_dates.values_list("start_date", flat=True))
        assert patient.recovery_start in history


def test_seed_demo_rejects_nonsense_sizes():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--patients", "0")


def test_seed_demo_gives_months_of_check_ins_assessments_and_a_plan():
    from coping.models import Assessment, CheckIn, CopingPlanVersion
    from patients.models import Alert, Appointment, ClinicalNote

    call_command("seed_demo", "--patients", "8")

    active = Patient.objects.filter(status="active")
    assert CheckIn.objects.filter(patient__in=active).count() > 8 * 30
    instruments = set(Assessment.objects.values_list("instrument", flat=True))
    assert instruments == {"phq9", "gad7", "brs", "barc10"}
    assert CopingPlanVersion.objects.filter(number=2).count() >= 5
    assert Appointment.objects.exists() and ClinicalNote.objects.exists()
    assert Alert.objects.filter(kind="self_harm").exists()  # a struggling person, flagged


def test_seed_demo_gives_every_person_a_network_with_a_mix_of_consents():
    from networks.consent import consented_scopes
    from networks.models import Consent, SupportContact

    call_command("seed_demo", "--clinics", "2", "--patients", "6")

    for patient in Patient.objects.all():
        assert 3 <= patient.contacts.count() <= 8
    assert Consent.objects.filter(revoked_at__isnull=False, superseded_at__isnull=True).exists()
    assert Consent.objects.filter(expires_on__lt=timezone.localdate()).exists()
    family = SupportContact.objects.filter(user__email="family@demo.clinic")
    here = [consented_scopes(c) for c in family.filter(patient__clinic__slug="demo")]
    assert len(here) == 2 and here[0] != here[1] and all(here)
    assert family.filter(patient__clinic__slug="demo-2").exists()


def test_seed_demo_shows_a_waiting_staff_invitation_and_a_named_api_token(client):
    from django.urls import reverse

    from tests.factories import sign_in_as_allauth_does

    call_command("seed_demo")
    admin = User.objects.get(email="admin@demo.clinic")
    sign_in_as_allauth_does(client, admin)

    staff = client.get(reverse("clinic_admin:staff")).content.decode()
    tokens = client.get(reverse("accounts:tokens")).content.decode()

    assert "Robin Okafor" in staff and "new.clinician@demo.clinic" in staff
    assert "Monthly report export" in tokens
    assert not Membership.objects.filter(user__email="new.clinician@demo.clinic").exists()
