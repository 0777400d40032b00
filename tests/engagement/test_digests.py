"""The weekly supporter digest: planned once per supporter per week at their local time, built
at send time from the consents in force then, and never holding anything clinical."""

import re
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from audit.models import AuditEvent
from coping.models import Assessment, CheckIn
from engagement import digests
from engagement.demo import seed_digests
from engagement.digests import DIGEST, digest_render, digests_plan, latest_due
from engagement.models import DigestMode, DigestSubscription, PatientEngagement, Weekday
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    HelpStatus,
    HelpTask,
    SignatureMethod,
)
from networks.services import consent_revoke, help_task_create
from notifications.hooks import RENDER_AT_SEND, SkipMessage
from notifications.models import ContactOptOut, Notification, NotificationPreference
from patients.models import Appointment, ClinicalNote, PatientStatus
from tests.engagement.conftest import add_supporter, grant

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"
SCOPES = ["appointments", "checkin_summary", "coping_plan", "help_tasks", "milestones"]
# Sunday 15 March 2026, 18:05 in New York (EDT, UTC-4): just after the default digest time.
SUNDAY_EVENING = datetime(2026, 3, 15, 22, 5, tzinfo=UTC)
BEFORE = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)  # when the consents were signed

# Never in a supporter's email: made distinctive so a leak cannot hide.
CLINICAL_NOTE = "Clinical note: ZEBRA-7731 discussed medication dose"
CHECKIN_NOTE = "Check-in note: ORCHID-5512 hard night"
USE_DETAILS = "WALRUS-substance-details"
APPOINTMENT_TITLE = "Family therapy with Dr. Kestrel"
TASK_TITLE = "A ride to group on Thursday"

# What marks each section in the text and in the HTML.
TEXT_HEADINGS = {
    "help_tasks": "HOW YOU CAN HELP THIS WEEK",
    "milestones": "MILESTONES COMING UP",
    "checkin_summary": "HOW THE WEEK IS GOING",
    "appointments": "SESSIONS YOU ARE INVITED TO",
    "coping_plan": "FROM THE COPING PLAN",
}


def run(at: datetime) -> str:
    out = StringIO()
    call_command("send_digests", "--at", at.isoformat(), stdout=out)
    return out.getvalue()


def sections(rendered) -> set[str]:
    in_html = set(re.findall(r'data-section="(\w+)"', rendered.html_body))
    in_html -= {"encourage", "summary"}
    in_text = {scope for scope, heading in TEXT_HEADINGS.items() if heading in rendered.body}
    assert in_html == in_text, (in_html, in_text)
    return in_text


def digest_row(contact) -> Notification:
    return Notification.objects.get(kind=DIGEST, recipient_contact=contact)


@pytest.fixture
def week(patient, team_clinician):
    """The person's week: 30 days on Thursday, an open ride, a session the supporter is invited
    to, and what must never reach a supporter (a clinical note, a check-in with a note, numbers
    and use details, a questionnaire score)."""
    patient.recovery_start = date(2026, 2, 17)  # 30 days on Thursday 19 March
    patient.save()
    with time_machine.travel(SUNDAY_EVENING - timedelta(hours=2), tick=False):
        task = help_task_create(
            patient=patient,
            actor=patient.user,
            kind="ride",
            title=TASK_TITLE,
            due_on=date(2026, 3, 19),
        )
    ClinicalNote.objects.create(patient=patient, author=team_clinician, body=CLINICAL_NOTE)
    CheckIn.objects.create(
        patient=patient,
        local_date=date(2026, 3, 14),
        mood=3,
        craving=9,
        stress=8,
        used_since_last=True,
        use_details=USE_DETAILS,
        note=CHECKIN_NOTE,
        sleep_hours=4,
    )
    Assessment.objects.create(
        patient=patient,
        instrument="phq9",
        answers=[2] * 9,
        total=17,
        band="moderately_severe",
        local_date=date(2026, 3, 13),
    )
    starts = datetime(2026, 3, 17, 22, 0, tzinfo=UTC)  # Tuesday 18:00 in New York
    appointment = Appointment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        kind="family_therapy",
        title=APPOINTMENT_TITLE,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    return {"task": task, "appointment": appointment}


def in_new_york(contact):
    contact.user.time_zone = NEW_YORK
    contact.user.save()
    return contact


