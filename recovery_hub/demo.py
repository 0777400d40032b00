"""The demo clinic: plausible, fictional people for `manage.py seed_demo`.

Every function here is safe to run twice (it looks up by natural keys before creating) and
deterministic for a given random seed and day. Later features add their own seeding steps to
`SEED_STEPS`.
"""

import copy
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import (
    STAFF_ROLES,
    ApiToken,
    Membership,
    Organization,
    Role,
    StaffInvitation,
    User,
)
from accounts.second_factor import has_totp, totp_enrol
from accounts.tokens import token_issue
from calendars.demo import seed_calendars
from coping.demo_milestones import seed_milestones
from coping.instruments import INSTRUMENTS, Instrument, score
from coping.models import Assessment, CheckIn
from coping.services import plan_save
from engagement.demo import seed_engagement
from events.demo import seed_events
from joining.demo import seed_joining
from messaging.demo import seed_messages
from networks.consent import consented_scopes
from networks.demo_calendar import seed_help_calendar
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    ExpiryEvent,
    HelpKind,
    HelpStatus,
    HelpTask,
    Offer,
    ReachOut,
    ReachOutChannel,
    Relationship,
    Scope,
    SignatureMethod,
    SupportContact,
)
from networks.services import consent_grant, consent_revoke
from notifications.outbox import dispatch_due
from patients.models import (
    AlertKind,
    AlertSeverity,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CareTeamMember,
    ClinicalNote,
    Patient,
    PatientStatus,
    Program,
    RecoveryDate,
    Setback,
    SetbackKind,
    TeamRole,
)
from patients.services import alert_raise
from reports.demo import seed_reports
from resources.demo import seed_resources
from trail.demo import seed_audit
from updates.demo import seed_updates
from webhooks.demo import seed_webhooks

DEMO_PASSWORD = "recovery-demo"  # noqa: S105  (demo data only, printed for the reader)
# The demo staff's authenticator secret (base32; demo data only, documented in the README):
# add it to an authenticator app, or print the current code with `manage.py demo_code EMAIL`.
DEMO_TOTP_SECRET = "DEMORECOVERYHUBDEMORECOVERYHUB23"  # noqa: S105

FIRST_NAMES = [
    "Jordan",
    "Alex",
    "Sam",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Jamie",
    "Avery",
    "Quinn",
    "Rowan",
    "Elena",
    "Marcus",
    "Priya",
    "Tomás",
    "Aisha",
    "Daniel",
    "Mei",
    "Grace",
    "Luis",
    "Hannah",
    "Omar",
    "Sofia",
    "Caleb",
    "Nia",
    "Ethan",
    "Lucía",
    "Noah",
    "Zoe",
    "Malik",
]
LAST_NAMES = [
    "Rivera",
    "Chen",
    "Okafor",
    "Nguyen",
    "Patel",
    "Johnson",
    "García",
    "Kowalski",
    "Haddad",
    "Brooks",
    "Silva",
    "Murphy",
    "Yamamoto",
    "Mensah",
    "Novak",
    "Reyes",
    "Walsh",
    "Ibrahim",
]
PRONOUNS = ["she/her", "he/him", "they/them", "", "she/they"]
PROGRAMS = [
    ("Outpatient", "Weekly individual and group sessions."),
    ("Intensive outpatient", "Nine or more hours a week of structured sessions."),
    ("Residential", "Round-the-clock care in a residential setting."),
    ("Medication-assisted treatment", "Medication for opioid or alcohol use with counseling."),
    ("Aftercare", "Continuing support after completing a program."),
]
TIME_ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]


@dataclass
class DemoClinic:
    clinic: Organization
    admin: User
    clinicians: list[User]
    patients: list[Patient] = field(default_factory=list)
    supporters: list[User] = field(default_factory=list)


def _mailbox(address: str) -> str:
    """An address the intake form and the imports accept: "Tomás" writes "tomas" (Django's
    EmailValidator takes only ASCII before the @)."""
    return unicodedata.normalize("NFKD", address).encode("ascii", "ignore").decode().lower()


