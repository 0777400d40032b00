import time
from datetime import date, timedelta

import factory
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import STAFF_ROLES, Membership, Organization, Role, User
from accounts.second_factor import has_totp, totp_enrol
from patients.models import CareTeamMember, Patient, PatientStatus, Program, TeamRole

PASSWORD = "a-Long-test-passphrase-42"
# Every staff member of the tests has this authenticator secret (base32), so a test can type
# the current code (tests.factories.totp_code) the way a person reads it off their phone.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


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

    @factory.post_generation
    def second_factor(self, create: bool, enrol: bool | None, **kwargs: object) -> None:
        """Staff must have TOTP before they reach a chart, so staff of the tests have it unless
        a test asks for `second_factor=False`; others get it with `second_factor=True`."""
        if not create:
            return
        if enrol is None:
            enrol = self.role in STAFF_ROLES
        if enrol and not has_totp(self.user):
            totp_enrol(self.user, secret=TOTP_SECRET)


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


def member(
    role: str, clinic: Organization, *, second_factor: bool | None = None, **user_fields: object
) -> User:
    """A user with `role` in `clinic`; staff have TOTP (TOTP_SECRET) unless second_factor=False."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=clinic, role=role, second_factor=second_factor)
    return user


def totp_code(user: User) -> str:
    """The code `user`'s authenticator shows now, not yet marked as used (each code is accepted
    once; a test that signs the same person in twice within 30 seconds needs it again)."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    code = format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))
    return code


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


def sign_in_as_allauth_does(client: object, user: User) -> object:
    """force_login, plus the record allauth keeps of how the session signed in (a password,
    and the second factor when the person has one): what the Django admin asks for
    (recovery_hub/admin_door.py). Returns the client."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    client.force_login(user)
    session = client.session
    records = [{"method": "password", "at": time.time(), "email": user.email}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        records.append({"method": "mfa", "at": time.time(), "id": totp.pk, "type": "totp"})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def sign_in_through_form(client: object, email: str, password: str = PASSWORD) -> object:
    """Sign in with allauth's form, as a person does: the password, then the authenticator code
    when allauth asks for it (everyone with TOTP, so all staff). Returns the last response."""
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    if response.status_code == 302 and response.url.startswith(reverse("mfa_authenticate")):
        user = User.objects.get(email__iexact=email)
        response = client.post(response.url, {"code": totp_code(user)})
    return response