def consent_row(contact, scopes, **fields) -> Consent:
    """A consent written directly, beside the one in force (so two are in force together)."""
    patient = contact.patient
    data = {
        "purpose": "For the family weekend",
        "signature_method": SignatureMethod.IN_APP,
        "signed_name": patient.legal_name,
        "signed_at": BEFORE,
        "recorded_by": patient.user,
    }
    data.update(fields)
    return Consent.objects.create(
        patient=patient, clinic=patient.clinic, contact=contact, scopes=scopes, **data
    )


def render_now(contact):
    """Plan at Sunday evening and build the text as the outbox would send it then."""
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        digests_plan(SUNDAY_EVENING)
        return digest_render(digest_row(contact))


# --- the consent matrix ---------------------------------------------------------------------


@pytest.mark.parametrize("state", ["active", "expired", "revoked", "missing"])
@pytest.mark.parametrize("scope", SCOPES)
def test_the_digest_holds_exactly_the_consented_parts(patient, contact, week, scope, state):
    in_new_york(contact)
    week["appointment"].network_attendees.add(contact)
    others = [s for s in SCOPES if s != scope]
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, others + ([scope] if state == "active" else []))
        if state == "expired":  # in force until Tuesday 10 March, then over
            consent_row(contact, [scope], expires_on=date(2026, 3, 10))
        if state == "revoked":
            consent_revoke(consent=consent_row(contact, [scope]), actor=patient.user)

    rendered = render_now(contact)

    expected = set(SCOPES) if state == "active" else set(others)
    assert sections(rendered) == expected
    text = rendered.body + rendered.html_body
    assert (TASK_TITLE in text) == ("help_tasks" in expected)
    assert ("30 days" in text) == ("milestones" in expected)
    assert ("Could use extra support" in text) == ("checkin_summary" in expected)
    assert ("Mar 17, 2026, 6:00 PM" in text) == ("appointments" in expected)  # |moment, NY
    assert ("coping plan" in text) == ("coping_plan" in expected)
    # Any consented part carries the redisclosure notice, and a way to send encouragement.
    assert "42 CFR Part 2" in rendered.body and "42 CFR Part 2" in rendered.html_body
    assert "/a/" in rendered.body


@pytest.mark.parametrize("state", ["expired", "revoked", "missing"])
def test_with_nothing_in_force_nothing_is_planned(patient, contact, week, state):
    with time_machine.travel(BEFORE, tick=False):
        if state == "expired":
            consent_row(contact, SCOPES, expires_on=date(2026, 3, 10))
        if state == "revoked":
            consent_revoke(consent=consent_row(contact, SCOPES), actor=patient.user)

    assert run(SUNDAY_EVENING) == "digests=0\n"
    assert not Notification.objects.filter(kind=DIGEST).exists()


def test_no_digest_ever_holds_a_note_a_score_or_anything_clinical(patient, contact, week):
    week["appointment"].network_attendees.add(contact)
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, SCOPES)

    rendered = render_now(contact)

    everything = f"{rendered.subject}\n{rendered.body}\n{rendered.html_body}"
    # A link's random token could spell "phq" by chance: the words are looked for around it.
    everything = re.sub(r"[A-Za-z0-9_:-]{24,}", "TOKEN", everything)
    assert "/a/TOKEN/" in everything
    for secret in (
        CLINICAL_NOTE,
        "ZEBRA",
        CHECKIN_NOTE,
        "ORCHID",
        USE_DETAILS,
        "WALRUS",
        APPOINTMENT_TITLE,
        "therapy",
        "PHQ",
        "score",
        "craving",
        "mood",
        "17.00",
        "moderately",
        patient.clinic.name,
        patient.program.name,
        patient.legal_name,
    ):
        assert secret.lower() not in everything.lower(), secret
    # The subject names only the first name: no clinic, diagnosis, substance or treatment.
    assert rendered.subject == "Your week with Jordan"