def _user(email: str, full_name: str, time_zone: str = "America/New_York") -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "time_zone": time_zone}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _member(user: User, clinic: Organization, role: Role) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=user, organization=clinic, defaults={"role": role}
    )
    if membership.role in STAFF_ROLES and not has_totp(user):
        # Staff need a second factor; the demo's is a known secret (`manage.py demo_code`).
        totp_enrol(user, secret=DEMO_TOTP_SECRET)
    return membership


def _domain(index: int) -> str:
    return "demo.clinic" if index == 0 else f"demo-{index + 1}.clinic"


def seed_clinic(index: int, rng: random.Random) -> DemoClinic:
    slug = "demo" if index == 0 else f"demo-{index + 1}"
    name = "Demo Recovery Clinic" if index == 0 else f"Demo Recovery Clinic {index + 1}"
    clinic, _ = Organization.objects.get_or_create(
        slug=slug, defaults={"name": name, "time_zone": "America/New_York", "phone": "555-0100"}
    )
    domain = _domain(index)
    admin = _user(f"admin@{domain}", "Dana Whitfield")
    _member(admin, clinic, Role.ADMIN)
    clinicians = [
        _user(f"clinician@{domain}", "Chris Alvarez"),
        _user(f"clinician2@{domain}", "Robin Mbeki"),
    ]
    for clinician in clinicians:
        _member(clinician, clinic, Role.CLINICIAN)
    for program_name, description in PROGRAMS:
        Program.objects.get_or_create(
            clinic=clinic, name=program_name, defaults={"description": description}
        )
    return DemoClinic(clinic=clinic, admin=admin, clinicians=clinicians)


def _status(position: int) -> str:
    # Mostly active, with a person in intake, one discharged and one alumni for realism.
    return {3: PatientStatus.INTAKE, 7: PatientStatus.DISCHARGED, 10: PatientStatus.ALUMNI}.get(
        position % 12, PatientStatus.ACTIVE
    )


def seed_patients(demo: DemoClinic, count: int, rng: random.Random, today: date) -> None:
    programs = list(Program.objects.filter(clinic=demo.clinic).order_by("name"))
    prefix = demo.clinic.slug.upper()
    for position in range(count):
        mrn = f"{prefix}-{position + 1:04d}"
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        # One person reaches 30 days in three days' time, so the week's milestones show.
        days = 27 if position == 4 else rng.randint(3, 420)
        had_setback = rng.random() < 0.3
        birth = today - timedelta(days=rng.randint(19 * 365, 64 * 365))
        patient, created = Patient.objects.get_or_create(
            clinic=demo.clinic,
            mrn=mrn,
            defaults={
                "legal_name": f"{first} {last}",
                "preferred_name": first if rng.random() < 0.2 else "",
                "pronouns": rng.choice(PRONOUNS),
                "date_of_birth": birth,
                "time_zone": rng.choice(TIME_ZONES),
                "program": programs[position % len(programs)],
                "status": _status(position),
                "recovery_start": today - timedelta(days=days),
                "email": _mailbox(f"{first}.{last}.{position}@example.org"),
            },
        )
        demo.patients.append(patient)
        if not created:
            continue
        if had_setback:
            earlier = patient.recovery_start - timedelta(days=rng.randint(40, 200))
            RecoveryDate.objects.create(
                patient=patient, start_date=earlier, reason="Recovery start at intake"
            )
            setback = Setback.objects.create(
                patient=patient,
                occurred_on=patient.recovery_start - timedelta(days=1),
                kind=rng.choice([SetbackKind.LAPSE, SetbackKind.RELAPSE]),
                what_happened=rng.choice(SETBACK_STORIES),
                what_helped=rng.choice(WHAT_HELPED),
                plan_changes=rng.choice(PLAN_CHANGES),
                moved_recovery_start=True,
                previous_recovery_start=earlier,
                recorded_by=demo.clinicians[0],
            )
            RecoveryDate.objects.create(
                patient=patient,
                start_date=patient.recovery_start,
                reason="New start date after a setback, agreed with the care team",
                setback=setback,
                recorded_by=demo.clinicians[0],
            )
        else:
            RecoveryDate.objects.create(
                patient=patient,
                start_date=patient.recovery_start,
                reason="Recovery start at intake",
            )
        primary = demo.clinicians[0] if position % 3 != 2 else demo.clinicians[1]
        other = demo.clinicians[1] if primary == demo.clinicians[0] else demo.clinicians[0]
        CareTeamMember.objects.create(
            patient=patient,
            clinician=primary,
            team_role=TeamRole.PRIMARY_COUNSELOR,
            is_primary=True,
            started_on=today - timedelta(days=days + 14),
        )
        if position % 4 == 0:
            CareTeamMember.objects.create(
                patient=patient,
                clinician=other,
                team_role=TeamRole.PRESCRIBER,
                started_on=today - timedelta(days=days),
            )
        # Each recovery date was recorded on the day it took effect.
        for entry in RecoveryDate.objects.filter(patient=patient):
            recorded = datetime.combine(
                entry.start_date, time(12, 0), tzinfo=ZoneInfo(patient.time_zone)
            )
            RecoveryDate.objects.filter(pk=entry.pk).update(recorded_at=recorded)
        if patient.status in (PatientStatus.ACTIVE, PatientStatus.INTAKE):
            seed_chart_history(patient, primary, rng, trajectory=(position + 1) % 4)


