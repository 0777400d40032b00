"""The celebration kit: the heads-up asks for a message, supporters write it (link or portal),
the person or the care team approves it, and on the day the approved ones arrive as a card."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from engagement.celebrations import celebrate_link, digest, flag_reasons, flag_terms, milestone_of
from engagement.models import ActionLink, CelebrationMessage, CelebrationStatus
from engagement.services import celebration_write
from networks.models import ContactStatus
from networks.services import consent_revoke
from notifications.models import Notification
from notifications.planner import plan
from patients.models import Patient, TeamRole
from patients.services import care_team_add
from tests.engagement.conftest import add_supporter, grant
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
START = date(2026, 2, 18)  # 30 days on Friday 2026-03-20; the heads-up on the 17th
DAY = date(2026, 3, 20)
NINE_ON_THE_DAY = datetime(2026, 3, 20, 13, 0, tzinfo=UTC)  # 9:00 EDT in New York


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def clock():
    """Monday 2026-03-16, noon in New York: the 30-day milestone is four days away."""
    with time_machine.travel(utc("2026-03-16T16:00:00Z"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def milestone_patient(clock, patient) -> Patient:
    Patient.objects.filter(pk=patient.pk).update(recovery_start=START)
    patient.refresh_from_db()
    return patient


@pytest.fixture
def pat(milestone_patient, contact):
    """Pat, an active supporter with an account in New York, sharing milestones."""
    contact.user.time_zone = "America/New_York"
    contact.user.save()
    grant(contact, ["milestones"])
    return contact


def write(contact, text: str, status: str = CelebrationStatus.PENDING) -> CelebrationMessage:
    note = celebration_write(contact=contact, key="30d", day=DAY, message=text)
    if status != CelebrationStatus.PENDING:
        CelebrationMessage.objects.filter(pk=note.pk).update(status=status)
        note.refresh_from_db()
    return note


def path_of(url: str) -> str:
    return urlsplit(url).path


# --- flagging ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So proud of you, Jordan!", []),
        ("Let's grab a DRINK to celebrate!", ["drink"]),
        ("No more booze, no more pills.", ["booze", "pills"]),
        ("Beer, beer and more BEER", ["beer"]),
        ("You're clean now and no drinks", ["clean", "drinks"]),
        ("Looking clean-shaven and sharp", []),  # a harmless compound: not flagged
        ("Drug-free for a month", ["drug"]),  # a hyphen separates words: flagged
        ("High five! See you at the high school reunion", []),
        ("You must feel so high", ["high"]),
        ("Even when you fell   off the\nwagon, we knew", ["fell off the wagon"]),
        ("once an addict's life, now yours", ["addict"]),
        ("Sobering thoughts, a winery tour, cleanly done", []),  # whole words only
        ("\uff22\uff45\uff45\uff52 later?", ["beer"]),  # full-width letters
        ("_beer_ and *wine*", ["beer", "wine"]),
        ("no junk\u200bie talk", ["junkie"]),  # a zero-width space inside the word
        ("You didn\u2019t relapse, you grew", ["relapse"]),
        ("You are not a failure", ["failure"]),
    ],
)
def test_flag_terms(text, expected):
    assert flag_terms(text) == expected


def test_flag_reasons_group_words_by_why():
    reasons = dict(flag_reasons(["clean", "beer", "junkie"]))
    assert reasons == {
        "mentions alcohol, drugs or treatment": ["beer"],
        "words that can sound like blame or shame": ["clean", "junkie"],
    }


# --- asking for a message -----------------------------------------------------------------------


def test_the_heads_up_carries_a_link_to_write_a_message(client, clock, milestone_patient, pat):
    clock.move_to(utc("2026-03-17T13:00:00Z"))  # 9:00 in New York, three days before
    plan(utc("2026-03-17T13:00:00Z"))

    row = Notification.objects.get(kind="milestone_heads_up", recipient_contact=pat)
    links = re.findall(r"https?://\S+/a/\S+/", row.body)
    assert len(links) == 1
    assert "Harbor" not in row.subject + row.body and "30" not in row.subject
    link = ActionLink.objects.get()
    assert link.target == {"key": "30d", "date": "2026-03-20"}
    assert link.expires_at == datetime(2026, 3, 21, 4, 0, tzinfo=UTC)  # the day's end, EDT

    plan(utc("2026-03-17T13:30:00Z"))  # the same window again: nothing new, no new link
    assert ActionLink.objects.count() == 1

    url = path_of(links[0])
    page = client.get(url)
    assert page.status_code == 200 and "Write a message for the day" in page.content.decode()
    empty = client.post(url, {"message": "  "})
    assert "This field is required" in empty.content.decode()
    done = client.post(url, {"message": "Thirty days! Let's get drinks."})
    assert 'data-testid="action-done"' in done.content.decode()
    note = CelebrationMessage.objects.get()
    assert (note.contact, note.milestone_key, note.milestone_date) == (pat, "30d", DAY)
    assert note.status == CelebrationStatus.PENDING and note.flags == ["drinks"]
    assert AuditEvent.objects.filter(
        object_type="engagement.CelebrationMessage", action="create", patient=milestone_patient
    ).exists()
    assert client.post(url, {"message": "again"}).status_code == 410  # single use


def test_a_link_for_a_revoked_consent_does_nothing(client, milestone_patient, pat):
    url = path_of(celebrate_link(pat, milestone_of(milestone_patient, "30d", DAY)))
    consent_revoke(consent=pat.consents.get(), actor=milestone_patient.user)

    page = client.post(url, {"message": "Proud of you"})

    assert page.status_code == 410 and 'data-testid="link-not_shared"' in page.content.decode()
    assert not CelebrationMessage.objects.exists()


def test_a_supporter_without_milestones_consent_cannot_write(client, milestone_patient, contact):
    grant(contact, ["help_tasks"])
    client.force_login(contact.user)

    portal = client.get(reverse("networks:supporter_patient", args=[milestone_patient.pk]))
    assert 'data-testid="section-celebrations"' not in portal.content.decode()
    url = reverse("engagement:celebration_write", args=[milestone_patient.pk, "30d", "2026-03-20"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"message": "Proud of you"}).status_code == 404
    link = path_of(celebrate_link(contact, milestone_of(milestone_patient, "30d", DAY)))
    assert client.post(link, {"message": "Proud of you"}).status_code == 410
    assert not CelebrationMessage.objects.exists()


def test_writing_from_the_portal_and_editing_while_it_waits(client, milestone_patient, pat):
    client.force_login(pat.user)
    portal = client.get(reverse("networks:supporter_patient", args=[milestone_patient.pk]))
    html = portal.content.decode()
    assert 'data-testid="section-celebrations"' in html and "Write a message" in html
    url = reverse("engagement:celebration_write", args=[milestone_patient.pk, "30d", "2026-03-20"])

    assert client.get(url).status_code == 200
    too_long = client.post(url, {"message": "x" * 501})
    assert too_long.status_code == 200 and "at most 500 characters" in too_long.content.decode()
    assert client.post(url, {"message": "So proud of you"}).status_code == 302
    assert client.post(url, {"message": "So proud. Clean living!"}).status_code == 302
    note = CelebrationMessage.objects.get()
    assert note.message == "So proud. Clean living!" and note.flags == ["clean"]
    assert note.status == CelebrationStatus.PENDING

    CelebrationMessage.objects.filter(pk=note.pk).update(status=CelebrationStatus.DECLINED)
    locked = client.get(url).content.decode()
    assert 'data-testid="celebration-reviewed"' in locked and "<textarea" not in locked
    client.post(url, {"message": "changed after review"})
    assert CelebrationMessage.objects.get().message == "So proud. Clean living!"
    # the supporter is never told whether it was declined
    portal = client.get(reverse("networks:supporter_patient", args=[milestone_patient.pk]))
    assert "has been read" in portal.content.decode()
    assert "Not shown" not in portal.content.decode()


@pytest.mark.parametrize("day", ["2026-03-21", "2026-03-19", "2026-13-01", "x"])
def test_a_day_that_is_not_the_milestone_is_not_found(client, milestone_patient, pat, day):
    client.force_login(pat.user)
    url = reverse("engagement:celebration_write", args=[milestone_patient.pk, "30d", day])
    assert client.get(url).status_code == 404


def test_a_past_milestone_is_closed_for_messages(client, clock, milestone_patient, pat):
    clock.move_to(utc("2026-03-21T13:00:00Z"))
    client.force_login(pat.user)
    url = reverse("engagement:celebration_write", args=[milestone_patient.pk, "30d", "2026-03-20"])
    assert client.post(url, {"message": "Late but proud"}).status_code == 404
    assert not CelebrationMessage.objects.exists()


# --- reviewing ----------------------------------------------------------------------------------


def review(client, patient, note, decision, seen=None):
    url = reverse("engagement:celebration_review", args=[patient.pk, note.pk])
    return client.post(url, {"decision": decision, "seen": seen or digest(note.message)})


def test_the_review_page_highlights_flagged_messages(client, milestone_patient, pat, person):
    sam = add_supporter(milestone_patient, "Sam Lee", "sam@example.org")
    grant(sam, ["milestones"])
    write(pat, "Time for a beer!")
    write(sam, "So proud of you")
    client.force_login(person)

    page = client.get(reverse("engagement:my_celebrations"), follow=True)

    html = page.content.decode()
    assert html.count('data-flagged="true"') == 1
    assert "mentions alcohol, drugs or treatment" in html and "“beer”" in html
    assert "From Pat Rivera" in html and "From Sam Lee" in html


def test_approval_by_the_patient_or_the_care_team_only(
    client, milestone_patient, pat, person, team_clinician, clinic, clinic_admin
):
    note = write(pat, "So proud of you")

    client.force_login(clinic_admin)  # reads the page, may not decide
    page = client.get(reverse("engagement:celebrations", args=[milestone_patient.pk]))
    assert page.status_code == 200 and "Approve" not in page.content.decode()
    assert review(client, milestone_patient, note, "approve").status_code == 404
    note.refresh_from_db()
    assert note.status == CelebrationStatus.PENDING

    client.force_login(team_clinician)
    assert review(client, milestone_patient, note, "approve").status_code == 302
    note.refresh_from_db()
    assert note.status == CelebrationStatus.APPROVED and note.reviewed_by == team_clinician

    client.force_login(person)  # the person changes their mind
    review(client, milestone_patient, note, "decline")
    note.refresh_from_db()
    assert note.status == CelebrationStatus.DECLINED and note.reviewed_by == person
    decisions = (
        AuditEvent.objects.filter(object_type="engagement.CelebrationMessage", action="update")
        .order_by("pk")
        .values_list("details", flat=True)
    )
    assert [d["decision"] for d in decisions] == ["approved", "declined"]


def test_bad_review_input_is_a_message_not_an_error(client, milestone_patient, pat, person):
    note = write(pat, "So proud of you")
    client.force_login(person)

    odd = review(client, milestone_patient, note, "maybe")
    assert odd.status_code == 302
    stale = review(client, milestone_patient, note, "approve", seen="0" * 16)  # text changed
    assert stale.status_code == 302
    page = client.get(stale.url).content.decode()
    assert "changed after you opened the page" in page
    note.refresh_from_db()
    assert note.status == CelebrationStatus.PENDING


def test_nobody_outside_the_patient_and_team_reaches_the_pages(
    client, milestone_patient, pat, clinic, other_clinic
):
    note = write(pat, "So proud of you")
    elsewhere = member(Role.CLINICIAN, other_clinic)
    colleague = member(Role.CLINICIAN, clinic)  # same clinic, not on the care team
    other_person = member(Role.PATIENT, clinic)
    PatientFactory(clinic=clinic, user=other_person)
    urls = [
        reverse("engagement:celebrations", args=[milestone_patient.pk]),
        reverse("engagement:celebration_card", args=[milestone_patient.pk, "30d", "2026-03-20"]),
    ]
    for user in (elsewhere, colleague, other_person, pat.user):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert review(client, milestone_patient, note, "approve").status_code == 404
    note.refresh_from_db()
    assert note.status == CelebrationStatus.PENDING


def test_a_message_of_another_patient_is_not_found(
    client, milestone_patient, pat, clinic, team_clinician
):
    note = write(pat, "So proud of you")
    other = PatientFactory(clinic=clinic)
    care_team_add(
        patient=other,
        clinician=team_clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
        actor=team_clinician,
    )
    client.force_login(team_clinician)  # on both care teams: the message is not the other's
    url = reverse("engagement:celebration_review", args=[other.pk, note.pk])
    assert (
        client.post(url, {"decision": "approve", "seen": digest(note.message)}).status_code == 404
    )
    note.refresh_from_db()
    assert note.status == CelebrationStatus.PENDING


# --- the day ----------------------------------------------------------------------------------


@pytest.fixture
def three_notes(milestone_patient, pat):
    sam = add_supporter(milestone_patient, "Sam Lee", "sam@example.org")
    kim = add_supporter(milestone_patient, "Kim Osei", "kim@example.org")
    ray = add_supporter(milestone_patient, "Ray Park", "ray@example.org")
    for contact in (sam, kim, ray):
        grant(contact, ["milestones"])
    write(pat, "Thirty days. So proud of you!", CelebrationStatus.APPROVED)
    write(sam, "You inspire me every day.", CelebrationStatus.APPROVED)
    write(kim, "A DECLINED MESSAGE", CelebrationStatus.DECLINED)
    write(ray, "A PENDING MESSAGE")


def test_the_card_arrives_at_nine_on_the_day_once(
    clock, milestone_patient, three_notes, person, django_capture_on_commit_callbacks
):
    clock.move_to(NINE_ON_THE_DAY - timedelta(minutes=1))
    plan(NINE_ON_THE_DAY - timedelta(minutes=1))
    assert not Notification.objects.filter(kind="celebration_card").exists()

    clock.move_to(NINE_ON_THE_DAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        plan(NINE_ON_THE_DAY)
    plan(NINE_ON_THE_DAY + timedelta(minutes=30))

    cards = Notification.objects.filter(kind="celebration_card").order_by("channel")
    assert [(row.channel, row.recipient_user_id) for row in cards] == [
        ("email", person.pk),
        ("in_app", person.pk),
    ]
    assert all(row.due_at == NINE_ON_THE_DAY for row in cards)
    assert cards[0].occurrence == f"celebration:{milestone_patient.pk}:30d:2026-03-20"
    (email,) = [m for m in mail.outbox if "Messages for your 30 days" in m.subject]
    assert email.to == [person.email] and "2 people who care about you" in email.body
    assert f"/patients/{milestone_patient.pk}/celebrations/30d/2026-03-20/" in email.body


def test_the_card_page_shows_the_approved_messages_only(
    client, clock, milestone_patient, three_notes, person, team_clinician
):
    url = reverse("engagement:celebration_card", args=[milestone_patient.pk, "30d", "2026-03-20"])
    client.force_login(person)
    before = client.get(url).content.decode()  # before the day: the card is closed
    assert 'data-testid="card-not-yet"' in before and "So proud" not in before

    clock.move_to(NINE_ON_THE_DAY)
    for user in (person, team_clinician):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert html.count('data-testid="card-note"') == 2
        assert "Thirty days. So proud of you!" in html and "Pat Rivera" in html
        assert "Sam Lee" in html
        assert "DECLINED" not in html and "PENDING" not in html
        assert "css/celebrations." in html and "data-print" in html  # printable
    css = Path(settings.BASE_DIR, "static/css/celebrations.css").read_text()
    assert "@media print" in css


def test_a_message_approved_later_that_day_is_on_the_card_and_sends_it(
    client, clock, milestone_patient, pat, person
):
    note = write(pat, "Proud of you")
    clock.move_to(NINE_ON_THE_DAY)
    plan(NINE_ON_THE_DAY)  # nothing approved at 9:00: no card message
    assert not Notification.objects.filter(kind="celebration_card").exists()

    clock.move_to(NINE_ON_THE_DAY + timedelta(hours=5))
    client.force_login(person)
    review(client, milestone_patient, note, "approve")

    assert Notification.objects.filter(kind="celebration_card").count() == 2
    plan(NINE_ON_THE_DAY + timedelta(hours=5))
    assert Notification.objects.filter(kind="celebration_card").count() == 2
    url = reverse("engagement:celebration_card", args=[milestone_patient.pk, "30d", "2026-03-20"])
    assert "Proud of you" in client.get(url).content.decode()


def test_no_card_when_a_setback_moved_the_recovery_start(clock, milestone_patient, three_notes):
    Patient.objects.filter(pk=milestone_patient.pk).update(recovery_start=date(2026, 3, 10))
    clock.move_to(NINE_ON_THE_DAY)
    plan(NINE_ON_THE_DAY)
    assert not Notification.objects.filter(kind="celebration_card").exists()


def test_a_removed_supporters_message_leaves_the_card(client, clock, milestone_patient, pat):
    write(pat, "Proud of you", CelebrationStatus.APPROVED)
    pat.status = ContactStatus.REMOVED
    pat.save()
    clock.move_to(NINE_ON_THE_DAY)
    plan(NINE_ON_THE_DAY)
    assert not Notification.objects.filter(kind="celebration_card").exists()
    client.force_login(milestone_patient.user)
    url = reverse("engagement:celebration_card", args=[milestone_patient.pk, "30d", "2026-03-20"])
    assert "Proud of you" not in client.get(url).content.decode()


def test_the_home_page_points_to_waiting_messages_and_cards(
    client, clock, milestone_patient, three_notes, person
):
    client.force_login(person)
    home = client.get(reverse("patients:patient_home")).content.decode()
    assert "1 message from your supporters is waiting" in home
    clock.move_to(NINE_ON_THE_DAY)
    client.force_login(person)  # a new session: the first one timed out meanwhile
    home = client.get(reverse("patients:patient_home")).content.decode()
    assert "Your card for 30 days" in home


def test_the_chart_links_to_the_review_page(client, milestone_patient, team_clinician):
    client.force_login(team_clinician)
    chart = client.get(reverse("patients:chart", args=[milestone_patient.pk])).content.decode()
    assert reverse("engagement:celebrations", args=[milestone_patient.pk]) in chart


# --- query budgets ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_pages_do_not_grow_with_messages(
    client, clock, milestone_patient, person, team_clinician, django_assert_max_num_queries, size
):
    for number in range(size):
        supporter = add_supporter(milestone_patient, f"Friend {number}", f"f{number}@example.org")
        grant(supporter, ["milestones"])
        note = write(supporter, f"Message {number} with a beer")
        if number % 2:
            CelebrationMessage.objects.filter(pk=note.pk).update(
                status=CelebrationStatus.APPROVED, reviewed_by=team_clinician
            )
    clock.move_to(NINE_ON_THE_DAY)
    review_url = reverse("engagement:celebrations", args=[milestone_patient.pk])
    card_url = reverse(
        "engagement:celebration_card", args=[milestone_patient.pk, "30d", "2026-03-20"]
    )

    client.force_login(person)
    # session, user, memberships; the person's record; the audit event; pending, reviewed and
    # the cards (one each)
    with django_assert_max_num_queries(9):
        assert client.get(review_url).status_code == 200
    # session, user, memberships; the person's record; the audit event; the messages
    with django_assert_max_num_queries(7):
        assert client.get(card_url).status_code == 200
    client.force_login(team_clinician)
    # as above, plus the chart's access rules (care team, emergency access) and its header
    # (the next milestone, open alerts)
    with django_assert_max_num_queries(14):
        assert client.get(review_url).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_supporter_block_does_not_grow(
    client, milestone_patient, pat, django_assert_max_num_queries, size
):
    write_for = milestone_of(milestone_patient, "30d", DAY)
    CelebrationMessage.objects.create(
        patient=milestone_patient,
        contact=pat,
        milestone_key="30d",
        milestone_date=write_for.date,
        message="hi",
    )
    for number in range(size):
        other = add_supporter(milestone_patient, f"Friend {number}", f"f{number}@example.org")
        CelebrationMessage.objects.create(
            patient=milestone_patient,
            contact=other,
            milestone_key="30d",
            milestone_date=write_for.date,
            message="hello",
        )
    from engagement.templatetags.celebration_tags import supporter_celebrations
    from networks.selectors import supporter_view

    view = supporter_view(pat)
    with django_assert_max_num_queries(1):  # the supporter's own messages, one query
        context = supporter_celebrations(view)
    assert [item["note"] is not None for item in context["milestones"]] == [True]


# --- demo ---------------------------------------------------------------------------------------


def test_seed_celebrations_is_idempotent():
    import random

    from django.utils import timezone

    from engagement.demo import seed_celebrations
    from recovery_hub.demo import seed_demo

    demos = seed_demo(clinics=1, patients=5, seed=7)
    today = timezone.localdate()  # the demo's own "today", as seed_demo uses
    seed_celebrations(demos, random.Random(1), today)
    first = list(CelebrationMessage.objects.values_list("message", "status", "milestone_date"))
    seed_celebrations(demos, random.Random(1), today)
    assert (
        list(CelebrationMessage.objects.values_list("message", "status", "milestone_date")) == first
    )
    pending = CelebrationMessage.objects.filter(status=CelebrationStatus.PENDING)
    assert pending.count() == 2 and sum(bool(n.flags) for n in pending) == 1
    assert (
        CelebrationMessage.objects.filter(
            status=CelebrationStatus.APPROVED, milestone_date__gt=today
        ).count()
        == 1
    )
    assert CelebrationMessage.objects.filter(
        status=CelebrationStatus.APPROVED, milestone_date__lt=today
    ).exists()


def test_a_card_planned_before_a_discharge_is_not_sent(clock, milestone_patient, three_notes):
    from notifications.outbox import still_wanted

    clock.move_to(NINE_ON_THE_DAY)
    plan(NINE_ON_THE_DAY)
    row = Notification.objects.filter(kind="celebration_card").first()
    Patient.objects.filter(pk=milestone_patient.pk).update(status="discharged")
    row.refresh_from_db()
    assert still_wanted(row)


def test_a_reviewed_message_cannot_be_rewritten_even_through_a_link(client, milestone_patient, pat):
    write(pat, "So proud of you", CelebrationStatus.APPROVED)
    url = path_of(celebrate_link(pat, milestone_of(milestone_patient, "30d", DAY)))

    page = client.post(url, {"message": "Changed after approval"})

    assert "already reviewed" in page.content.decode()
    assert CelebrationMessage.objects.get().message == "So proud of you"
    assert ActionLink.objects.get().used_at is None  # refused: the link stays usable
