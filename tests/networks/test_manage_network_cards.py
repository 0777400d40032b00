"""The network page as cards: one per person with its actions, confirmations beside the card
that was used, and empty states that say what to do next."""

import re

import pytest
from django.urls import reverse

from networks.models import ContactStatus
from networks.services import consent_grant

pytestmark = pytest.mark.django_db


def network_url(patient) -> str:
    return reverse("networks:network", args=[patient.pk])


def card(html: str, contact) -> str:
    """The card of one person on the page."""
    return html.split(f'<li class="col" id="contact-{contact.pk}">')[1].split("</li>\n")[0]


def grant(contact, person, scopes):
    return consent_grant(
        contact=contact,
        actor=person,
        scopes=scopes,
        purpose="Support",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


def test_each_card_holds_the_persons_actions(client, patient, person, contact):
    grant(contact, person, ["milestones"])
    client.force_login(person)

    html = client.get(network_url(patient)).content.decode()

    assert 'data-testid="network-table"' not in html
    pat = card(html, contact)
    for name in ("consent", "contact_preview", "contact_edit", "contact_status"):
        assert reverse(f"networks:{name}", args=[patient.pk, contact.pk]) in pat
    assert "Pause" in pat and "Milestones to celebrate" in pat


def test_pausing_confirms_beside_the_card(client, patient, person, contact, team_clinician):
    grant(contact, person, ["milestones"])
    client.force_login(team_clinician)
    status_url = reverse("networks:contact_status", args=[patient.pk, contact.pk])

    response = client.post(status_url, {"status": "paused"})

    assert response["Location"] == f"{network_url(patient)}#contact-{contact.pk}"
    html = client.get(response["Location"]).content.decode()
    feedback = card(html, contact).split(f'data-feedback="contact-{contact.pk}"')[1]
    assert "Pat Rivera is paused" in feedback.split("</div></div>")[0]
    top = html.split('id="main-content"')[1].split('data-testid="network-cards"')[0]
    assert "is paused" not in top  # not (also) at the top of the page


def test_a_refused_change_is_said_beside_the_card_too(client, patient, contact, team_clinician):
    client.force_login(team_clinician)
    status_url = reverse("networks:contact_status", args=[patient.pk, contact.pk])

    response = client.post(status_url, {"status": "active"}, follow=True)

    pat = card(response.content.decode(), contact)
    assert re.search(r"alert-danger[^>]*>\s*That change is not possible for this person now", pat)


def test_an_invitation_confirms_beside_the_card(client, patient, contact, team_clinician):
    contact.user, contact.status = None, ContactStatus.INVITED
    contact.save()
    client.force_login(team_clinician)

    response = client.post(
        reverse("networks:contact_invite", args=[patient.pk, contact.pk]), follow=True
    )

    assert "An invitation was sent to pat@example.org" in card(response.content.decode(), contact)


def test_an_empty_network_says_how_to_start(client, patient, person, clinic_admin):
    client.force_login(person)

    html = client.get(network_url(patient)).content.decode()

    empty = html.split('data-testid="network-empty"')[1]
    assert re.search(
        rf'href="{reverse("networks:contact_new", args=[patient.pk])}"[^>]*>'
        r"Add the first person</a>",
        empty,
    )
    assert 'data-testid="encouragements-empty"' in html
    assert "When someone you have shared something with sends you" in html

    client.force_login(clinic_admin)
    html = client.get(network_url(patient)).content.decode()
    assert "The person in recovery and their care team add people here." in html
    assert "Add the first person" not in html


def test_a_network_where_nobody_sees_anything_says_what_to_do(client, patient, person, contact):
    client.force_login(person)

    html = client.get(network_url(patient)).content.decode()

    assert 'data-testid="nobody-sharing"' in html
    assert "open “Consent” to choose what they may see." in card(html, contact)
    grant(contact, person, ["milestones"])
    assert 'data-testid="nobody-sharing"' not in client.get(network_url(patient)).content.decode()