SETBACK_STORIES = [
    "Drank at a family gathering after a tense conversation; called the counselor the next day.",
    "Used once after a week of poor sleep and a lost shift at work.",
    "A few days of use after a friend's funeral; reached out to a sponsor to restart.",
]
WHAT_HELPED = [
    "Calling a sponsor, going to a meeting the same evening.",
    "Talking it through in individual session; sister stayed over for two nights.",
    "Returning to the morning routine and the walking group.",
]
PLAN_CHANGES = [
    "Added an evening check-in call on weekends.",
    "Avoid the old neighbourhood route home; take the bus line instead.",
    "Started a sleep routine; prescriber review booked.",
]
NOTES = [
    "Engaged and reflective in session. Practised urge surfing; plans to use it at work.",
    "Reports better sleep. Family therapy discussed; partner willing to attend.",
    "Stress high around housing. Referred to case manager for housing support.",
    "Reviewed early warning signs together and updated the crisis contacts.",
]


def seed_chart_history(
    patient: Patient, clinician: User, rng: random.Random, *, trajectory: int
) -> None:
    """Months of check-ins and assessments, a coping plan, a few sessions, notes, and alerts
    for struggles.

    trajectory 0 steady, 1 improving, 2 struggling lately, 3 stopped checking in."""
    today = patient.local_today()
    zone = ZoneInfo(patient.time_zone)
    start = max(patient.recovery_start or today, today - timedelta(days=120))
    checkins = []
    day = start
    while day <= today - timedelta(days=1 if trajectory != 3 else 4):
        progress = (day - start).days / max((today - start).days, 1)
        if trajectory == 1:
            mood, craving = 4 + round(4 * progress), 7 - round(5 * progress)
        elif trajectory == 2:
            mood, craving = 7 - round(4 * progress), 2 + round(7 * progress)
        else:
            mood, craving = 7, 2
        if rng.random() < 0.85:
            checkins.append(
                CheckIn(
                    patient=patient,
                    local_date=day,
                    mood=min(10, max(0, mood + rng.randint(-1, 1))),
                    craving=min(10, max(0, craving + rng.randint(-1, 1))),
                    stress=min(10, max(0, 10 - mood + rng.randint(-1, 1))),
                    sleep_hours=Decimal(rng.choice(["5.5", "6", "6.5", "7", "7.5", "8"])),
                    entered_by=patient.user,
                )
            )
        day += timedelta(days=1)
    CheckIn.objects.bulk_create(checkins)
    if trajectory == 2 and checkins:
        last = CheckIn.objects.filter(patient=patient).order_by("-local_date").first()
        last.craving = 9
        last.save(update_fields=["craving"])
        alert_raise(
            patient=patient,
            kind=AlertKind.HIGH_CRAVING,
            severity=AlertSeverity.MEDIUM,
            message=f"Craving 9 of 10 in the check-in of {last.local_date:%b %d}.",
            source=f"checkin:{last.pk}",
        )
    if trajectory == 3:
        alert_raise(
            patient=patient,
            kind=AlertKind.MISSED_CHECKINS,
            severity=AlertSeverity.MEDIUM,
            message="No check-in for three days in a row.",
            source=f"missed:{today:%Y-%m-%d}",
        )
    seed_assessments(patient, rng, trajectory=trajectory, since=start, today=today)
    seed_coping_plan(patient, clinician, rng)
    for weeks_ago in (3, 2, 1):
        when = datetime.combine(today - timedelta(weeks=weeks_ago), time(10, 0), tzinfo=zone)
        _appointment(
            patient, clinician, AppointmentKind.INDIVIDUAL, when, AppointmentStatus.ATTENDED
        )
    upcoming = datetime.combine(today + timedelta(days=rng.randint(1, 6)), time(15, 0), tzinfo=zone)
    kind = rng.choice(
        [AppointmentKind.INDIVIDUAL, AppointmentKind.GROUP, AppointmentKind.TELEHEALTH]
    )
    _appointment(patient, clinician, kind, upcoming, AppointmentStatus.SCHEDULED)
    for weeks_ago, text in zip((2, 1), rng.sample(NOTES, 2), strict=True):
        note = ClinicalNote.objects.create(patient=patient, author=clinician, body=text)
        # Written right after that week's session (auto_now_add needs an update to backdate).
        written = datetime.combine(today - timedelta(weeks=weeks_ago), time(11, 0), tzinfo=zone)
        ClinicalNote.objects.filter(pk=note.pk).update(created_at=written)


