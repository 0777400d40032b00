"""The network page: the table, the picture, expiring consents, encouragement moderation, and a
query count that does not grow with the network."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from networks.models import ContactStatus, Invitation, ReachOut, SupportContact
from networks.selectors import encouragements_for_patient
from networks.services import (
    consent_grant,
    contact_set_status,
    encouragement_send,
    help_task_claim,
    help_task_create,
    invitation_send,
)

pytestmark = pytest.mark.django_db


def network_url(patient) -> str:
    return reverse("networks:network", args=[patient.pk])


def grant(contact, person, scopes, **extra):
    data = {
        "purpose": "Support",
        "signed_name": "Jordan Rivera",
        "signature_method": "in_app",
        "expires_on_event": "discharge",
    } | extra
    return consent_grant(contact=contact, actor=person, scopes=scopes, **data)


def add(patient, name, relationship="friend", status=ContactStatus.ACTIVE, **fields):
    return SupportContact.objects.create(
        patient=patient,
        name=name,
        relationship=relationship,
        status=status,
        preferred_channel="in_app",
        **fields,
    )


def test_the_table_shows_each_person_with_what_is_shared(client, patient, person, contact):
    grant(contact, person, ["milestones", "help_tasks"])
    ReachOut.objects.create(
        contact=contact,
        patient=patient,
        channel="call",
        happened_on=patient.local_today() - timedelta(days=2),
    )
    task = help_task_create(patient=patient, actor=person, kind="call", title="Call me")
    help_task_claim(task=task, contact=contact)
    add(patient, "Lee Chen", "sponsor", status=ContactStatus.INVITED)
    client.force_login(person)

    response = client.get(network_url(patient))

    assert response.status_code == 200
    html = response.content.decode()
    rows = html.split('data-testid="contact-row"')[1:]
    pat = next(r for r in rows if "Pat Rivera" in r)
    assert "Parent" in pat and "Milestones to celebrate" in pat
    assert "How they can help (tasks)" in pat and "When I am discharged" in pat
    assert "1 claimed · 0 done" in pat
    lee = next(r for r in rows if "Lee Chen" in r)
    assert "Nothing is shared" in lee and "Sponsor" in lee
    assert "My network" in html  # the plain layout of the person in recovery


def test_a_consent_ending_within_14_days_is_flagged(client, patient, person, contact):
    grant(
        contact,
        person,
        ["milestones"],
        expires_on=patient.local_today() + timedelta(days=10),
        expires_on_event="",
    )
    later = add(patient, "Lee Chen")
    grant(
        later,
        person,
        ["milestones"],
        expires_on=patient.local_today() + timedelta(days=60),
        expires_on_event="",
    )
    client.force_login(person)

    html = client.get(network_url(patient)).content.decode()

    flagged = [r for r in html.split('data-testid="contact-row"')[1:] if "expires-soon" in r]
    assert len(flagged) == 1 and "Pat Rivera" in flagged[0]
    assert "Expires within 14 days" in flagged[0]


def test_the_picture_is_accessible_and_shows_who_has_a_consent(
    client, patient, person, team_clinician, contact
):
    grant(contact, person, ["milestones"])
    add(patient, "Lee Chen", "sponsor")
    gone = add(patient, "Max Roy", "friend")
    contact_set_status(contact=gone, status=ContactStatus.REMOVED, actor=team_clinician)
    client.force_login(team_clinician)

    html = client.get(network_url(patient)).content.decode()

    svg = re.search(r"<svg [^>]*role=\"img\".*?</svg>", html, re.S).group(0)
    assert 'aria-labelledby="network-title network-desc"' in svg
    assert '<title id="network-title">The support network of Jordan Rivera</title>' in svg
    desc = re.search(r"<desc id=\"network-desc\">(.*?)</desc>", svg, re.S).group(1)
    assert "with 2 people around them" in desc
    assert "Family: Pat Rivera (Parent, a consent is in force)" in desc
    assert "Recovery community: Lee Chen (Sponsor, nothing shared now)" in desc
    assert "Max Roy" not in svg  # removed people are in the table, not the picture
    nodes = re.findall(r'data-testid="network-node" data-sharing="(\w+)"', svg)
    assert sorted(nodes) == ["no", "yes"]
    assert "<script" not in html.split('id="main-content"')[1]
    assert " on" + "click=" not in html


def test_the_picture_numbers_do_not_follow_the_language(client, patient, person, contact):
    # Coordinates must stay "12.5" in every language (Spanish would write "12,5").
    client.force_login(person)
    client.post(reverse("set_language"), {"language": "es"})

    html = client.get(network_url(patient)).content.decode()

    svg = re.search(r"<svg [^>]*role=\"img\".*?</svg>", html, re.S).group(0)
    assert not re.search(r'(?:x|y|x2|y2|cx|cy)="\d+,\d', svg)


def test_staff_see_the_page_in_the_chart(client, patient, team_clinician, contact):
    client.force_login(team_clinician)

    html = client.get(network_url(patient)).content.decode()

    assert 'data-testid="chart-header"' in html
    assert re.search(r'class="nav-link active" aria-current="page" href="[^"]+">Network', html)


def test_hiding_an_encouragement_removes_it_from_the_patients_view(
    client, patient, person, team_clinician, contact
):
    grant(contact, person, ["milestones"])
    kind = encouragement_send(contact=contact, message="So proud of you")
    rude = encouragement_send(contact=contact, message="You should try harder")
    client.force_login(team_clinician)

    response = client.post(
        reverse("networks:encouragement_hide", args=[patient.pk, rude.pk]), follow=True
    )

    assert "The message is hidden." in response.content.decode()
    assert list(encouragements_for_patient(patient)) == [kind]
    staff_html = response.content.decode()
    assert "You should try harder" in staff_html and "Hidden by Chris Alvarez" in staff_html
    client.force_login(person)
    own_html = client.get(network_url(patient)).content.decode()
    assert "So proud of you" in own_html and "You should try harder" not in own_html


def test_the_person_in_recovery_may_hide_a_message_too(client, patient, person, contact):
    grant(contact, person, ["milestones"])
    note = encouragement_send(contact=contact, message="Call me back now")
    client.force_login(person)

    client.post(reverse("networks:encouragement_hide", args=[patient.pk, note.pk]))

    note.refresh_from_db()
    assert note.hidden_by == person


def test_an_empty_network_invites_to_add_someone(client, patient, person):
    client.force_login(person)

    html = client.get(network_url(patient)).content.decode()

    assert 'data-testid="network-empty"' in html
    assert reverse("networks:contact_new", args=[patient.pk]) in html


def build_network(patient, person, team_clinician, size: int) -> None:
    relationships = ["parent", "friend", "sponsor", "professional", "sibling"]
    for n in range(size):
        contact = add(
            patient,
            f"Person {n:02d}",
            relationships[n % 5],
            email=f"p{n}@example.org",
            offers=["car"],
        )
        grant(contact, person, ["milestones", "help_tasks"])
        invitation_send(contact=contact, actor=team_clinician)
        ReachOut.objects.create(
            contact=contact, patient=patient, channel="visit", happened_on=patient.local_today()
        )
        encouragement_send(contact=contact, message=f"Go {n}")
        task = help_task_create(patient=patient, actor=person, kind="ride", title=f"Ride {n}")
        help_task_claim(task=task, contact=contact)


# The staff network page: session, user (twice: sign-in and clinic middleware) and membership
# (4), the patient and the care-team check (2), the audit event (1), the chart header's alert
# count (1), network_of: contacts with their counts, and open consents (2), pending invitations
# (1), encouragements (1). None of them is per contact.
NETWORK_PAGE_QUERIES = 12
# The help page: the same first 7, open and claimed tasks (1), done tasks (1), network_of (2),
# plus the chart header (1).
HELP_PAGE_QUERIES = 12


@pytest.mark.parametrize("size", [3, 50])
def test_network_page_queries_do_not_grow_with_the_network(
    client, patient, person, team_clinician, size, django_assert_max_num_queries
):
    build_network(patient, person, team_clinician, size)
    client.force_login(team_clinician)

    with django_assert_max_num_queries(NETWORK_PAGE_QUERIES):
        response = client.get(network_url(patient))

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="contact-row"') == size
    assert response.content.decode().count('data-testid="network-node"') == size


@pytest.mark.parametrize("size", [3, 50])
def test_help_page_queries_do_not_grow_with_the_network(
    client, patient, person, team_clinician, size, django_assert_max_num_queries
):
    build_network(patient, person, team_clinician, size)
    help_task_create(patient=patient, actor=person, kind="ride", title="Open ride")
    client.force_login(team_clinician)

    with django_assert_max_num_queries(HELP_PAGE_QUERIES):
        response = client.get(reverse("networks:help_tasks", args=[patient.pk]))

    assert response.status_code == 200
    assert len(response.context["open_tasks"][0].suggestions) == size


def test_expired_invitations_say_so(client, patient, person, contact, team_clinician):
    contact.user, contact.status = None, ContactStatus.INVITED
    contact.save()
    invitation = invitation_send(contact=contact, actor=team_clinician)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=invitation.created_at - timedelta(days=1)
    )
    client.force_login(person)

    html = client.get(network_url(patient)).content.decode()

    assert "Invitation expired on" in html and "Resend invitation" in html


def test_a_consent_ended_by_discharge_shows_as_ended(client, patient, person, contact):
    grant(contact, person, ["milestones"])
    patient.status = "discharged"
    patient.save()
    client.force_login(person)

    html = client.get(network_url(patient)).content.decode()

    assert 'data-testid="consent-ended"' in html
    assert re.findall(r'data-testid="network-node" data-sharing="(\w+)"', html) == ["no"]
