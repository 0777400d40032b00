"""Adding, changing, pausing, removing and inviting the people in the network."""

from datetime import time

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import Action, AuditEvent
from networks.models import ContactStatus, Invitation, SupportContact
from networks.services import consent_grant, invitation_send

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Sam Okafor",
    "relationship": "sponsor",
    "email": "Sam@Example.org",
    "phone": "555-0101",
    "preferred_channel": "email",
    "language": "es",
    "offers": ["car", "calls"],
    "playbook_step": "Call me, then go for a walk with me.",
    "reach_out_weekday": "2",
    "reach_out_time": "18:30",
}


def new_url(patient) -> str:
    return reverse("networks:contact_new", args=[patient.pk])


def contact_url(name: str, contact, *args: object) -> str:
    return reverse(f"networks:{name}", args=[contact.patient_id, contact.pk, *args])


def test_the_person_in_recovery_adds_someone(client, patient, person):
    client.force_login(person)

    response = client.post(new_url(patient), GOOD)

    assert response.status_code == 302
    sam = SupportContact.objects.get(name="Sam Okafor")
    # Back on the network page, at the new person's card, where the confirmation is shown.
    assert response["Location"] == reverse("networks:network", args=[patient.pk]) + (
        f"#contact-{sam.pk}"
    )
    assert (sam.patient, sam.added_by, sam.status) == (patient, person, ContactStatus.INVITED)
    assert (sam.email, sam.language, sam.offers) == ("sam@example.org", "es", ["car", "calls"])
    assert (sam.reach_out_weekday, sam.reach_out_time) == (2, time(18, 30))
    assert sam.playbook_step == "Call me, then go for a walk with me."
    assert not Invitation.objects.exists() and not mail.outbox
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(sam.pk)).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"relationship": "drinking_buddy"}, "relationship"),
        ({"email": ""}, "email"),  # reached by email, but no address
        ({"preferred_channel": "sms", "phone": ""}, "phone"),
        ({"offers": ["helicopter"]}, "offers"),
        ({"reach_out_weekday": "", "reach_out_time": "18:00"}, "reach_out_weekday"),
    ],
)
def test_bad_input_saves_nothing_and_says_why(client, patient, team_clinician, change, field):
    client.force_login(team_clinician)

    response = client.post(new_url(patient), GOOD | change)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not SupportContact.objects.exists()


def test_invite_now_sends_one_email_when_the_add_commits(
    client, patient, team_clinician, django_capture_on_commit_callbacks
):
    client.force_login(team_clinician)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(new_url(patient), GOOD | {"invite_now": "on"})

    assert response.status_code == 302
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.org"]
    invitation = Invitation.objects.get()
    assert invitation.contact.name == "Sam Okafor" and invitation.sent_by == team_clinician


def test_invite_now_without_an_address_adds_nobody(
    client, patient, team_clinician, django_capture_on_commit_callbacks
):
    client.force_login(team_clinician)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_url(patient),
            GOOD | {"email": "", "preferred_channel": "in_app", "invite_now": "on"},
        )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not SupportContact.objects.exists() and not Invitation.objects.exists()
    assert not mail.outbox


def test_edit_changes_the_details(client, contact, person):
    client.force_login(person)
    form = client.get(contact_url("contact_edit", contact)).context["form"]
    assert form.initial["name"] == "Pat Rivera" and "invite_now" not in form.fields

    response = client.post(
        contact_url("contact_edit", contact),
        {
            "name": "Pat R.",
            "relationship": "parent",
            "email": "pat@example.org",
            "preferred_channel": "email",
            "language": "en",
            "offers": ["meals"],
        },
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.offers) == ("Pat R.", ["meals"])


def test_edit_with_bad_input_changes_nothing(client, contact, person):
    client.force_login(person)

    response = client.post(
        contact_url("contact_edit", contact),
        {
            "name": "Pat R.",
            "relationship": "parent",
            "email": "",
            "preferred_channel": "email",
            "language": "en",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    contact.refresh_from_db()
    assert (contact.name, contact.email) == ("Pat Rivera", "pat@example.org")


def test_pause_resume_and_remove(client, contact, person, team_clinician):
    consent_grant(
        contact=contact,
        actor=person,
        scopes=["milestones"],
        purpose="Support",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )
    client.force_login(team_clinician)
    status_url = contact_url("contact_status", contact)

    client.post(status_url, {"status": "paused"})
    contact.refresh_from_db()
    assert contact.status == ContactStatus.PAUSED

    client.post(status_url, {"status": "active"})
    contact.refresh_from_db()
    assert contact.status == ContactStatus.ACTIVE

    confirm = client.get(status_url)
    assert confirm.status_code == 200
    assert b'data-testid="remove-confirm"' in confirm.content
    contact.refresh_from_db()
    assert contact.status == ContactStatus.ACTIVE  # asking is not removing

    response = client.post(status_url, {"status": "removed"}, follow=True)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.REMOVED and contact.removed_at
    assert contact.consents.get().revoked_at is not None
    assert "was removed from the network" in response.content.decode()


def test_an_impossible_status_change_is_a_message_not_an_error(client, contact, team_clinician):
    client.force_login(team_clinician)

    response = client.post(
        contact_url("contact_status", contact), {"status": "active"}, follow=True
    )

    assert response.status_code == 200
    assert "not possible for this person now" in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.ACTIVE


def test_invite_and_resend(client, contact, team_clinician, django_capture_on_commit_callbacks):
    contact.user = None
    contact.status = ContactStatus.INVITED
    contact.save()
    client.force_login(team_clinician)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(contact_url("contact_invite", contact))
    assert len(mail.outbox) == 1
    first = Invitation.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(contact_url("contact_invite", contact))
    assert len(mail.outbox) == 2
    first.refresh_from_db()
    assert first.revoked_at is not None  # the earlier link stops working
    second = Invitation.objects.exclude(pk=first.pk).get()

    page = client.get(reverse("networks:network", args=[contact.patient_id])).content.decode()
    assert 'data-testid="pending-invitation"' in page
    assert "Invitation to pat@example.org open until" in page
    assert contact_url("invitation_revoke", contact, second.pk) in page


def test_invite_without_email_is_a_message(
    client, contact, team_clinician, django_capture_on_commit_callbacks
):
    SupportContact.objects.filter(pk=contact.pk).update(email="", preferred_channel="in_app")
    client.force_login(team_clinician)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_url("contact_invite", contact), follow=True)

    assert "Add an email address to send an invitation." in response.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox


def test_invite_is_post_only(client, contact, team_clinician):
    client.force_login(team_clinician)

    assert client.get(contact_url("contact_invite", contact)).status_code == 405


def test_withdraw_an_invitation(client, contact, team_clinician):
    contact.user, contact.status = None, "invited"  # not joined yet
    contact.save()
    invitation = invitation_send(contact=contact, actor=team_clinician)
    client.force_login(team_clinician)

    response = client.post(contact_url("invitation_revoke", contact, invitation.pk), follow=True)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "was withdrawn" in response.content.decode()
    assert 'data-testid="pending-invitation"' not in response.content.decode()


def test_an_invitation_of_another_contact_is_404(client, contact, patient, team_clinician):
    other = SupportContact.objects.create(
        patient=patient, name="Lee", relationship="friend", email="lee@example.org"
    )
    invitation = invitation_send(contact=other, actor=team_clinician)
    client.force_login(team_clinician)

    response = client.post(contact_url("invitation_revoke", contact, invitation.pk))

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
