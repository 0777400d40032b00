"""The monthly summary: on the 1st in each clinic's own zone, every active admin of the clinic
gets one email with the dashboard's figures (counts and rates, never a person's name) through
the outbox, once; and delivered for real by a Celery worker to an SMTP server."""

import io
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes

import pytest
import time_machine
from django.core.management import CommandError, call_command

from accounts.models import Membership, Organization, Role
from networks.models import ContactStatus, Relationship, SupportContact
from notifications.models import Notification, NotificationPreference, Status
from patients.models import Alert, PatientStatus
from reports.monthly import monthly_figures, monthly_plan
from reports.tasks import send_monthly_summaries
from tests.factories import AlertFactory, PatientFactory, ProgramFactory, member
from tests.notifications.test_smtp_worker import smtp_sink as smtp_sink  # the fixture
from tests.reports.conftest import NEW_YORK, bulk_patients, checkin, queries_of
from tests.worker import celery_worker, wait_for

pytestmark = pytest.mark.django_db

MONTHLY = "monthly_summary"
# 10:00 on Tuesday 1 December 2026 in New York (the clinics' zone).
FIRST = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
BEFORE = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)  # when the people joined

# Names that must never appear in a summary.
PATIENT_NAMES = [
    "Zebulon Quixotewright",
    "Marisol Thistlewood",
    "Osgood Vantablack",
    "Wilhelmina Fairweather",
]
SUPPORTER_NAME = "Bartholomew Ironside"
NAME_PARTS = [part for name in [*PATIENT_NAMES, SUPPORTER_NAME] for part in name.split()]


def rows() -> object:
    return Notification.objects.filter(kind=MONTHLY)


@pytest.fixture
def admins(clinic):
    """Two active admins (English and Spanish), and the people who must get nothing: an admin
    whose membership ended, an admin whose account is off, a clinician, a person in recovery
    and a supporter."""
    ana = member(Role.ADMIN, clinic, full_name="Ana Admin", email="ana@harbor.example")
    beto = member(
        Role.ADMIN, clinic, full_name="Beto Admin", email="beto@harbor.example", language="es"
    )
    former = member(Role.ADMIN, clinic, email="former@harbor.example")
    Membership.objects.filter(user=former).update(is_active=False)
    switched_off = member(Role.ADMIN, clinic, email="off@harbor.example")
    switched_off.is_active = False
    switched_off.save()
    for role in (Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER):
        member(role, clinic, email=f"{role}@harbor.example")
    return ana, beto


@pytest.fixture
def known(clinic, other_clinic):
    """Harbor, counted by hand for the 30 days 2 November to 1 December 2026:
    - active patients 2 (Zebulon, Marisol), in intake 1 (Osgood);
    - adherence: 2 active patients x 30 days expected = 60; Zebulon checked in on 15 days,
      Marisol on none: 15 / 60 = 25.0 %;
    - open alerts: one from an hour ago, one 3 days old, one 10 days old (a resolved one is
      not counted);
    - milestones: Zebulon's 30 days (recovery from 1 November) and Marisol's 90 days (from
      2 September) both fall on 1 December: 2;
    - network: one active supporter of one patient;
    - delivery: 2 sent and 1 failed in the period (one from 40 days ago is not counted).
    Lakeside: one active patient, no check-ins (0.0 %), nothing else."""
    with time_machine.travel(BEFORE, tick=False):
        zebulon = PatientFactory(
            clinic=clinic,
            legal_name=PATIENT_NAMES[0],
            mrn="HRB-ZQ-001",
            recovery_start=date(2026, 11, 1),
        )
        marisol = PatientFactory(
            clinic=clinic, legal_name=PATIENT_NAMES[1], recovery_start=date(2026, 9, 2)
        )
        PatientFactory(
            clinic=clinic,
            legal_name=PATIENT_NAMES[2],
            status=PatientStatus.INTAKE,
            recovery_start=None,
        )
        PatientFactory(clinic=other_clinic, legal_name=PATIENT_NAMES[3], recovery_start=None)
    for offset in range(15):
        checkin(zebulon, date(2026, 11, 2) + timedelta(days=offset))
    for age in (timedelta(hours=1), timedelta(days=3), timedelta(days=10)):
        alert = AlertFactory(patient=zebulon)
        Alert.objects.filter(pk=alert.pk).update(created_at=FIRST - age)
    resolved = AlertFactory(patient=marisol)
    Alert.objects.filter(pk=resolved.pk).update(status="resolved")
    SupportContact.objects.create(
        patient=zebulon,
        name=SUPPORTER_NAME,
        relationship=Relationship.FRIEND,
        email="bart@example.org",
        status=ContactStatus.ACTIVE,
    )
    for status, age in ((Status.SENT, 3), (Status.SENT, 10), (Status.FAILED, 5), (Status.SENT, 40)):
        Notification.objects.create(
            kind="checkin_reminder",
            occurrence=f"known-{status}-{age}",
            channel="email",
            clinic=clinic,
            patient=zebulon,
            recipient_key=f"patient:{zebulon.pk}",
            body="Time for your check-in",
            due_at=FIRST - timedelta(days=age),
            status=status,
        )