def seed_assessments(
    patient: Patient, rng: random.Random, *, trajectory: int, since: date, today: date
) -> None:
    """PHQ-9 and GAD-7 every two weeks, BRS and BARC-10 monthly, following the trajectory."""
    rows = []
    for slug in ("phq9", "gad7", "brs", "barc10"):
        instrument = INSTRUMENTS[slug]
        day = since
        while day <= today - timedelta(days=2):
            progress = (day - since).days / max((today - since).days, 1)
            # 0 is "doing well" and 1 "struggling", whatever the direction of the scale.
            strain = {0: 0.2, 1: 0.7 - 0.5 * progress, 2: 0.2 + 0.6 * progress, 3: 0.4}[trajectory]
            answers = _answers(instrument, strain, rng)
            result = score(slug, answers)
            rows.append(
                Assessment(
                    patient=patient,
                    instrument=slug,
                    answers=answers,
                    total=Decimal(str(result.total)),
                    band=result.band,
                    flags=sorted(result.flags),
                    local_date=day,
                    entered_by=patient.user,
                )
            )
            day += timedelta(days=instrument.default_interval_days)
    rows.sort(key=lambda row: row.local_date)
    Assessment.objects.bulk_create(rows)
    flagged = [
        a
        for a in Assessment.objects.filter(patient=patient, instrument="phq9").order_by("id")
        if "self_harm" in a.flags
    ]
    if flagged:
        latest = flagged[-1]
        alert_raise(
            patient=patient,
            kind=AlertKind.SELF_HARM,
            severity=AlertSeverity.HIGH,
            message="PHQ-9 item 9 was answered above 0. Reach out today and review the "
            "crisis plan.",
            source=f"assessment:{latest.pk}",
        )


def _answers(instrument: Instrument, strain: float, rng: random.Random) -> list[int]:
    low, high = instrument.minimum, instrument.maximum
    answers = []
    for number in range(1, len(instrument.items) + 1):
        worse = strain + rng.uniform(-0.15, 0.15)
        # Higher answers mean more distress on PHQ-9 and GAD-7, more resilience on BRS and
        # BARC-10 (except BRS's reverse-scored items).
        towards_high = worse if not instrument.higher_is_better else 1 - worse
        if number in instrument.reverse_items:
            towards_high = 1 - towards_high
        value = round(low + (high - low) * min(max(towards_high, 0), 1))
        if instrument.slug == "phq9" and number == 9:
            value = 1 if strain > 0.75 else 0
        answers.append(value)
    return answers


