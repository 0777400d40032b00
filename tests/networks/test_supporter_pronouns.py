"""Defect 11: texts about the person honour the pronouns they recorded ("she/her" reads "her",
not "their"), on the supporter's pages and in the invitation (email and page); blank or unknown
text reads they/them/their."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from networks.models import ContactStatus, Relationship, SupportContact
from networks.services import consent_grant, contact_add, invitation_send, setback_share
from patients.models import Setback
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

# The pronouns recorded, and the words the copy must then use (possessive, subject, object).
CASES = [
    pytest.param("she/her", ("her", "she", "her"), id="she"),
    pytest.param("he/him", ("his", "he", "him"), id="he"),
    pytest.param("they/them", ("their", "they", "them"), id="they"),
    pytest.param("", ("their", "they", "them"), id="blank"),
    pytest.param("xe/xem, ask me", ("their", "they", "them"), id="unknown"),
]
POSSESSIVES = {"her", "his", "their"}


def grant(contact, person, scopes):
    return consent_grant(
        contact=contact,
        actor=person,
        scopes=scopes,
        purpose="To support me",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


def only(word: str, text: str, template: str) -> None:
    """`template` % word is in the text, and no other possessive in its place."""
    assert template % word in text, template % word
    for other in POSSESSIVES - {word}:
        assert template % other not in text, template % other


@pytest.mark.parametrize(("pronouns", "words"), CASES)
def test_the_supporter_page_speaks_of_the_person_in_their_pronouns(
    client, patient, contact, person, supporter, pronouns, words
):
    possessive, subject, obj = words
    patient.pronouns = pronouns
    patient.save()
    grant(contact, person, ["coping_plan", "milestones"])
    setback = Setback.objects.create(
        patient=patient, kind="lapse", what_happened="Private", occurred_on=patient.local_today()
    )
    setback_share(setback=setback, actor=person, tell_care_team=False, contacts=[contact])
    client.force_login(supporter)

    html = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()

    only(possessive, html, "What Jordan shares from %s coping plan")
    only(possessive, html, "Jordan has not marked any part of %s plan to share yet.")
    assert f"You can still ask {obj} what helps on a hard day." in html
    assert f"Jordan chose to let you know {subject} ha" in html  # "she has", "they have"
    assert f"Say you are glad {subject} told you" in html
    only(possessive, html, "If you fear for %s safety")


@pytest.mark.parametrize(("pronouns", "words"), CASES)
def test_before_anything_is_shared_the_invitation_line_uses_their_pronouns(
    client, clinic, patient, contact, supporter, pronouns, words
):
    possessive = words[0]
    patient.pronouns = pronouns
    patient.save()
    client.force_login(supporter)

    page = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()
    home = client.get(reverse("networks:supporter_home")).content.decode()

    for html in (page, home):
        only(possessive, html, "Jordan has invited you to %s support network")
        assert f"When Jordan chooses what to share with you, {possessive} milestones" in html


def test_each_card_of_the_home_uses_its_own_persons_pronouns(client, clinic, supporter):
    for name, pronouns in (("Maria Lopez", "she/her"), ("Sam Okafor", "he/him")):
        other = PatientFactory(clinic=clinic, legal_name=name, pronouns=pronouns)
        SupportContact.objects.create(
            patient=other,
            name="Pat",
            relationship="friend",
            status=ContactStatus.ACTIVE,
            user=supporter,
        )
    client.force_login(supporter)

    html = client.get(reverse("networks:supporter_home")).content.decode()

    assert "Maria has invited you to her support network" in html
    assert "Sam has invited you to his support network" in html
    assert "their support network" not in html


@pytest.mark.parametrize(("pronouns", "words"), CASES)
def test_the_invitation_email_and_page_use_their_pronouns(
    client,
    patient,
    team_clinician,
    mailoutbox,
    django_capture_on_commit_callbacks,
    pronouns,
    words,
):
    possessive = words[0]
    patient.pronouns = pronouns
    patient.save()
    invited = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Alex Kim",
        relationship=Relationship.FRIEND,
        email="alex@example.org",
    )

    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(contact=invited, actor=team_clinician)

    message = mailoutbox[0]
    assert message.subject == f"Jordan invited you to {possessive} support network"
    body = " ".join(message.body.split())
    only(possessive, body, "Jordan would like you to be part of %s support network")
    assert "You will only ever see what Jordan chooses to share with you." in body
    link = re.search(r"https?://\S+/invite/\S+/", message.body).group(0)
    html = client.get(urlsplit(link).path).content.decode()
    only(possessive, html, "Jordan has invited you to %s support network")


def test_pronouns_written_in_spanish_are_honoured_for_a_spanish_speaking_invitee(
    patient, team_clinician, mailoutbox, django_capture_on_commit_callbacks
):
    """Written "ella", it is she/her; the subject is the whole she/her sentence, looked up in
    the invitee's language: one whole Spanish sentence, never a mix."""
    patient.pronouns = "ella"
    patient.save()
    invited = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Ana Ruiz",
        relationship=Relationship.FRIEND,
        email="ana@example.org",
        language="es",
    )

    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(contact=invited, actor=team_clinician)

    assert mailoutbox[0].subject == "Jordan le invitó a su red de apoyo"