def plan(at: datetime = FIRST) -> object:
    with time_machine.travel(at, tick=False):
        return monthly_plan(at)


def command(at: datetime) -> str:
    out = io.StringIO()
    with time_machine.travel(at, tick=False):
        call_command("send_monthly_summary", "--at", at.isoformat(), stdout=out)
    return out.getvalue().strip()


# --- who, when, how often --------------------------------------------------------------------


def test_each_active_admin_gets_one_summary_on_the_first(clinic, admins, known):
    ana, beto = admins
    tally = plan()
    assert tally.planned == 2
    assert sorted(rows().values_list("recipient_user__email", flat=True)) == [
        "ana@harbor.example",
        "beto@harbor.example",
    ]
    row = rows().get(recipient_user=ana)
    assert (row.channel, row.recipient_key, row.address) == (
        "email",
        f"user:{ana.pk}",
        "ana@harbor.example",
    )
    assert row.occurrence == f"monthly_summary:{clinic.pk}:2026-12"
    assert (row.clinic, row.patient) == (clinic, None)
    # Each in their own language: the Spanish-speaking admin's dates are written in Spanish.
    spanish = rows().get(recipient_user=beto)
    assert spanish.language == "es" and "1 dic 2026" in spanish.body
    assert "Dec 1, 2026" in row.body


def test_a_second_run_in_the_same_month_plans_nothing(admins, known):
    assert plan().planned == 2
    later = FIRST + timedelta(hours=5)
    again = plan(later)
    assert (again.planned, again.already) == (0, 2)
    assert rows().count() == 2


def test_the_command_prints_how_many_and_plans_once(admins):
    assert command(FIRST) == "summaries=2"
    assert command(FIRST + timedelta(hours=1)) == "summaries=0"
    assert rows().count() == 2


def test_the_command_refuses_an_instant_without_a_zone(admins):
    with pytest.raises(CommandError, match="time zone"):
        call_command("send_monthly_summary", "--at", "2026-12-01T10:00")


def test_the_task_is_safe_at_any_time_and_plans_only_on_the_first(admins):
    with time_machine.travel(FIRST - timedelta(days=1), tick=False):
        assert send_monthly_summaries() == "summaries=0 skipped=0"
    with time_machine.travel(FIRST, tick=False):
        assert send_monthly_summaries() == "summaries=2 skipped=0"
        assert send_monthly_summaries() == "summaries=0 skipped=0"
    with time_machine.travel(FIRST + timedelta(days=1), tick=False):
        assert send_monthly_summaries() == "summaries=0 skipped=0"
    assert rows().count() == 2


def test_the_next_month_brings_a_new_summary(admins):
    plan()
    january = datetime(2027, 1, 1, 15, 0, tzinfo=UTC)
    assert plan(january).planned == 2
    assert sorted({o.rsplit(":", 1)[1] for o in rows().values_list("occurrence", flat=True)}) == [
        "2026-12",
        "2027-01",
    ]


