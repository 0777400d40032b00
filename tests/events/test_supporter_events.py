"""Defect 10: a supporter of two people sees each event once, saying whose network the
invitation came through; an answer on that one card is what the card shows."""

import pytest
from django.urls import reverse

from events.models import EventInvitation, Rsvp
from networks.models import ContactStatus, Relationship, SupportContact
from tests.events.conftest import make_event
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_people(clinic, supporter):
    """The supporter supports Maria and Sam (two contact rows, one account)."""
    rows = []
    for name in ("Maria Lopez", "Sam Okafor"):
        person = PatientFactory(clinic=clinic, legal_name=name)
        rows.append(
            SupportContact.objects.create(
                patient=person,
                name="Pat Rivera",
                relationship=Relationship.PARENT,
                status=ContactStatus.ACTIVE,
                user=supporter,
            )
        )
    return rows


def cards(html: str) -> list[str]:
    return html.split('data-testid="invitation-card"')[1:]


def test_an_event_both_are_invited_to_is_listed_once_for_both(
    client, clinic, team_clinician, supporter, two_people
):
    maria, sam = two_people
    workshop = make_event(clinic, team_clinician, title="Family education workshop")
    for row in (maria, sam):
        EventInvitation.objects.create(event=workshop, contact=row)
    client.force_login(supporter)

    html = client.get(reverse("events:index")).content.decode()

    assert html.count("Family education workshop</h2>") == 1
    assert len(cards(html)) == 1
    assert "You are invited as part of the support networks of Maria and Sam." in cards(html)[0]
    assert "Lopez" not in html and "Okafor" not in html  # first names only


def test_different_events_each_say_for_whom(client, clinic, team_clinician, supporter, two_people):
    maria, sam = two_people
    for row, title in ((maria, "Multi-family group"), (sam, "Alumni gathering")):
        event = make_event(clinic, team_clinician, title=title)
        EventInvitation.objects.create(event=event, contact=row)
    client.force_login(supporter)

    html = client.get(reverse("events:index")).content.decode()

    by_title = {card.split("</h2>")[0].rsplit(">", 1)[1]: card for card in cards(html)}
    assert set(by_title) == {"Multi-family group", "Alumni gathering"}
    assert "You are invited as part of Maria's support network." in by_title["Multi-family group"]
    assert "You are invited as part of Sam's support network." in by_title["Alumni gathering"]


def test_the_card_shows_and_changes_the_answer_given(
    client, clinic, team_clinician, supporter, two_people
):
    maria, sam = two_people
    workshop = make_event(clinic, team_clinician, title="Family education workshop")
    EventInvitation.objects.create(event=workshop, contact=maria)
    answered = EventInvitation.objects.create(event=workshop, contact=sam)
    client.force_login(supporter)
    client.post(reverse("events:rsvp", args=[answered.pk]), {"rsvp": Rsvp.YES})

    html = client.get(reverse("events:index")).content.decode()

    card = cards(html)[0]
    assert '<strong data-testid="my-rsvp">Yes</strong>' in card
    assert reverse("events:rsvp", args=[answered.pk]) in card


def test_a_patient_sees_no_for_whom_line(client, person, patient_invitation):
    client.force_login(person)

    html = client.get(reverse("events:index")).content.decode()

    assert len(cards(html)) == 1
    assert 'data-testid="invited-for"' not in html


@pytest.mark.parametrize("people", [2, 12])
def test_the_list_costs_the_same_queries_for_more_people_and_events(
    client, clinic, team_clinician, supporter, django_assert_max_num_queries, people
):
    shared = make_event(clinic, team_clinician, title="Shared group", capacity=40)
    for n in range(people):
        person = PatientFactory(clinic=clinic)
        row = SupportContact.objects.create(
            patient=person,
            name="Pat",
            relationship="friend",
            status=ContactStatus.ACTIVE,
            user=supporter,
        )
        EventInvitation.objects.create(event=shared, contact=row)
        own = make_event(clinic, team_clinician, title=f"Group {n}")
        EventInvitation.objects.create(event=own, contact=row)
    client.force_login(supporter)

    # session, user, memberships (middleware); the invitations with their events and people
    # (one query); the audit event; room for the layout's own reads.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:index"))

    assert len(response.context["invited"]) == people + 1