def test_seeded_digests_never_hold_anything_clinical():
    from recovery_hub.demo import seed_demo

    demos = seed_demo(clinics=1, patients=4, seed=7)
    seed_digests(demos, None, timezone.localdate())  # until the lead adds it to SEED_STEPS
    # The seed writes clinical notes and check-ins; give every check-in a note and details too.
    CheckIn.objects.update(note=CHECKIN_NOTE, use_details=USE_DETAILS)
    notes = list(ClinicalNote.objects.values_list("body", flat=True))
    assert notes and CheckIn.objects.exists()  # the check below is not empty
    checkin_notes, used = [CHECKIN_NOTE], [USE_DETAILS]
    from networks.models import SupportContact
    from patients.models import Patient, Program

    secrets = notes + checkin_notes + used + list(Program.objects.values_list("name", flat=True))
    secrets += [p.clinic.name for p in Patient.objects.select_related("clinic")]
    digests_plan(datetime.now(UTC))
    rows = Notification.objects.filter(kind=DIGEST).select_related("recipient_contact")
    assert rows.exists()
    rendered_count = 0
    for row in rows:
        try:
            rendered = digest_render(row)
        except SkipMessage:
            continue
        rendered_count += 1
        everything = f"{rendered.subject}\n{rendered.body}\n{rendered.html_body}"
        for secret in secrets:
            assert secret not in everything, secret
        # The notice is in the supporter's language (the demo's sponsor reads Spanish).
        assert ("42 CFR Parte 2" if row.language == "es" else "42 CFR Part 2") in everything
    assert rendered_count
    # Seeded supporters have digests on; nobody without a consent in force was planned.
    for contact in SupportContact.objects.filter(status=ContactStatus.ACTIVE):
        assert contact.digest_subscription.enabled


# --- summary-only, paused, ended, revoked before sending ----------------------------------


def test_summary_only_says_one_short_line_per_scope_and_no_details(patient, contact, week):
    week["appointment"].network_attendees.add(contact)
    PatientEngagement.objects.create(patient=patient, digest_mode=DigestMode.SUMMARY)
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, SCOPES)

    rendered = render_now(contact)

    text = rendered.body
    assert "1 way to help this week" in text
    assert "A milestone is coming up" in text
    assert "A short update on how the week is going" in text
    assert "1 session you are invited to" in text
    assert "Parts of their coping plan are shared with you" in text
    for detail in (TASK_TITLE, "30 days", "Could use extra support", "Mar 17", "Claim it"):
        assert detail not in text and detail not in rendered.html_body, detail
    assert sections(rendered) == set()
    assert f"/support/{patient.pk}/" in text  # the sign-in link
    assert "42 CFR Part 2" in text


def test_a_paused_person_gets_no_digests_planned_or_sent(patient, contact, week):
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, SCOPES)
    engagement = PatientEngagement.objects.create(patient=patient, digest_mode=DigestMode.PAUSED)

    assert run(SUNDAY_EVENING) == "digests=0\n"

    engagement.digest_mode = DigestMode.FULL
    engagement.save()
    assert run(SUNDAY_EVENING) == "digests=1\n"
    engagement.digest_mode = DigestMode.PAUSED
    engagement.save()  # paused after planning: the row is skipped when it is sent
    with pytest.raises(SkipMessage):
        digest_render(digest_row(contact))


def test_a_consent_revoked_after_planning_skips_the_row_at_send_time(patient, contact, week):
    with time_machine.travel(BEFORE, tick=False):
        consent = grant(contact, ["milestones"])
    assert run(SUNDAY_EVENING) == "digests=1\n"

    consent_revoke(consent=consent, actor=patient.user)

    with pytest.raises(SkipMessage, match="No consent"):
        digest_render(digest_row(contact))


def test_a_scope_revoked_after_planning_disappears_from_what_is_sent(patient, contact, week):
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["milestones", "help_tasks"])
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        assert run(SUNDAY_EVENING) == "digests=1\n"
        grant(contact, ["milestones"])  # the new consent replaces the old one

        rendered = digest_render(digest_row(contact))

    assert sections(rendered) == {"milestones"}
    assert TASK_TITLE not in rendered.body


@pytest.mark.parametrize("status", [PatientStatus.DISCHARGED, PatientStatus.ALUMNI])
def test_nothing_for_a_person_no_longer_in_care(patient, contact, week, status):
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["milestones"], expires_on=date(2027, 1, 1), expires_on_event="")
    patient.status = status
    patient.save()

    assert run(SUNDAY_EVENING) == "digests=0\n"


@pytest.mark.parametrize(
    "setup",
    [
        "subscription_off",
        "contact_opt_out",
        "unsubscribed",
        "all_paused",
        "email_off",
        "no_email",
        "contact_paused",
        "contact_invited",
    ],
)
def test_opt_outs_and_settings_are_respected(patient, contact, week, setup):
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, SCOPES)
    preference = NotificationPreference(user=contact.user)
    if setup == "subscription_off":
        DigestSubscription.objects.create(contact=contact, enabled=False)
    elif setup == "contact_opt_out":
        ContactOptOut.objects.create(contact=contact, kind=DIGEST)
    elif setup == "unsubscribed":
        preference.unsubscribed_kinds = [DIGEST]
    elif setup == "all_paused":
        preference.paused = True
    elif setup == "email_off":
        preference.channels = {DIGEST: ["in_app"]}
    elif setup == "no_email":
        contact.email = ""
    elif setup == "contact_paused":
        contact.status = ContactStatus.PAUSED
    elif setup == "contact_invited":
        contact.status = ContactStatus.INVITED
    preference.save()
    contact.save()

    tally = digests_plan(SUNDAY_EVENING)

    assert tally.planned == 0
    assert not Notification.objects.filter(kind=DIGEST).exists()