PLAN_TEMPLATE = {
    "triggers": [
        {
            "category": "places",
            "description": "Driving past my old bar on the way home",
            "intensity": 4,
            "how_i_manage": "Take the bus line instead",
            "shareable": True,
        },
        {
            "category": "emotions",
            "description": "Feeling lonely on Sunday evenings",
            "intensity": 3,
            "how_i_manage": "Call my sister or go to the evening meeting",
        },
        {
            "category": "people",
            "description": "Old friends who still use",
            "intensity": 5,
            "how_i_manage": "Say no and leave; text my sponsor",
        },
    ],
    "warning_signs": [
        {"text": "Skipping meals and staying up late", "shareable": True},
        {"text": "Not answering my phone", "shareable": True},
        {"text": "Telling myself one drink would not matter"},
    ],
    "strategies": [
        {
            "category": "stress_management",
            "text": "Box breathing for four rounds",
            "shareable": True,
        },
        {"category": "routine", "text": "Same wake-up time every day, even on weekends"},
        {
            "category": "physical_activity",
            "text": "A 20-minute walk after dinner",
            "shareable": True,
        },
        {"category": "healthy_relationships", "text": "Sunday call with my sister"},
        {"category": "professional_guidance", "text": "Weekly session with my counselor"},
    ],
    "routine": [
        {"start": "07:00", "end": "07:30", "activity": "Breakfast and check-in"},
        {"start": "18:30", "end": "19:00", "activity": "Walk after dinner", "shareable": True},
        {"start": "22:30", "end": "", "activity": "Phone away, lights out"},
    ],
    "reasons": [
        {"text": "Being present for my kids", "shareable": True},
        {"text": "Feeling healthy and clear-headed"},
    ],
    "people": [
        {"name": "Pat (sister)", "relationship": "family", "phone": "555-0142", "shareable": True},
        {"name": "Kim (sponsor)", "relationship": "sponsor", "phone": "555-0177"},
    ],
    "crisis_plan": {
        "steps": [
            "Stop and breathe; remove myself from the situation",
            "Call my sponsor or my sister",
            "Go to the evening meeting or the clinic",
            "If I am not safe, call or text 988 or the emergency number",
        ],
        "people": [
            {"name": "Kim (sponsor)", "phone": "555-0177"},
            {"name": "Clinic after-hours line", "phone": "555-0100"},
        ],
        "include_988": True,
        "local_emergency_number": "911",
        "shareable": True,
    },
}


def seed_coping_plan(patient: Patient, clinician: User, rng: random.Random) -> None:
    """A plan written at intake with the counselor, then a later change by the person."""
    first = copy.deepcopy(PLAN_TEMPLATE)
    first["warning_signs"] = first["warning_signs"][:2]
    version = plan_save(
        patient=patient,
        content=first,
        actor=clinician,
        change_summary="First plan, written together at intake",
    )
    second = copy.deepcopy(version.content)
    second["warning_signs"].append({"text": "Telling myself one drink would not matter"})
    plan_save(
        patient=patient,
        content=second,
        actor=patient.user or clinician,
        change_summary="Added a warning sign I noticed",
    )


def _appointment(
    patient: Patient, clinician: User, kind: str, starts_at: datetime, status: str
) -> None:
    online = kind == AppointmentKind.TELEHEALTH
    appointment = Appointment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=50),
        status=status,
        location="" if online else "Room 2, main building",
        video_url="https://video.example.org/room/demo" if online else "",
    )
    appointment.staff_attendees.add(clinician)


def seed_people_logins(demo: DemoClinic, index: int) -> None:
    """The person-in-recovery and family logins, linked to the clinic's first patient."""
    domain = _domain(index)
    if demo.patients:
        first = demo.patients[0]
        patient_user = _user(f"patient@{domain}", first.legal_name, first.time_zone)
        if first.user_id is None and not hasattr(patient_user, "patient_record"):
            first.user = patient_user
            first.status = PatientStatus.ACTIVE
            first.save(update_fields=["user", "status"])
        _member(patient_user, demo.clinic, Role.PATIENT)
    family = _user(f"family@{domain}", "Pat Rivera")
    _member(family, demo.clinic, Role.SUPPORTER)
    demo.supporters.append(family)
    # The sponsor reads Spanish while the person and the rest of the network read English:
    # their pages and messages are in Spanish (README, "Languages").
    for email, name, language in [
        (f"friend@{domain}", "Lee Tanaka", ""),
        (f"sponsor@{domain}", "Rosa Medina", "es"),
    ]:
        supporter = _user(email, name)
        if language and supporter.language != language:
            supporter.language = language
            supporter.save(update_fields=["language"])
        _member(supporter, demo.clinic, Role.SUPPORTER)
        demo.supporters.append(supporter)


