"""Until a person joins, what the system sends them works without a sign-in: the check-in
reminder opens a one-action check-in for that day, other links open their invitation (or say
how to get a new one). The same for supporters whose invitation is still open."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from coping.models import CheckIn
from joining import services
from joining.models import PatientInvitation
from networks.models import Relationship
from networks.services import contact_add, invitation_send
from notifications.models import Notification
from notifications.planner import patient_link, supporter_link
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
# 19:00 in Chicago on Thursday 2026-03-12 (CDT, UTC-5): the default check-in reminder time.
REMINDER_AT = datetime(2026, 3, 13, 0, 0, tzinfo=ZoneInfo("UTC"))
CHECKIN = {"mood": "6", "craving": "2", "stress": "4", "used_since_last": "no", "note": ""}


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[1]


@pytest.fixture
def clinician(clinic):
    return member(Role.CLINICIAN, clinic, full_name="Chris Alvarez")


@pytest.fixture
def newcomer(clinic):
    """A person in recovery the clinic recorded, who has no sign-in yet."""
    return PatientFactory(
        clinic=clinic,
        legal_name="Dana Okafor",
        email="dana@example.org",
        time_zone="America/Chicago",
        status="active",
    )


def _reminder_link(patient) -> str:
    call_command("reminders_tick", "--at", REMINDER_AT.isoformat(), stdout=StringIO())
    row = Notification.objects.get(kind="checkin_reminder", patient=patient)
    assert row.link in row.body
    return _path(row.link)


def test_the_check_in_reminder_of_someone_without_a_sign_in_opens_a_check_in(client, newcomer):
    link = _reminder_link(newcomer)

    assert link.startswith("/join/check-in/")
    with time_machine.travel(REMINDER_AT + timedelta(minutes=5), tick=False):
        page = client.get(link)
        assert page.status_code == 200 and "How was today, Dana?" in page.content.decode()
        response = client.post(link, CHECKIN)

    assert response.status_code == 200 and "Thank you, Dana" in response.content.decode()
    checkin = CheckIn.objects.get(patient=newcomer)
    assert checkin.local_date == date(2026, 3, 12) and checkin.mood == 6
    assert checkin.entered_by is None and checkin.on_behalf is False


def test_a_one_action_check_in_works_once(client, newcomer):
    link = _reminder_link(newcomer)
    with time_machine.travel(REMINDER_AT + timedelta(minutes=5), tick=False):
        client.post(link, CHECKIN)
        again = client.post(link, {**CHECKIN, "mood": "1"})

    assert again.status_code == 410 and "already used" in again.content.decode()
    assert CheckIn.objects.get(patient=newcomer).mood == 6


def test_a_check_in_link_opened_the_next_morning_records_the_day_it_was_for(client, newcomer):
    link = _reminder_link(newcomer)
    with time_machine.travel(datetime(2026, 3, 13, 8, 0, tzinfo=CHICAGO), tick=False):
        client.post(link, CHECKIN)

    assert CheckIn.objects.get(patient=newcomer).local_date == date(2026, 3, 12)


def test_a_check_in_link_runs_out_after_the_next_local_day(client, newcomer):
    link = _reminder_link(newcomer)
    with time_machine.travel(datetime(2026, 3, 14, 0, 1, tzinfo=CHICAGO), tick=False):
        response = client.get(link)

    assert response.status_code == 410 and not CheckIn.objects.exists()


def test_a_check_in_link_with_missing_answers_says_which_and_saves_nothing(client, newcomer):
    link = _reminder_link(newcomer)
    with time_machine.travel(REMINDER_AT + timedelta(minutes=5), tick=False):
        response = client.post(link, {"note": "long day"})
        assert response.status_code == 200
        assert "long day" in response.content.decode()  # what was typed is kept
        assert client.get(link).status_code == 200  # and the link still works

    assert not CheckIn.objects.exists()


def test_a_tampered_check_in_link_is_refused(client, newcomer):
    link = _reminder_link(newcomer)

    assert client.get(link[:-4] + "xyz/").status_code == 404


def test_someone_who_joined_gets_the_ordinary_check_in_page(newcomer):
    person = member(Role.PATIENT, newcomer.clinic)
    newcomer.user = person
    newcomer.save()

    assert _reminder_link(newcomer) == "/my-recovery/check-in/"


def test_other_links_open_the_invitation_while_it_is_open(client, newcomer, clinician):
    services.patient_invitation_send(patient=newcomer, actor=clinician)

    response = client.get(_path(patient_link(newcomer, "/my-recovery/progress/")))

    assert response.status_code == 302 and response.url.startswith("/join/")
    assert "Choose your password" in client.get(response.url).content.decode()


def test_after_the_invitation_ran_out_the_person_can_ask_for_a_new_one(
    client, newcomer, clinician, mailoutbox, django_capture_on_commit_callbacks
):
    services.patient_invitation_send(patient=newcomer, actor=clinician)
    link = _path(patient_link(newcomer, "/my-recovery/"))
    later = datetime.now(ZoneInfo("UTC")) + timedelta(days=PatientInvitation.VALID_DAYS + 1)

    with time_machine.travel(later, tick=False):
        page = client.get(link).content.decode()
        assert "Send me a new invitation" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(link)

    assert "d•••@example.org" in response.content.decode()
    assert newcomer.invitations.count() == 2
    assert mailoutbox[-1].to == ["dana@example.org"]  # the address on file, never a typed one


def test_without_any_invitation_the_page_says_to_ask_the_care_team(client, newcomer):
    response = client.get(_path(patient_link(newcomer, "/my-recovery/")))

    assert "Ask your care team" in response.content.decode()
    assert client.post(_path(patient_link(newcomer, "/my-recovery/"))).status_code == 200
    assert not newcomer.invitations.exists()


def test_once_joined_the_link_goes_to_the_page_through_sign_in(client, newcomer):
    link = _path(patient_link(newcomer, "/my-recovery/progress/"))
    person = member(Role.PATIENT, newcomer.clinic)
    newcomer.user = person
    newcomer.save()

    response = client.get(link)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=/my-recovery/progress/" in response.url


def test_a_supporter_with_an_open_invitation_is_sent_to_it(client, newcomer, clinician):
    contact = contact_add(
        patient=newcomer,
        actor=clinician,
        name="Ana Lopez",
        relationship=Relationship.SIBLING,
        email="ana@example.org",
    )
    link = _path(supporter_link(contact, f"/support/{newcomer.pk}/"))
    assert "once you have joined" in client.get(link).content.decode()

    invitation_send(contact=contact, actor=clinician)
    response = client.get(link)

    assert response.status_code == 302 and response.url.startswith("/invite/")


def test_the_planner_gives_a_supporter_without_a_sign_in_the_invitation_link(newcomer, clinician):
    contact = contact_add(
        patient=newcomer,
        actor=clinician,
        name="Ana Lopez",
        relationship=Relationship.SIBLING,
        email="ana@example.org",
    )

    assert "/join/supporter/" in supporter_link(contact, "/support/1/")
    contact.user = member(Role.SUPPORTER, newcomer.clinic)
    assert supporter_link(contact, "/support/1/").endswith("/support/1/")


def test_an_old_check_in_link_changes_nothing_once_the_person_joined(client, newcomer):
    link = _reminder_link(newcomer)
    newcomer.user = member(Role.PATIENT, newcomer.clinic)
    newcomer.save()

    with time_machine.travel(REMINDER_AT + timedelta(minutes=5), tick=False):
        response = client.post(link, CHECKIN)

    assert "already have your own sign-in" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_asking_for_a_new_invitation_after_care_ended_says_to_ask_the_care_team(
    client, newcomer, clinician
):
    services.patient_invitation_send(patient=newcomer, actor=clinician)
    link = _path(patient_link(newcomer, "/my-recovery/"))
    later = datetime.now(ZoneInfo("UTC")) + timedelta(days=PatientInvitation.VALID_DAYS + 1)
    newcomer.status = "discharged"
    newcomer.save()

    with time_machine.travel(later, tick=False):
        response = client.post(link)

    assert response.status_code == 200 and "Ask your care team" in response.content.decode()
    assert newcomer.invitations.count() == 1