def test_the_first_is_the_clinics_own_first(clinic, other_clinic):
    """At 06:00 UTC on 1 December it is the 1st in New York (01:00) but still 30 November in
    Honolulu (20:00); at 15:30 UTC on 30 November it is already the 1st in Tokyo."""
    other_clinic.time_zone = "Pacific/Honolulu"
    other_clinic.save()
    tokyo = Organization.objects.create(name="Sakura Clinic", slug="sakura", time_zone="Asia/Tokyo")
    harbor_admin = member(Role.ADMIN, clinic)
    honolulu_admin = member(Role.ADMIN, other_clinic)
    tokyo_admin = member(Role.ADMIN, tokyo)

    assert plan(datetime(2026, 11, 30, 14, 30, tzinfo=UTC)).planned == 0  # Tokyo 23:30
    assert plan(datetime(2026, 11, 30, 15, 30, tzinfo=UTC)).planned == 1  # Tokyo 00:30
    assert list(rows().values_list("recipient_user", flat=True)) == [tokyo_admin.pk]

    assert plan(datetime(2026, 12, 1, 6, 0, tzinfo=UTC)).planned == 1
    assert rows().filter(recipient_user=harbor_admin).exists()
    assert not rows().filter(recipient_user=honolulu_admin).exists()

    assert plan(datetime(2026, 12, 1, 10, 30, tzinfo=UTC)).planned == 1  # Honolulu 00:30
    assert rows().get(recipient_user=honolulu_admin).occurrence.endswith(":2026-12")
    # 2 December in New York (00:30): too late for a clinic that had none, and nothing twice.
    assert plan(datetime(2026, 12, 2, 5, 30, tzinfo=UTC)).planned == 0
    assert rows().count() == 3


def test_planned_after_midnight_it_is_sent_at_eight_local(clinic, admins):
    plan(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))  # 01:00 in New York
    assert set(rows().values_list("due_at", flat=True)) == {
        datetime(2026, 12, 1, 8, 0, tzinfo=NEW_YORK)
    }


def test_planned_after_eight_it_is_due_at_once(admins):
    plan()
    assert set(rows().values_list("due_at", flat=True)) == {FIRST}


def test_an_admin_who_turned_these_emails_off_gets_none(admins):
    ana, beto = admins
    NotificationPreference.objects.create(user=beto, unsubscribed_kinds=[MONTHLY])
    tally = plan()
    assert (tally.planned, tally.skipped, tally.reasons) == (1, 1, {"opted out": 1})
    assert list(rows().values_list("recipient_user", flat=True)) == [ana.pk]


def test_an_inactive_clinic_gets_none(clinic, admins):
    clinic.is_active = False
    clinic.save()
    assert plan().planned == 0


# --- what it says ------------------------------------------------------------------------------


def lines_of(row: Notification) -> list[str]:
    return [line.strip() for line in row.body.splitlines()]


def test_the_body_has_the_hand_counted_figures(clinic, admins, known):
    ana, _beto = admins
    plan()
    row = rows().get(recipient_user=ana)
    assert row.subject == "Monthly summary for Harbor Recovery Center: the 30 days to Dec 1, 2026"
    lines = lines_of(row)
    assert (
        "Here is Harbor Recovery Center at a glance for the last 30 days, from Nov 2, 2026 to "
        "Dec 1, 2026. These are counts and rates only: no one is named."
    ) in lines
    for expected in [
        "- Active patients: 2",
        "- In intake: 1",
        "- Check-in adherence: 25.0% (2 active patients)",
        "- Under a day: 1",
        "- One to seven days: 1",
        "- Over seven days: 1",
        "- Milestones reached: 2",
        "- 30 days: 1; 90 days: 1; 180 days: 0; one year: 0",
        "- Contacts invited: 0",
        "- Active supporters, today: 1",
        "- Patients with an active supporter: 1",
        "- Help tasks created: 0; done: 0",
        "- 2 sent, 1 failed, of 3 due",
        row.link,
    ]:
        assert expected in lines, (expected, row.body)
    assert row.link.endswith("/dashboard/")
    for part in (
        'data-section="adherence">Check-in adherence: 25.0% (2 active patients)',
        "<li>Active patients: 2</li>",
        "<li>Milestones reached: 2</li>",
        f'href="{row.link}"',
    ):
        assert part in row.html_body


def test_no_person_is_named_in_the_subject_or_the_body(admins, known):
    plan()
    for row in rows():
        for text in (row.subject, row.body, row.html_body):
            for part in [*NAME_PARTS, "HRB-ZQ-001", "bart@example.org"]:
                assert part not in text, (part, row.recipient_key)


