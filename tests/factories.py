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
from audit.models import Action as AuditAction
from coping.models import StrategyCategory
from coping.plan import empty_plan
from engagement.models import LinkAction, Rung
from events.models import EventKind
from networks.models import HelpKind, ReachOutChannel, Relationship, Scope, SignatureMethod
from notifications.models import Channel as NotificationChannel
from notifications.models import Kind as NotificationKind
from patients.models import CareTeamMember, Patient, PatientStatus, Program, TeamRole
from resources.models import ResourceKind
from webhooks.signing import encrypt_secret, new_secret

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


# --- One factory for every other model of our apps (tests/test_factories.py holds the list) ----
# Plain rows with sensible defaults: a factory writes straight to the table, so it neither
# audits nor notifies; a test of behaviour goes through the service instead.


class WorkerHeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "core.WorkerHeartbeat"

    hostname = factory.Sequence(lambda n: f"worker-{n}@test")


class StaffInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.StaffInvitation"

    clinic = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Invited Person {n}")
    role = Role.CLINICIAN
    nonce = factory.Sequence(lambda n: f"staff-nonce-{n}")
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.ApiToken"

    user = factory.SubFactory(UserFactory)
    token_key = factory.Sequence(lambda n: f"key{n:05d}")
    digest = factory.Sequence(lambda n: f"{n:064x}")
    name = "test token"

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> object:
        # knox's manager makes a key of its own and returns (token, key); a row is enough here
        # (a test that needs a working key calls accounts.tokens.token_create).
        return model_class._base_manager.create(*args, **kwargs)


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "audit.AuditEvent"

    action = AuditAction.VIEW
    object_type = "patient"


class ListedPatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "audit.ListedPatient"

    event = factory.SubFactory(AuditEventFactory)
    patient = factory.SubFactory(PatientFactory)


class RecoveryDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.RecoveryDate"

    patient = factory.SubFactory(PatientFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=45))


class ClinicalNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.ClinicalNote"

    patient = factory.SubFactory(PatientFactory)
    author = factory.SubFactory(UserFactory)
    body = "Discussed triggers at work; plan reviewed."


class SupportContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "networks.SupportContact"

    patient = factory.SubFactory(PatientFactory)
    name = factory.Sequence(lambda n: f"Supporter {n}")
    relationship = Relationship.FRIEND
    email = factory.Sequence(lambda n: f"supporter{n}@example.org")


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "networks.Invitation"

    contact = factory.SubFactory(SupportContactFactory)
    email = factory.SelfAttribute("contact.email")
    nonce = factory.Sequence(lambda n: f"network-nonce-{n}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    sent_by = factory.SubFactory(UserFactory)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "networks.Consent"

    contact = factory.SubFactory(SupportContactFactory)
    patient = factory.SelfAttribute("contact.patient")
    clinic = factory.SelfAttribute("patient.clinic")
    scopes = factory.LazyFunction(lambda: [Scope.MILESTONES.value])
    purpose = "To support my recovery"
    signature_method = SignatureMethod.IN_APP
    signed_name = factory.SelfAttribute("patient.legal_name")
    signed_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SubFactory(UserFactory)


class HelpTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "networks.HelpTask"

    patient = factory.SubFactory(PatientFactory)
    kind = HelpKind.MEAL
    title = "Dinner on Thursday"
    created_by = factory.SubFactory(UserFactory)


class EncouragementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "networks.Encouragement"

    contact = factory.SubFactory(SupportContactFactory)
    patient = factory.SelfAttribute("contact.patient")
    message = "Proud of you, one day at a time."


class ReachOutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "networks.ReachOut"

    contact = factory.SubFactory(SupportContactFactory)
    patient = factory.SelfAttribute("contact.patient")
    channel = ReachOutChannel.CALL
    happened_on = factory.LazyFunction(timezone.localdate)


class SetbackNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "networks.SetbackNotice"

    contact = factory.SubFactory(SupportContactFactory)
    setback = factory.SubFactory(SetbackFactory, patient=factory.SelfAttribute("..contact.patient"))


class SupporterWellbeingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "networks.SupporterWellbeing"

    contact = factory.SubFactory(SupportContactFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    holding_up = 4
    has_support = True


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coping.CheckIn"

    patient = factory.SubFactory(PatientFactory)
    local_date = factory.LazyFunction(timezone.localdate)
    mood = 6
    craving = 3
    stress = 4


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coping.Strategy"

    clinic = factory.SubFactory(OrganizationFactory)
    category = StrategyCategory.STRESS
    title = factory.Sequence(lambda n: f"Breathing exercise {n}")
    description = "Breathe in for four, hold for four, out for four."


class CopingPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coping.CopingPlan"

    patient = factory.SubFactory(PatientFactory)


class CopingPlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coping.CopingPlanVersion"

    plan = factory.SubFactory(CopingPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    content = factory.LazyFunction(empty_plan)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coping.Assessment"

    patient = factory.SubFactory(PatientFactory)
    instrument = "phq9"
    answers = factory.LazyFunction(lambda: [0, 1, 1, 0, 1, 0, 0, 1, 0])
    total = 4
    band = "minimal"
    local_date = factory.LazyFunction(timezone.localdate)


class AssessmentScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coping.AssessmentSchedule"

    patient = factory.SubFactory(PatientFactory)
    instrument = "phq9"
    interval_days = 14


class ReportSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.ReportSettings"

    clinic = factory.SubFactory(OrganizationFactory)


class CheckInWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.CheckInWeek"

    patient = factory.SubFactory(PatientFactory)
    week = factory.LazyFunction(
        lambda: timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    )
    checkins = 3
    mood_sum = 18
    craving_sum = 9
    stress_sum = 12


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resources.Article"

    clinic = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Coping with cravings {n}")
    slug = factory.Sequence(lambda n: f"cravings-{n}")
    body = "# Ride the wave\n\nCravings pass."


class CommunityResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resources.CommunityResource"

    clinic = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Northside Pantry {n}")
    kind = ResourceKind.FOOD


class PatientResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resources.PatientResource"

    patient = factory.SubFactory(PatientFactory)
    resource = factory.SubFactory(
        CommunityResourceFactory, clinic=factory.SelfAttribute("..patient.clinic")
    )


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Event"

    clinic = factory.SubFactory(OrganizationFactory)
    kind = EventKind.FAMILY_WORKSHOP
    title = "Family education workshop"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    place = "Room 1"
    created_by = factory.SubFactory(UserFactory)


class EventInvitationFactory(factory.django.DjangoModelFactory):
    """Invites a patient; pass `contact=…, patient=None` to invite a supporter instead."""

    class Meta:
        model = "events.EventInvitation"

    patient = factory.SubFactory(PatientFactory)
    event = factory.SubFactory(EventFactory, clinic=factory.SelfAttribute("..patient.clinic"))
    invited_by = factory.SelfAttribute("event.created_by")


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Story"

    patient = factory.SubFactory(PatientFactory)
    title = "A year on"
    body = "What helped me most was the Thursday group."
    created_by = factory.SubFactory(UserFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.Notification"

    kind = NotificationKind.CHECKIN_REMINDER
    occurrence = factory.Sequence(lambda n: f"occurrence-{n}")
    channel = NotificationChannel.EMAIL
    recipient_key = factory.Sequence(lambda n: f"user:{n}")
    address = factory.Sequence(lambda n: f"person{n}@example.org")
    subject = "Time for today's check-in"
    body = "Sign in to check in."
    due_at = factory.LazyFunction(timezone.now)


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.NotificationPreference"

    user = factory.SubFactory(UserFactory)


class ContactOptOutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.ContactOptOut"

    contact = factory.SubFactory(SupportContactFactory)
    kind = NotificationKind.HELP_REQUEST


class DigestSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.DigestSubscription"

    contact = factory.SubFactory(SupportContactFactory)


class PatientEngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.PatientEngagement"

    patient = factory.SubFactory(PatientFactory)


class HelpRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.HelpRequest"

    patient = factory.SubFactory(PatientFactory)
    created_by = factory.SubFactory(UserFactory)


class HelpRequestRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.HelpRequestRecipient"

    request = factory.SubFactory(HelpRequestFactory)
    contact = factory.SubFactory(
        SupportContactFactory, patient=factory.SelfAttribute("..request.patient")
    )


class HelpAcknowledgementFactory(factory.django.DjangoModelFactory):
    """From a supporter; pass `contact=None, user=…` for one from the care team."""

    class Meta:
        model = "engagement.HelpAcknowledgement"

    request = factory.SubFactory(HelpRequestFactory)
    contact = factory.SubFactory(
        SupportContactFactory, patient=factory.SelfAttribute("..request.patient")
    )


class LadderPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.LadderPolicy"

    clinic = factory.SubFactory(OrganizationFactory)


class LadderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.Ladder"

    patient = factory.SubFactory(PatientFactory)
    streak = factory.LazyFunction(lambda: (timezone.localdate() - timedelta(days=3)).isoformat())
    opened_at = factory.LazyFunction(timezone.now)


class LadderStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.LadderStep"

    ladder = factory.SubFactory(LadderFactory)
    rung = Rung.NUDGE
    taken_at = factory.LazyFunction(timezone.now)


class CelebrationMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.CelebrationMessage"

    contact = factory.SubFactory(SupportContactFactory)
    patient = factory.SelfAttribute("contact.patient")
    milestone_key = "days_90"
    milestone_date = factory.LazyFunction(timezone.localdate)
    message = "Ninety days! So proud of you."


class ActionLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagement.ActionLink"

    contact = factory.SubFactory(SupportContactFactory)
    patient = factory.SelfAttribute("contact.patient")
    action = LinkAction.ON_IT
    nonce = factory.Sequence(lambda n: f"action-nonce-{n}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))


class PatientInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "joining.PatientInvitation"

    patient = factory.SubFactory(PatientFactory)
    address = factory.Sequence(lambda n: f"patient{n}@example.org")
    nonce = factory.Sequence(lambda n: f"patient-nonce-{n}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class LinkUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "joining.LinkUse"

    digest = factory.Sequence(lambda n: f"{n:064x}")


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    """A calendar feed: the person's own (pass `contact=…` for a supporter's)."""

    class Meta:
        model = "calendars.CalendarFeed"

    patient = factory.SubFactory(PatientFactory)
    contact = None


class PendingImportFactory(factory.django.DjangoModelFactory):
    """An upload waiting for its admin to confirm it (one valid patient row)."""

    class Meta:
        model = "imports.PendingImport"

    clinic = factory.SubFactory(OrganizationFactory)
    uploaded_by = factory.SubFactory(UserFactory)
    kind = "patients"
    file_name = "patients.csv"
    file_format = "csv"
    rows = factory.LazyFunction(
        lambda: [{"mrn": "MRN-1", "legal_name": "Sam Lee", "date_of_birth": "1990-01-02"}]
    )


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    """A clinic's HTTPS endpoint for check-ins recorded, with an encrypted secret."""

    class Meta:
        model = "webhooks.WebhookEndpoint"

    clinic = factory.SubFactory(OrganizationFactory)
    url = "https://ehr.example.org/hooks/recovery"
    events = factory.LazyFunction(lambda: ["checkin.recorded"])
    secret_encrypted = factory.LazyFunction(lambda: encrypt_secret(new_secret()))


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    """A delivery waiting in an endpoint's outbox."""

    class Meta:
        model = "webhooks.WebhookDelivery"

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    event = "checkin.recorded"
    payload = factory.LazyFunction(lambda: {"event": "checkin.recorded", "data": {}})


# --- Step 14 · help calendar --------------------------------------------------------------------


class HelpSlotClaimFactory(factory.django.DjangoModelFactory):
    """One person took one day of a one-time task dated that day (active claim). The task's
    patient is the contact's."""

    class Meta:
        model = "networks.HelpSlotClaim"

    contact = factory.SubFactory(SupportContactFactory, status="active")
    task = factory.SubFactory(
        HelpTaskFactory,
        patient=factory.SelfAttribute("..contact.patient"),
        due_on=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3)),
    )
    occurs_on = factory.SelfAttribute("task.due_on")


# --- Step 14 · updates --------------------------------------------------------------------------


class UpdateFactory(factory.django.DjangoModelFactory):
    """An update of the person in recovery, shared with no one until a test adds an audience."""

    class Meta:
        model = "updates.Update"

    patient = factory.SubFactory(PatientFactory)
    author = factory.SubFactory(UserFactory)
    text = "A good week: two walks and dinner with my sister."


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "updates.Reaction"

    update = factory.SubFactory(UpdateFactory)
    contact = factory.SubFactory(
        SupportContactFactory, patient=factory.SelfAttribute("..update.patient")
    )
    kind = "heart"


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "updates.Reply"

    update = factory.SubFactory(UpdateFactory)
    contact = factory.SubFactory(
        SupportContactFactory, patient=factory.SelfAttribute("..update.patient")
    )
    text = "So proud of you!"


class UpdateSeenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "updates.UpdateSeen"

    update = factory.SubFactory(UpdateFactory)
    contact = factory.SubFactory(
        SupportContactFactory, patient=factory.SelfAttribute("..update.patient")
    )


# --- Step 14 · secure messages ------------------------------------------------------------------


class ThreadFactory(factory.django.DjangoModelFactory):
    """The person's own thread with their care team (give `contact` for a supporter's)."""

    class Meta:
        model = "messaging.Thread"

    patient = factory.SubFactory(PatientFactory)
    contact = None


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "messaging.Message"

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    author_role = "patient"  # messaging.models.AuthorRole.PATIENT
    body = "Could we move Thursday's session to the afternoon?"


class ThreadReadFactory(factory.django.DjangoModelFactory):
    """A read receipt: the thread's writer read it up to now."""

    class Meta:
        model = "messaging.ThreadRead"

    thread = factory.SubFactory(ThreadFactory)
    user = factory.SubFactory(UserFactory)
    last_read_at = factory.LazyFunction(timezone.now)


def _clock(hour: int) -> object:
    """A time of day (`time` here is the module imported at the top)."""
    from datetime import time as clock

    return clock(hour, 0)


class ClinicHoursFactory(factory.django.DjangoModelFactory):
    """Monday 09:00-17:00 of a clinic's message hours."""

    class Meta:
        model = "messaging.ClinicHours"

    clinic = factory.SubFactory(OrganizationFactory)
    weekday = 0
    opens = factory.LazyFunction(lambda: _clock(9))
    closes = factory.LazyFunction(lambda: _clock(17))


# --- Step 14 · milestones, badges, money and hours regained ------------------------------------


class UseCostFactory(factory.django.DjangoModelFactory):
    """What use cost the person each week (theirs alone: coping.models.UseCost)."""

    class Meta:
        model = "coping.UseCost"

    patient = factory.SubFactory(PatientFactory)
    amount_per_week = "70.00"  # a string: the row read back holds a Decimal
    currency = "USD"
    hours_per_week = "10.0"


# --- Step 14 · Web Push -------------------------------------------------------------------------


def _browser_push_keys() -> dict[str, str]:
    """A browser's push keys, as PushSubscription.toJSON() gives them (base64url)."""
    import base64
    import secrets

    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    )

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return {"p256dh": b64(point), "auth": b64(secrets.token_bytes(16))}


class PushSubscriptionFactory(factory.django.DjangoModelFactory):
    """One browser of a person that takes Web Push (notifications.models.PushSubscription)."""

    class Meta:
        model = "notifications.PushSubscription"

    class Params:
        keys = factory.LazyFunction(_browser_push_keys)

    user = factory.SubFactory(UserFactory)
    endpoint = factory.Sequence(lambda n: f"https://fcm.googleapis.com/fcm/send/device-{n}")
    p256dh = factory.LazyAttribute(lambda o: o.keys["p256dh"])
    auth = factory.LazyAttribute(lambda o: o.keys["auth"])
    device_label = "Chrome on Android"