# --- the command's contract ---------------------------------------------------------------


def test_twice_for_the_same_instant_plans_nothing_new(patient, contact):
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["milestones"])

    assert run(SUNDAY_EVENING) == "digests=1\n"
    assert run(SUNDAY_EVENING) == "digests=0\n"
    row = digest_row(contact)
    assert row.occurrence == f"digest:{contact.pk}:2026-03-15"
    assert row.recipient_key == f"contact:{contact.pk}" and row.channel == "email"


def test_three_missed_weeks_catch_up_with_exactly_one_digest(patient, contact):
    in_new_york(contact)
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["milestones"])
    assert run(datetime(2026, 3, 8, 22, 0, tzinfo=UTC)) == "digests=1\n"

    # No run on 15, 22 or 29 March; the next one, on Monday 30 March, plans the latest only.
    assert run(datetime(2026, 3, 30, 12, 0, tzinfo=UTC)) == "digests=1\n"

    occurrences = sorted(
        Notification.objects.filter(kind=DIGEST).values_list("occurrence", flat=True)
    )
    assert occurrences == [f"digest:{contact.pk}:2026-03-08", f"digest:{contact.pk}:2026-03-29"]


def test_nothing_is_planned_before_the_chosen_time(patient, contact):
    in_new_york(contact)
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["milestones"])
    run(datetime(2026, 3, 8, 22, 0, tzinfo=UTC))  # that week's digest

    # Sunday 15 March 17:59 in New York: this week's is not due yet, last week's was planned.
    assert run(datetime(2026, 3, 15, 21, 59, tzinfo=UTC)) == "digests=0\n"
    assert run(datetime(2026, 3, 15, 22, 0, tzinfo=UTC)) == "digests=1\n"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "local_day", "due_at"),
    [
        # 8 March 2026: clocks go forward; 18:00 is EDT (UTC-4) that evening.
        (utc(2026, 3, 8, 22, 0), "2026-03-08", utc(2026, 3, 8, 22, 0)),
        # 21:30 UTC on 8 March is 17:30 in New York: the week before is still the latest (EST).
        (utc(2026, 3, 8, 21, 30), "2026-03-01", utc(2026, 3, 1, 23, 0)),
        # 1 November 2026: clocks go back; 18:00 is EST (UTC-5) that evening.
        (utc(2026, 11, 1, 23, 0), "2026-11-01", utc(2026, 11, 1, 23, 0)),
        # 22:30 UTC on 1 November is 17:30 EST: not yet, the week before (EDT) is the latest.
        (utc(2026, 11, 1, 22, 30), "2026-10-25", utc(2026, 10, 25, 22, 0)),
    ],
)
def test_sunday_18_00_stays_18_00_in_new_york_across_daylight_saving(
    patient, contact, at, local_day, due_at
):
    in_new_york(contact)
    with time_machine.travel(datetime(2026, 2, 20, tzinfo=UTC), tick=False):
        grant(contact, ["milestones"])

    assert run(at) == "digests=1\n"

    row = digest_row(contact)
    assert row.occurrence == f"digest:{contact.pk}:{local_day}"
    assert row.due_at == due_at
    assert row.due_at.astimezone(contact.patient.zone).time() == time(18, 0)


def test_a_supporter_without_an_account_gets_it_in_the_patients_zone(patient):
    contact = add_supporter(patient, "Robin Rivera", "robin@example.org", account=False)
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["milestones"])
    DigestSubscription.objects.create(
        contact=contact, weekday=Weekday.MONDAY, send_time=time(8, 30)
    )

    assert run(datetime(2026, 3, 16, 12, 35, tzinfo=UTC)) == "digests=1\n"  # 8:35 EDT

    assert digest_row(contact).due_at == datetime(2026, 3, 16, 12, 30, tzinfo=UTC)


