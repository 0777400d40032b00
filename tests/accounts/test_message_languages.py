"""Every message goes out in its recipient's language, each supporter on their own, whatever
the patient's: a person in recovery who reads English, a sister who reads Spanish (and gets texts)
and a friend who reads English; the care team in the clinic's default when they never chose."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from engagement.digests import DIGEST, digest_render, digests_plan
from engagement.services import help_request_send
from joining.services import patient_invitation_send, staff_invite
from networks.models import ContactStatus, Relationship, SignatureMethod
from networks.services import consent_grant, contact_add, invitation_send
from notifications.models import Channel, Kind, Notification
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

# Sunday 15 March 2026, 18:05 in New York: just after the default digest time.
SUNDAY_EVENING = datetime(2026, 3, 15, 22, 5, tzinfo=UTC)


@pytest.fixture
def english_patient(patient):
    patient.preferred_language = "en"
    patient.save()
    patient.user.language = "en"
    patient.user.save()
    return patient


def _add(patient, actor, name, email, language, **fields):
    return contact_add(
        patient=patient,
        actor=actor,
        name=name,
        relationship=Relationship.SIBLING,
        email=email,
        language=language,
        **fields,
    )


@pytest.fixture
def lucia(english_patient, team_clinician):
    """Jordan's sister: Spanish, with a phone (an urgent ask reaches her by text)."""
    name, email = "Lucía Fernández", "lucia@example.org"
    return _add(english_patient, team_clinician, name, email, "es", phone="+15555550101")


@pytest.fixture
def sam(english_patient, team_clinician):
    """Jordan's friend: English, by email."""
    return _add(english_patient, team_clinician, "Sam Okafor", "sam@example.org", "en")


def _join_with_consent(contact, scopes):
    """The contact accepted (an account that never chose a language) and the person shares."""
    contact.user = member(Role.SUPPORTER, contact.patient.clinic, email=contact.email)
    contact.status = ContactStatus.ACTIVE
    contact.save()
    patient = contact.patient
    consent_grant(
        contact=contact,
        actor=patient.user,
        scopes=scopes,
        purpose="So my family can help",
        signed_name=patient.legal_name,
        signature_method=SignatureMethod.IN_APP,
        expires_on_event="discharge",
    )


def _email_to(address):
    return next(m for m in mail.outbox if m.to == [address])