def seed_shared_supporter(demos: list[DemoClinic]) -> None:
    """The demo family member also supports someone at the second clinic: the switcher shows."""
    if len(demos) > 1:
        family = User.objects.get(email="family@demo.clinic")
        _member(family, demos[1].clinic, Role.SUPPORTER)


CONTACT_NAMES = [
    ("Maria", Relationship.PARENT),
    ("Sam", Relationship.PARTNER),
    ("Alex", Relationship.SIBLING),
    ("Jordan", Relationship.FRIEND),
    ("Chris", Relationship.PEER),
    ("Dev", Relationship.SPONSOR),
    ("Taylor", Relationship.CHILD),
    ("Robin", Relationship.OTHER_FAMILY),
    ("Father Luis", Relationship.COMMUNITY),
    ("Dr. Ama Boateng", Relationship.PROFESSIONAL),
]
PLAYBOOK = [
    "Call me within 15 minutes and just listen.",
    "Suggest a walk around the park together.",
    "Come over and have dinner with me.",
    "Drive me to the evening meeting.",
    "Text me a reminder of why I started.",
]
TASKS = [
    (HelpKind.RIDE, "A ride to Thursday's group session", ["car"]),
    (HelpKind.MEAL, "Bring dinner on Sunday evening", ["meals"]),
    (HelpKind.COMPANY, "Company on Friday evening", ["company"]),
    (HelpKind.CALL, "A call on Tuesday night", ["calls"]),
    (HelpKind.SESSION, "Come to family therapy with me", ["weekday_evenings"]),
]
ENCOURAGEMENT = [
    "So proud of you. One day at a time.",
    "Thinking of you today. Call me anytime.",
    "You've got this, and you've got us.",
]
SCOPE_MIXES = [
    [Scope.MILESTONES, Scope.HELP_TASKS],
    [Scope.MILESTONES, Scope.CHECKIN_SUMMARY, Scope.COPING_PLAN, Scope.HELP_TASKS],
    [Scope.MILESTONES],
    [Scope.APPOINTMENTS, Scope.HELP_TASKS, Scope.MILESTONES],
    [Scope.CHECKIN_SUMMARY, Scope.COPING_PLAN],
]


def _consent(contact: SupportContact, scopes: list[str], clinician: User) -> Consent:
    """Signed in the app by the person when they have a login, else recorded from paper."""
    patient = contact.patient
    if patient.user_id:
        return consent_grant(
            contact=contact,
            actor=patient.user,
            scopes=scopes,
            purpose="To support my recovery",
            signed_name=patient.legal_name,
            signature_method=SignatureMethod.IN_APP,
            expires_on_event=ExpiryEvent.DISCHARGE,
        )
    return consent_grant(
        contact=contact,
        actor=clinician,
        scopes=scopes,
        purpose="To support my recovery",
        signed_name=patient.legal_name,
        signature_method=SignatureMethod.PAPER,
        expires_on_event=ExpiryEvent.DISCHARGE,
        paper_form=ContentFile(b"%PDF-1.4 demo consent form", name="consent.pdf"),
    )