def test_the_other_clinics_admin_gets_only_their_clinics_figures(other_clinic, admins, known):
    lakeside_admin = member(Role.ADMIN, other_clinic, email="lee@lakeside.example")
    plan()
    row = rows().get(recipient_user=lakeside_admin)
    assert (
        row.subject == "Monthly summary for Lakeside Treatment Services: the 30 days to Dec 1, 2026"
    )
    assert row.clinic == other_clinic
    lines = lines_of(row)
    for expected in [
        "- Active patients: 1",
        "- In intake: 0",
        "- Check-in adherence: 0.0% (1 active patient)",
        "- Under a day: 0",
        "- Over seven days: 0",
        "- Milestones reached: 0",
        "- Active supporters, today: 0",
        "- 0 sent, 0 failed, of 0 due",
    ]:
        assert expected in lines, (expected, row.body)
    assert "Harbor" not in row.body and "Harbor" not in row.subject
    assert rows().filter(clinic=other_clinic).count() == 1


def test_a_clinic_with_no_patients_says_so_plainly(clinic, admins):
    plan()
    english = rows().get(recipient_user__email="ana@harbor.example")
    assert "- Check-in adherence: no active patients to count" in lines_of(english)


def test_the_figures_take_the_same_queries_for_10_and_200_patients(clinic):
    clinician = member(Role.CLINICIAN, clinic)
    program = ProgramFactory(clinic=clinic)
    with time_machine.travel(FIRST, tick=False):
        bulk_patients(clinic, 10, program=program, clinician=clinician, today=FIRST.date())
        small = queries_of(lambda: monthly_figures(clinic))
        bulk_patients(clinic, 190, program=program, clinician=clinician, today=FIRST.date())
        large = queries_of(lambda: monthly_figures(clinic))
        assert monthly_figures(clinic).active_patients == 200
    assert large == small


def test_the_beat_schedule_runs_the_task_every_hour():
    from recovery_hub.celery import app
    from recovery_hub.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["reports-monthly-summary"]
    assert entry["task"] == "reports.tasks.send_monthly_summaries"
    assert entry["task"] in app.tasks
    # Hourly: at least 23 runs fall on every zone's 1st.
    assert entry["schedule"].minute == {7} and len(entry["schedule"].hour) == 24


# --- delivered for real ------------------------------------------------------------------------


def _text_of(email: object) -> str:
    for part in email.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def _first_of_last_month() -> datetime:
    """10:00 in New York on the 1st of last month: always in the past, so due at once."""
    today = datetime.now(UTC).date()
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return datetime(first.year, first.month, 1, 10, 0, tzinfo=NEW_YORK)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_emails_each_admin_once_through_the_outbox(
    tmp_path, settings, smtp_sink, clinic, other_clinic, admins
):
    controller, inbox = smtp_sink
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    ana, beto = admins
    lakeside_admin = member(Role.ADMIN, other_clinic, email="lee@lakeside.example")
    for name in PATIENT_NAMES[:3]:
        PatientFactory(clinic=clinic, legal_name=name)
    at = _first_of_last_month()

    env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "NOTIFICATIONS_INLINE_DISPATCH": "false",
    }
    with celery_worker(tmp_path, env=env) as worker:
        assert monthly_plan(at).planned == 3
        assert monthly_plan(at).planned == 0  # twice: still one each
        delivered = wait_for(
            lambda: rows().count() == 3 and not rows().exclude(status=Status.SENT).exists(),
            worker,
        )
        assert delivered, (tmp_path / "worker.log").read_text()[-3000:]
        received = [message_from_bytes(content) for _f, _to, content in inbox.messages]

    assert sorted(m["To"] for m in received) == [
        "ana@harbor.example",
        "beto@harbor.example",
        "lee@lakeside.example",
    ]
    by_address = {m["To"]: m for m in received}
    harbor = by_address["ana@harbor.example"]
    assert harbor["Subject"].startswith(
        "Monthly summary for Harbor Recovery Center: the 30 days to "
    )
    assert harbor["Message-ID"] == rows().get(recipient_user=ana).message_id
    assert harbor["List-Unsubscribe"]
    text = _text_of(harbor)
    assert "- Active patients: 3" in text and "/dashboard/" in text
    assert "Lakeside" not in text
    lakeside = _text_of(by_address["lee@lakeside.example"])
    assert "- Active patients: 0" in lakeside and "Harbor" not in lakeside
    for email in received:
        whole = email.as_string()
        for part in NAME_PARTS:
            assert part not in whole
    assert rows().get(recipient_user=beto).status == Status.SENT
    assert rows().get(recipient_user=lakeside_admin).sent_at is not None