def test_each_supporter_is_invited_in_their_own_language(
    lucia, sam, team_clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(contact=lucia, actor=team_clinician)
        invitation_send(contact=sam, actor=team_clinician)

    spanish, english = _email_to("lucia@example.org"), _email_to("sam@example.org")
    assert spanish.subject == "Jordan le invitó a su red de apoyo"
    assert "Acepte la invitación aquí:" in spanish.body
    assert english.subject == "Jordan invited you to their support network"
    assert "Accept the invitation here:" in english.body
    languages = dict(
        Notification.objects.filter(kind=Kind.INVITATION).values_list("address", "language")
    )
    assert languages == {"lucia@example.org": "es", "sam@example.org": "en"}


def test_a_help_request_reaches_each_supporter_in_their_language_text_and_email(
    english_patient, lucia, sam, django_capture_on_commit_callbacks
):
    for contact in (lucia, sam):
        _join_with_consent(contact, ["coping_plan"])

    with django_capture_on_commit_callbacks(execute=True):
        help_request_send(
            patient=english_patient, contacts=[lucia, sam], actor=english_patient.user
        )

    rows = Notification.objects.filter(kind=Kind.HELP_REQUEST)
    text = rows.get(recipient_contact=lucia, channel=Channel.SMS)
    assert text.language == "es"
    assert text.body.startswith("Jordan le pidió ayuda ahora:")
    email = rows.get(recipient_contact=sam, channel=Channel.EMAIL)
    assert email.language == "en"
    assert email.subject == "Jordan is asking for you"
    assert _email_to("sam@example.org").body.startswith("Jordan is having a hard time")
    in_app = {row.recipient_contact_id: row for row in rows.filter(channel=Channel.IN_APP)}
    assert in_app[lucia.pk].language == "es" and in_app[sam.pk].language == "en"


def test_the_care_team_note_follows_the_clinics_default_for_a_clinician_who_never_chose(
    english_patient, team_clinician, django_capture_on_commit_callbacks
):
    clinic = english_patient.clinic
    clinic.default_language = "es"
    clinic.save()
    assert team_clinician.language == ""

    with django_capture_on_commit_callbacks(execute=True):
        help_request_send(patient=english_patient, contacts=[], actor=english_patient.user)

    note = Notification.objects.get(kind=Kind.HELP_REQUEST, recipient_user=team_clinician)
    assert note.language == "es"
    assert note.body != "Jordan Rivera pressed the help button and asked for support."


def test_the_weekly_digest_is_built_in_each_supporters_language(lucia, sam):
    with time_machine.travel(SUNDAY_EVENING - timedelta(days=10), tick=False):
        for contact in (lucia, sam):
            _join_with_consent(contact, ["milestones"])

    with time_machine.travel(SUNDAY_EVENING, tick=False):
        digests_plan(SUNDAY_EVENING)
        rows = {row.recipient_contact_id: row for row in Notification.objects.filter(kind=DIGEST)}
        spanish, english = digest_render(rows[lucia.pk]), digest_render(rows[sam.pk])

    assert rows[lucia.pk].language == "es" and rows[sam.pk].language == "en"
    assert spanish.subject == "Su semana con Jordan"
    assert '<html lang="es">' in spanish.html_body
    assert english.subject == "Your week with Jordan"


def test_a_supporter_who_chose_in_their_settings_outranks_the_invitation_language(lucia):
    _join_with_consent(lucia, ["milestones"])
    lucia.user.language = "en"
    lucia.user.save()

    assert lucia.message_language == "en"
    lucia.user.language = ""
    assert lucia.message_language == "es"  # never chose: the language they were invited in


def test_a_patient_invitation_goes_in_the_persons_language(
    clinic, team_clinician, django_capture_on_commit_callbacks
):
    newcomer = PatientFactory(
        clinic=clinic, legal_name="Dana Okafor", email="dana@example.org", preferred_language="es"
    )

    with django_capture_on_commit_callbacks(execute=True):
        patient_invitation_send(patient=newcomer, actor=team_clinician)

    row = Notification.objects.get(kind=Kind.PATIENT_INVITATION)
    assert row.language == "es"
    assert _email_to("dana@example.org").subject != "Your invitation to Recovery Hub"


def test_a_staff_invitation_goes_in_the_clinics_default_not_the_inviters(
    clinic, clinic_admin, django_capture_on_commit_callbacks
):
    clinic.default_language = "es"
    clinic.save()
    clinic_admin.language = "en"
    clinic_admin.save()

    with django_capture_on_commit_callbacks(execute=True):
        staff_invite(
            clinic=clinic,
            actor=clinic_admin,
            email="nueva@example.org",
            full_name="Nueva Persona",
            role=Role.CLINICIAN,
        )

    assert Notification.objects.get(kind=Kind.STAFF_INVITATION).language == "es"


@pytest.mark.parametrize(
    ("own", "clinic_default", "expected"), [("es", "en", "es"), ("", "es", "es"), ("", "en", "en")]
)
def test_a_password_reset_email_is_in_the_account_holders_language(
    client, clinic, django_capture_on_commit_callbacks, own, clinic_default, expected
):
    clinic.default_language = clinic_default
    clinic.save()
    member(Role.SUPPORTER, clinic, email="pat@example.org", language=own)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"),
            {"email": "pat@example.org"},
            HTTP_ACCEPT_LANGUAGE="en" if expected == "es" else "es",  # the page's is not it
        )

    row = Notification.objects.get(kind=Kind.ACCOUNT)
    assert row.language == expected
    spanish = (
        "Correo electrónico para restablecer contraseña" in _email_to("pat@example.org").subject
    )
    assert spanish == (expected == "es")