def seed_networks(demos: list[DemoClinic], rng: random.Random, today: date) -> None:
    """3 to 8 contacts per person with a mix of scopes, one expired and one revoked consent;
    the demo family member supports two people here (different scopes) and one elsewhere."""
    for index, demo in enumerate(demos):
        clinician = demo.clinicians[0]
        domain = _domain(index)
        logins = {u.email: u for u in demo.supporters}
        for position, patient in enumerate(demo.patients):
            if patient.contacts.exists():
                continue  # seeded before
            family_name = patient.legal_name.split(" ")[-1]
            picks = rng.sample(CONTACT_NAMES, rng.randint(3, 8))
            contacts = []
            for number, (first, relationship) in enumerate(picks):
                last = number == len(picks) - 1  # the newest is still to accept
                contact = SupportContact.objects.create(
                    patient=patient,
                    name=f"{first} {family_name}",
                    relationship=relationship,
                    email=_mailbox(f"{first.split(' ')[-1]}.{patient.pk}.{number}@example.org"),
                    status=ContactStatus.INVITED if last else ContactStatus.ACTIVE,
                    offers=rng.sample([o.value for o in Offer], 2),
                    playbook_step=rng.choice(PLAYBOOK),
                    added_by=clinician,
                    reach_out_weekday=6,
                    reach_out_time=time(19, 0),
                )
                contacts.append(contact)
            if position < 2:
                # The demo logins: family supports the first two people, with different scopes;
                # friend and sponsor support the first.
                emails = [f"family@{domain}"] + (
                    [f"friend@{domain}", f"sponsor@{domain}"] if position == 0 else []
                )
                relation = {
                    "family": Relationship.SIBLING,
                    "friend": Relationship.FRIEND,
                    "sponsor": Relationship.SPONSOR,
                }
                for contact, email in zip(contacts, emails, strict=False):
                    contact.user = logins[email]
                    contact.name = logins[email].full_name
                    contact.relationship = relation[email.split("@")[0]]
                    contact.email = email
                    contact.status = ContactStatus.ACTIVE
                    contact.save()
            active = [c for c in contacts if c.status == ContactStatus.ACTIVE]
            for number, contact in enumerate(active):
                if position == 0 and number == 0:
                    scopes = list(Scope.values)  # family sees everything the person shares
                elif position == 1 and number == 0:
                    scopes = [Scope.MILESTONES, Scope.CHECKIN_SUMMARY]
                else:
                    scopes = rng.choice(SCOPE_MIXES)
                _consent(contact, scopes, clinician)
            if position == 2 and len(active) >= 2:
                _seed_ended_consents(active[-2], active[-1], clinician, today)
            _seed_help(patient, active, rng, today, clinician)
    seed_family_elsewhere(demos)


def _seed_ended_consents(
    expired_for: SupportContact, revoked_for: SupportContact, clinician: User, today: date
) -> None:
    """One consent that ran out on its date, one the person revoked."""
    for consent in expired_for.consents.filter(revoked_at__isnull=True):
        consent.revoked_at, consent.revoked_by = timezone.now(), clinician
        consent.revocation_reason = "Replaced by a dated consent"
        consent.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    Consent.objects.create(
        patient=expired_for.patient,
        clinic=expired_for.patient.clinic,
        contact=expired_for,
        scopes=[Scope.MILESTONES],
        purpose="For the family weekend",
        expires_on=today - timedelta(3),
        signature_method=SignatureMethod.PAPER,
        signed_name=expired_for.patient.legal_name,
        signed_at=timezone.now() - timedelta(days=30),
        recorded_by=clinician,
        paper_form=ContentFile(b"%PDF-1.4 demo consent form", name="consent.pdf"),
    )
    current = revoked_for.consents.filter(revoked_at__isnull=True).first()
    if current is not None:
        consent_revoke(consent=current, actor=clinician, reason="The person asked to stop sharing")