def test_latest_due_is_never_later_than_the_instant_and_within_a_week():
    zone = digests.ZoneInfo(NEW_YORK)
    start = datetime(2026, 2, 25, 0, 7, tzinfo=UTC)
    for hour in range(0, 24 * 21, 5):
        at = start + timedelta(hours=hour)
        day, due_at = latest_due(Weekday.SUNDAY, time(18, 0), zone, at)
        assert due_at <= at < due_at + timedelta(days=7, hours=1)
        assert day.weekday() == Weekday.SUNDAY


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01T10:00Z", "2026-03-08T18:00:00", ""])
def test_a_bad_instant_is_a_clear_error(bad):
    with pytest.raises(CommandError, match="--at"):
        call_command("send_digests", "--at", bad, stdout=StringIO())


def test_the_instant_may_carry_an_offset(patient, contact):
    in_new_york(contact)
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["milestones"])
    out = StringIO()
    call_command("send_digests", "--at", "2026-03-15T18:00:00-04:00", stdout=out)
    assert out.getvalue() == "digests=1\n"


def test_without_at_it_plans_for_now(patient, contact):
    in_new_york(contact)
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["milestones"])
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        out = StringIO()
        call_command("send_digests", stdout=out)
    assert out.getvalue() == "digests=1\n"
    assert digest_row(contact).occurrence.endswith("2026-03-15")


def test_the_periodic_task_plans_the_same_way(patient, contact):
    from engagement.tasks import send_digests

    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["milestones"])
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        assert send_digests().startswith("digests=1 ")
        assert send_digests().startswith("digests=0 ")


def test_the_beat_schedule_lists_the_digest_task():
    from recovery_hub.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["engagement-digests"]
    assert entry["task"] == "engagement.tasks.send_digests"
    assert entry["schedule"] <= timedelta(minutes=15)


# --- through the outbox, language, links, audit ------------------------------------------


def test_the_planned_row_discloses_nothing_and_is_sent_after_commit(
    patient, contact, week, django_capture_on_commit_callbacks
):
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, SCOPES)
    with (
        time_machine.travel(SUNDAY_EVENING, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        digests_plan(SUNDAY_EVENING)
        assert mail.outbox == []  # nothing leaves before the commit
        planned = Notification.objects.get(kind="digest")
        for shared in (TASK_TITLE, "30 days"):  # the placeholder says nothing shared
            assert shared not in planned.body and shared not in planned.subject

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["pat@example.org"]
    assert email.subject == "Your week with Jordan"
    for secret in (patient.clinic.name, patient.program.name, CLINICAL_NOTE, CHECKIN_NOTE):
        assert secret not in email.body and secret not in email.subject
    assert "List-Unsubscribe" in email.extra_headers


def test_the_email_sent_is_the_one_built_at_send_time(
    patient, contact, week, django_capture_on_commit_callbacks
):
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, SCOPES)
    with (
        time_machine.travel(SUNDAY_EVENING, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        digests_plan(SUNDAY_EVENING)

    assert TASK_TITLE in mail.outbox[0].body


def test_the_renderer_is_registered_with_the_outbox():
    assert RENDER_AT_SEND[DIGEST] is digest_render


def test_spanish_speaking_supporters_get_it_rendered_in_spanish(patient, contact, week):
    contact.language = "es"
    contact.save()
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["milestones"])
    seen = []
    original = digests.render_digest

    def spy(digest, row=None):
        seen.append(translation.get_language())
        return original(digest, row)

    digests.render_digest = spy
    try:
        rendered = render_now(contact)
    finally:
        digests.render_digest = original

    assert digest_row(contact).language == "es"
    assert seen == ["es"]
    assert '<html lang="es">' in rendered.html_body
    assert "19 mar 2026" in rendered.body  # Thursday 19 March, in the Spanish date style


def test_the_claim_and_encouragement_links_work_without_signing_in(client, patient, contact, week):
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["help_tasks"])
    rendered = render_now(contact)
    claim = re.search(r"Claim it: (\S+)", rendered.body).group(1)
    encourage = rendered.body.split("no sign-in needed:\n", 1)[1].split("\n", 1)[0]

    with time_machine.travel(SUNDAY_EVENING + timedelta(days=1), tick=False):
        assert client.post(urlsplit(claim).path).status_code == 200
        page = client.post(urlsplit(encourage).path, {"message": "Thinking of you this week"})
    week["task"].refresh_from_db()
    assert week["task"].status == HelpStatus.CLAIMED and week["task"].claimed_by == contact
    assert page.status_code == 200
    assert Encouragement.objects.filter(contact=contact, patient=patient).exists()


def test_their_own_claimed_tasks_are_listed_without_a_claim_link(patient, contact, week):
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["help_tasks"])
    HelpTask.objects.filter(pk=week["task"].pk).update(
        status=HelpStatus.CLAIMED, claimed_by=contact
    )

    rendered = render_now(contact)

    assert "You said you would:" in rendered.body and TASK_TITLE in rendered.body
    assert "Claim it" not in rendered.body


