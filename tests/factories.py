from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import Membership, Organization, Role, User
from patients.models import CareTeamMember, Patient, PatientStatus, Program, TeamRole

PASSWORD = "a-Long-test-passphrase-42"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Harbor Clinic {n}")
    slug = factory.Sequence(lambda n: f"harbor-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")  # never a patient's name by chance
    password = factory.django.Password(PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.CLINICIAN


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    clinic = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.SubFactory(OrganizationFactory)
    mrn = factory.Sequence(lambda n: f"MRN-{n:05d}")
    legal_name = factory.Faker("name")
    date_of_birth = date(1990, 5, 17)
    status = PatientStatus.ACTIVE
    recovery_start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=45))
    program = factory.SubFactory(ProgramFactory, clinic=factory.SelfAttribute("..clinic"))


class CareTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    patient = factory.SubFactory(PatientFactory)
    clinician = factory.SubFactory(UserFactory)
    team_role = TeamRole.PRIMARY_COUNSELOR
    is_primary = False


def member(role: str, clinic: Organization, **user_fields: object) -> User:
    """A user with `role` in `clinic`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=clinic, role=role)
    return user


class EmergencyAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.EmergencyAccess"

    patient = factory.SubFactory(PatientFactory)
    user = factory.SubFactory(UserFactory)
    reason = "Crisis call after hours; the care team could not be reached."
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))


# --- Chart rows for the API tests (appended; models named by label like the factory above) ---


class SetbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.Setback"

    patient = factory.SubFactory(PatientFactory)
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    kind = "lapse"
    what_happened = "Had a drink at a family gathering."


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.Milestone"

    patient = factory.SubFactory(PatientFactory)
    kind = "personal_goal"
    title = "Ran a 5k"
    date = factory.LazyFunction(timezone.localdate)


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.Appointment"

    patient = factory.SubFactory(PatientFactory)
    clinic = factory.SelfAttribute("patient.clinic")
    kind = "individual"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    location = "Room 2"


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.Alert"

    patient = factory.SubFactory(PatientFactory)
    clinic = factory.SelfAttribute("patient.clinic")
    kind = "high_craving"
    severity = "medium"
    message = "Craving 9 of 10 in today's check-in."
    source = factory.Sequence(lambda n: f"checkin:{n}")
