"""The digest settings: the supporter's own day and time (one person at a time, scoped like the
rest of the portal), and the patient's choice of full, summary-only or paused."""

from datetime import time

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from engagement.models import DigestMode, DigestSubscription, PatientEngagement
from tests.engagement.conftest import add_supporter, grant
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db


def digest_url(patient) -> str:
    return reverse("engagement:supporter_digest", args=[patient.pk])


MY_DIGESTS = "/my-recovery/digests/"
GOOD = {"digest-enabled": "on", "digest-weekday": "2", "digest-send_time": "07:30"}


# --- the supporter's settings ---------------------------------------------------------------


def test_the_supporter_sees_their_settings_and_the_view_is_audited(client, patient, contact):
    client.force_login(contact.user)

    page = client.get(digest_url(patient))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Your weekly digest about Jordan" in html
    assert 'name="digest-send_time"' in html and 'value="18:00"' in html
    assert "Rivera" not in html.split("<main", 1)[1].split("</main>", 1)[0].replace(
        "Pat Rivera", ""
    )  # only the first name of the person in recovery
    assert AuditEvent.objects.filter(
        action=Action.VIEW, patient=patient, details__page="supporter_digest"
    ).exists()


def test_saving_sets_day_and_time_and_is_audited(client, patient, contact):
    client.force_login(contact.user)

    response = client.post(digest_url(patient), GOOD)

    assert response.status_code == 302
    assert response["Location"] == reverse("networks:supporter_patient", args=[patient.pk]) + (
        "#digest"
    )
    subscription = DigestSubscription.objects.get(contact=contact)
    assert subscription.enabled and subscription.weekday == 2
    assert subscription.send_time == time(7, 30)
    event = AuditEvent.objects.get(action=Action.UPDATE, patient=patient)
    assert event.details["digest"] == {"enabled": True, "weekday": 2, "send_time": "07:30"}
    portal = client.get(response["Location"]).content.decode()
    assert "Your weekly digest is set for Wednesday at 7:30 AM." in portal


def test_turning_it_off(client, patient, contact):
    client.force_login(contact.user)

    client.post(digest_url(patient), {"digest-weekday": "6", "digest-send_time": "18:00"})

    assert DigestSubscription.objects.get(contact=contact).enabled is False
    portal = client.get(reverse("networks:supporter_patient", args=[patient.pk]))
    assert 'data-testid="digest-status">Off.' in portal.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"digest-enabled": "on", "digest-weekday": "2", "digest-send_time": "25:99"},
            "Enter a time such as 18:00.",
        ),
        (
            {"digest-enabled": "on", "digest-weekday": "2", "digest-send_time": ""},
            "Enter a time such as 18:00.",
        ),
        (
            {"digest-enabled": "on", "digest-weekday": "9", "digest-send_time": "18:00"},
            "Choose a day of the week.",
        ),
        (
            {"digest-enabled": "on", "digest-weekday": "Sunday", "digest-send_time": "18:00"},
            "Choose a day of the week.",
        ),
        ({}, "Enter a time such as 18:00."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(client, patient, contact, data, message):
    client.force_login(contact.user)

    page = client.post(digest_url(patient), data)

    assert page.status_code == 200
    assert message in page.content.decode()
    assert 'data-testid="digest-errors"' in page.content.decode()
    assert not DigestSubscription.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.UPDATE).exists()


def test_someone_elses_supporter_in_the_clinic_gets_404(client, clinic, patient, contact):
    stranger = add_supporter(
        PatientFactory(clinic=clinic, user=member(Role.PATIENT, clinic)),
        "Sam Lee",
        "sam@example.org",
    )
    client.force_login(stranger.user)

    assert client.get(digest_url(patient)).status_code == 404
    assert client.post(digest_url(patient), GOOD).status_code == 404
    assert not DigestSubscription.objects.filter(contact=contact).exists()


def test_another_clinics_patient_is_404(client, other_clinic, contact):
    elsewhere = PatientFactory(clinic=other_clinic, user=member(Role.PATIENT, other_clinic))
    add_supporter(elsewhere, "Lee Park", "lee@example.org")
    client.force_login(contact.user)

    assert client.get(digest_url(elsewhere)).status_code == 404
    assert client.post(digest_url(elsewhere), GOOD).status_code == 404


def test_a_removed_supporter_or_staff_get_404(client, patient, contact, team_clinician):
    client.force_login(team_clinician)
    assert client.get(digest_url(patient)).status_code == 404
    contact.status = "removed"
    contact.save()
    client.force_login(contact.user)
    assert client.get(digest_url(patient)).status_code == 404


