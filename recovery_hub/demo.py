"""The demo clinic: plausible, fictional people for `manage.py seed_demo`.

Every function here is safe to run twice (it looks up by natural keys before creating) and
deterministic for a given random seed and day. Later features add their own seeding steps to
`SEED_STEPS`.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Membership, Organization, Role, User
from patients.models import (
    CareTeamMember,
    Patient,
    PatientStatus,
    Program,
    RecoveryDate,
    TeamRole,
)

DEMO_PASSWORD = "recovery-demo"  # noqa: S105  (demo data only, printed for the reader)

FIRST_NAMES = [
    "Jordan", "Alex", "Sam", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn",
    "Rowan", "Elena", "Marcus", "Priya", "Tomás", "Aisha", "Daniel", "Mei", "Grace", "Luis",
    "Hannah", "Omar", "Sofia", "Caleb", "Nia", "Ethan", "Lucía", "Noah", "Zoe", "Malik",
]  # fmt: skip
LAST_NAMES = [
    "Rivera", "Chen", "Okafor", "Nguyen", "Patel", "Johnson", "García", "Kowalski", "Haddad",
    "Brooks", "Silva", "Murphy", "Yamamoto", "Mensah", "Novak", "Reyes", "Walsh", "Ibrahim",
]  # fmt: skip
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
        days = rng.randint(3, 420)
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
                "email": f"{first}.{last}.{position}@example.org".lower(),
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
            RecoveryDate.objects.create(
                patient=patient,
                start_date=patient.recovery_start,
                reason="New start date after a setback, agreed with the care team",
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
    for email, name in [(f"friend@{domain}", "Lee Tanaka"), (f"sponsor@{domain}", "Kim Osei")]:
        supporter = _user(email, name)
        _member(supporter, demo.clinic, Role.SUPPORTER)
        demo.supporters.append(supporter)


def seed_shared_supporter(demos: list[DemoClinic]) -> None:
    """The demo family member also supports someone at the second clinic: the switcher shows."""
    if len(demos) > 1:
        family = User.objects.get(email="family@demo.clinic")
        _member(family, demos[1].clinic, Role.SUPPORTER)


SeedStep = Callable[[list[DemoClinic], random.Random, date], None]
# Later features append their own steps (coping plans, networks, ...).
SEED_STEPS: list[SeedStep] = []


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