def test_sending_a_digest_is_recorded_in_the_audit_trail(patient, contact, week):
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["milestones", "help_tasks"])

    render_now(contact)

    event = AuditEvent.objects.filter(patient=patient, details__digest__isnull=False).get()
    assert event.details["scopes"] == ["help_tasks", "milestones"]
    assert event.object_id == str(contact.pk)


# --- query budget ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 8])
def test_planning_reads_do_not_grow_with_the_number_of_supporters(
    patient, size, django_assert_max_num_queries
):
    with time_machine.travel(BEFORE, tick=False):
        for n in range(size):
            supporter = add_supporter(patient, f"Friend {n}", f"friend{n}@example.org")
            grant(supporter, ["milestones"])
            if n % 2:
                DigestSubscription.objects.create(contact=supporter, weekday=Weekday.SUNDAY)

    with CaptureQueriesContext(connection) as first:
        tally = digests_plan(SUNDAY_EVENING)
    assert tally.planned == size
    reads = [q["sql"] for q in first.captured_queries if q["sql"].startswith("SELECT")]
    # supporters with their patient, clinic, settings and account; consents in force; contact
    # opt-outs; account preferences; what earlier runs planned: five reads, whatever the size.
    # (Writes are one outbox insert per new digest, each in its own savepoint.)
    assert len(reads) == 5, reads

    # A second run reads the same five and writes nothing.
    with django_assert_max_num_queries(5):
        assert digests_plan(SUNDAY_EVENING).planned == 0


# --- demo -----------------------------------------------------------------------------------


def test_seed_digests_turns_digests_on_and_is_idempotent():
    import random

    from recovery_hub.demo import seed_demo

    demos = seed_demo(clinics=1, patients=3, seed=5)
    seed_digests(demos, random.Random(5), date(2026, 3, 15))
    first = list(
        DigestSubscription.objects.order_by("pk").values_list("contact_id", "weekday", "send_time")
    )
    seed_digests(demos, random.Random(5), date(2026, 3, 15))

    from networks.models import SupportContact

    active = SupportContact.objects.filter(
        status=ContactStatus.ACTIVE, patient__in=demos[0].patients
    )
    assert {row[0] for row in first} == set(active.values_list("pk", flat=True))
    assert len({(row[1], row[2]) for row in first}) > 1  # varied days and times
    assert (
        list(
            DigestSubscription.objects.order_by("pk").values_list(
                "contact_id", "weekday", "send_time"
            )
        )
        == first
    )
    assert PatientEngagement.objects.get(patient=demos[0].patients[1]).digest_mode == "summary"


def test_a_series_shows_the_weeks_days_taken_and_still_open(patient, contact, week):
    """A weekly series on the help calendar: the digest lists the days of the coming week this
    supporter took (theirs) and the days still needing someone, not the series once."""
    from networks.help_calendar import claim_slot
    from networks.models import Repeat

    in_new_york(contact)
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, SCOPES)
    with time_machine.travel(SUNDAY_EVENING - timedelta(hours=2), tick=False):
        walks = help_task_create(
            patient=patient,
            actor=patient.user,
            kind="company",
            title="An evening walk",
            due_on=date(2026, 3, 16),
            repeat=Repeat.WEEKLY,
            weekdays=[0, 2],  # Mondays and Wednesdays
            repeat_count=8,
        )
        claim_slot(task=walks, day=date(2026, 3, 18), contact=contact, actor=contact.user)

    rendered = render_now(contact)

    with time_machine.travel(SUNDAY_EVENING, tick=False):
        digest = digests.build_digest(
            contact, frozenset(SCOPES), DigestMode.FULL, contact.zone, links=False
        )
    mine = [(line.title, line.due_on) for line in digest.my_tasks]
    still_open = [(line.title, line.due_on) for line in digest.open_tasks]
    assert mine == [("An evening walk", date(2026, 3, 18))]
    assert ("An evening walk", date(2026, 3, 16)) in still_open
    assert ("An evening walk", date(2026, 3, 18)) not in still_open
    assert ("An evening walk", date(2026, 3, 30)) not in still_open  # beyond the week
    assert "An evening walk" in rendered.body