def _seed_help(
    patient: Patient,
    active: list[SupportContact],
    rng: random.Random,
    today: date,
    clinician: User,
) -> None:
    helpers = [c for c in active if Scope.HELP_TASKS in consented_scopes(c)]
    for number, (kind, title, _offers) in enumerate(rng.sample(TASKS, 3)):
        task = HelpTask.objects.create(
            patient=patient,
            kind=kind,
            title=title,
            due_on=today + timedelta(days=2 + number),
            weekly=number == 0,
            created_by=clinician,
        )
        if number == 1 and helpers:
            task.status, task.claimed_by = HelpStatus.CLAIMED, helpers[0]
            task.claimed_at = timezone.now()
            task.save(update_fields=["status", "claimed_by", "claimed_at"])
    for contact in active[:2]:
        if consented_scopes(contact):
            Encouragement.objects.create(
                patient=patient, contact=contact, message=rng.choice(ENCOURAGEMENT)
            )
            ReachOut.objects.create(
                contact=contact,
                patient=patient,
                channel=ReachOutChannel.CALL,
                happened_on=today - timedelta(days=rng.randint(1, 6)),
            )
    invited = [c for c in active if Scope.APPOINTMENTS in consented_scopes(c)]
    upcoming = patient.appointments.filter(starts_at__gte=timezone.now()).first()
    if upcoming is not None and invited:
        upcoming.network_attendees.add(invited[0])


def seed_family_elsewhere(demos: list[DemoClinic]) -> None:
    """family@demo.clinic also supports a person at the second clinic: one login, two clinics."""
    if len(demos) < 2 or not demos[1].patients:
        return
    family = User.objects.get(email="family@demo.clinic")
    patient = demos[1].patients[0]
    contact = SupportContact.objects.filter(patient=patient, user=family).first()
    if contact is None:
        contact = SupportContact.objects.create(
            patient=patient,
            name=family.full_name,
            relationship=Relationship.FRIEND,
            email=family.email,
            user=family,
            status=ContactStatus.ACTIVE,
            added_by=demos[1].clinicians[0],
        )
        _consent(contact, [Scope.MILESTONES, Scope.HELP_TASKS], demos[1].clinicians[0])


def seed_security(demos: list[DemoClinic], rng: random.Random, today: date) -> None:
    """What Step 9 shows: a staff invitation still waiting to be accepted (Staff page) and a
    named API token of the clinic admin (account menu, API tokens)."""
    for index, demo in enumerate(demos):
        email = f"new.clinician@{_domain(index)}"
        if not StaffInvitation.objects.waiting().filter(clinic=demo.clinic, email=email).exists():
            invitation = StaffInvitation(
                clinic=demo.clinic,
                email=email,
                full_name="Robin Okafor",
                role=Role.CLINICIAN,
                sent_by=demo.admin,
            )
            invitation.renew()
            invitation.save()
        if not ApiToken.objects.filter(user=demo.admin, name="Monthly report export").exists():
            token_issue(demo.admin, "Monthly report export")


def seed_working_beside(demos: list[DemoClinic], rng: random.Random, today: date) -> None:
    """Step 13's demo rows: calendar feeds for those who sign in, an example webhook (off)."""
    for demo in demos:
        seed_calendars(demo.clinic)
        seed_webhooks(demo.clinic)


def seed_day_to_day(demos: list[DemoClinic], rng: random.Random, today: date) -> None:
    """Step 14's demo rows: a weekly ride with gaps on the help calendar, updates with a
    reaction and a reply, a message thread with one unread, milestones and what use cost."""
    for demo in demos:
        seed_help_calendar(demo.clinic, today)
        seed_updates(demo.clinic, today)
        seed_messages(demo.clinic, today)
        seed_milestones(demo.clinic, today)
    # What those services told people (a reply, a new message, a given-back ride) goes out now,
    # as a worker would: the demo starts with nothing waiting in the outbox.
    dispatch_due()


SeedStep = Callable[[list[DemoClinic], random.Random, date], None]
# Later features append their own steps.
SEED_STEPS: list[SeedStep] = [
    seed_networks,
    seed_resources,
    seed_events,
    seed_engagement,
    seed_audit,
    seed_joining,
    seed_security,
    seed_working_beside,
    seed_day_to_day,
    seed_reports,  # last: it decorates what the steps before it made
]


def seed_demo(*, clinics: int = 1, patients: int = 12, seed: int = 42) -> list[DemoClinic]:
    rng = random.Random(seed)
    today = timezone.localdate()
    demos = []
    for index in range(clinics):
        demo = seed_clinic(index, rng)
        seed_patients(demo, patients, rng, today)
        seed_people_logins(demo, index)
        demos.append(demo)
    seed_shared_supporter(demos)
    for step in SEED_STEPS:
        step(demos, rng, today)
    return demos