def test_signed_out_goes_to_sign_in(client, patient):
    response = client.get(digest_url(patient))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_portal_shows_the_digest_card(client, patient, contact):
    grant(contact, ["milestones"])
    DigestSubscription.objects.create(contact=contact, weekday=0, send_time=time(8, 15))
    client.force_login(contact.user)

    html = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()

    assert 'data-testid="digest-card"' in html
    assert "On: every Monday at 8:15 AM." in html
    assert f'action="{digest_url(patient)}"' in html
    card = html.split('data-testid="digest-card"', 1)[1].split("</section>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in card


def test_the_supporter_is_told_when_the_person_paused_digests(client, patient, contact):
    PatientEngagement.objects.create(patient=patient, digest_mode=DigestMode.PAUSED)
    client.force_login(contact.user)

    assert 'data-testid="digest-paused"' in client.get(digest_url(patient)).content.decode()


# --- the patient's choice -------------------------------------------------------------------


def test_the_person_sees_their_choice_full_by_default(client, patient, person):
    client.force_login(person)

    page = client.get(MY_DIGESTS)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="full"' in html and "checked" in html.split('value="full"', 1)[1][:40]
    assert AuditEvent.objects.filter(
        action=Action.VIEW, patient=patient, details__page="my_digests"
    ).exists()


@pytest.mark.parametrize("mode", [DigestMode.SUMMARY, DigestMode.PAUSED, DigestMode.FULL])
def test_the_person_chooses_summary_paused_or_full(client, patient, person, mode):
    client.force_login(person)

    response = client.post(MY_DIGESTS, {"digest_mode": mode})

    assert response.status_code == 302
    assert PatientEngagement.objects.get(patient=patient).digest_mode == mode
    event = AuditEvent.objects.get(action=Action.UPDATE, patient=patient)
    assert event.details == {"digest_mode": mode}


@pytest.mark.parametrize("data", [{"digest_mode": "everything"}, {}])
def test_a_bad_choice_gets_a_clear_message(client, patient, person, data):
    client.force_login(person)

    page = client.post(MY_DIGESTS, data)

    assert page.status_code == 200
    assert "Choose one of the options." in page.content.decode()
    assert not PatientEngagement.objects.exists()


def test_only_the_person_opens_their_digest_choice(
    client, patient, contact, team_clinician, clinic_admin
):
    for user in (team_clinician, clinic_admin, contact.user):
        client.force_login(user)
        assert client.get(MY_DIGESTS).status_code == 404
        assert client.post(MY_DIGESTS, {"digest_mode": "paused"}).status_code == 404
    assert not PatientEngagement.objects.exists()


def test_the_network_page_links_to_it_for_the_person_only(client, patient, person, team_clinician):
    network = reverse("networks:network", args=[patient.pk])
    client.force_login(person)
    assert 'data-testid="my-digests-link"' in client.get(network).content.decode()
    client.force_login(team_clinician)
    assert 'data-testid="my-digests-link"' not in client.get(network).content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_the_settings_pages_do_not_grow_with_the_network(
    client, patient, person, contact, size, django_assert_max_num_queries
):
    for n in range(size):
        grant(add_supporter(patient, f"Friend {n}", f"friend{n}@example.org"), ["milestones"])
    client.force_login(contact.user)
    # session, user, memberships; the contact; its subscription; the patient's settings; the
    # audit event; a little room.
    with django_assert_max_num_queries(9):
        assert client.get(digest_url(patient)).status_code == 200
    client.force_login(person)
    # session, user, memberships; the person's record; their settings; the audit event; room.
    with django_assert_max_num_queries(8):
        assert client.get(MY_DIGESTS).status_code == 200


@pytest.mark.parametrize("saved", [False, True])
def test_the_portal_card_costs_one_query(rf, patient, contact, saved, django_assert_num_queries):
    from django.template import Context, Template

    if saved:
        DigestSubscription.objects.create(contact=contact, weekday=3, send_time=time(9, 0))
    template = Template("{% load digest_tags %}{% digest_card contact %}")
    contact = type(contact).objects.get(pk=contact.pk)  # as the portal loads it

    request = rf.get("/")
    request.user = type(contact.user).objects.get(pk=contact.user_id)  # signed in, as on the page

    with django_assert_num_queries(1):  # the contact's subscription (or none: the defaults)
        html = template.render(Context({"contact": contact, "request": request}))

    assert ("Thursday at 9:00 AM" if saved else "Sunday at 6:00 PM") in html  # |clock
