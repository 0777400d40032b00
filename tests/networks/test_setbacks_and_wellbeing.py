"""Setbacks without shame: the person chooses who is told; those told get guidance, not
details; a date correction tells no one. And supporters' own monthly wellbeing check-in."""

import pytest
from django.urls import reverse

from accounts.models import Role
from networks.models import SetbackNotice, SupporterWellbeing
from networks.services import consent_grant, contact_add
from patients.models import Alert, AlertKind, Setback
from patients.services import recovery_start_change
from tests.factories import member

pytestmark = pytest.mark.django_db
DETAIL = "Drank at my cousin's wedding after the toast"


def _grant(contact, person, scopes=("milestones",)):
    return consent_grant(
        contact=contact,
        actor=person,
        scopes=list(scopes),
        purpose="To support me",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


def _setback(client, patient, **extra):
    data = {
        "occurred_on": patient.local_today().isoformat(),
        "kind": "lapse",
        "what_happened": DETAIL,
        "what_helped": "Calling my sister",
    } | extra
    return client.post(reverse("networks:my_setback"), data)


def test_the_person_tells_the_care_team_and_a_named_supporter(
    client, patient, person, contact, supporter, team_clinician
):
    _grant(contact, person)
    client.force_login(person)

    response = _setback(client, patient, tell_care_team="on", contacts=[contact.pk])

    assert response.url == reverse("patients:patient_home")
    setback = Setback.objects.get(patient=patient)
    alert = Alert.objects.get(kind=AlertKind.SETBACK_SHARED)
    assert DETAIL not in alert.message and alert.owner == team_clinician
    assert SetbackNotice.objects.filter(setback=setback, contact=contact).exists()
    client.force_login(supporter)
    page = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()
    assert "going through a hard time" in page and "How to respond" in page
    assert DETAIL not in page and "Calling my sister" not in page


def test_telling_nobody_raises_nothing_and_notifies_nobody(
    client, patient, person, contact, supporter
):
    _grant(contact, person)
    client.force_login(person)

    _setback(client, patient)

    assert Setback.objects.count() == 1
    assert not Alert.objects.exists() and not SetbackNotice.objects.exists()
    client.force_login(supporter)
    page = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()
    assert "hard time" not in page


def test_only_people_who_can_see_something_can_be_told(client, patient, person, team_clinician):
    stranger = contact_add(
        patient=patient,
        actor=team_clinician,
        name="No Consent",
        relationship="friend",
        email="nc@example.org",
    )
    client.force_login(person)

    response = _setback(client, patient, contacts=[stranger.pk])

    assert response.status_code == 200
    assert response.context["form"].errors.get("contacts")
    assert not Setback.objects.exists()


def test_a_date_correction_tells_no_one_and_raises_no_alert(
    patient, person, contact, team_clinician
):
    _grant(contact, person)

    recovery_start_change(
        patient=patient,
        start_date=patient.local_today(),
        reason="Corrected a typo at intake",
        actor=team_clinician,
    )

    assert not Alert.objects.exists() and not SetbackNotice.objects.exists()


def test_bad_setback_input_saves_nothing(client, patient, person):
    client.force_login(person)

    response = _setback(client, patient, what_happened="", occurred_on="2999-01-01")

    assert response.status_code == 200
    assert not Setback.objects.exists()


def test_only_the_person_reaches_their_setback_page(
    client, clinic, patient, supporter, team_clinician
):
    for user in (supporter, team_clinician, member(Role.ADMIN, clinic)):
        client.force_login(user)
        assert client.get(reverse("networks:my_setback")).status_code == 404


def test_supporter_wellbeing_is_monthly_private_and_points_to_help_when_low(
    client, clinic, patient, person, contact, supporter
):
    _grant(contact, person)
    client.force_login(supporter)
    url = reverse("networks:wellbeing", args=[patient.pk])

    client.post(url, {"holding_up": "4", "has_support": "yes"})
    response = client.post(url, {"holding_up": "2", "has_support": "no"}, follow=True)

    entry = SupporterWellbeing.objects.get()
    assert (entry.holding_up, entry.has_support, entry.low) == (2, False, True)
    assert "family resources" in response.content.decode()
    bad = client.post(url, {"holding_up": "9", "has_support": "yes"})
    assert bad.status_code == 200 and SupporterWellbeing.objects.get().holding_up == 2
    client.force_login(person)  # the person in recovery never sees it
    home = client.get(reverse("patients:patient_home")).content.decode()
    assert "holding up" not in home


def test_the_care_team_sees_when_a_supporter_may_need_support(
    client, patient, person, contact, supporter, team_clinician
):
    _grant(contact, person)
    client.force_login(supporter)
    client.post(
        reverse("networks:wellbeing", args=[patient.pk]), {"holding_up": "1", "has_support": "no"}
    )

    client.force_login(team_clinician)
    staff_page = client.get(reverse("networks:network", args=[patient.pk])).content.decode()
    client.force_login(person)
    own_page = client.get(reverse("networks:network", args=[patient.pk])).content.decode()

    assert 'data-testid="supporter-strain"' in staff_page
    assert 'data-testid="supporter-strain"' not in own_page


def test_the_plan_shows_each_persons_playbook_step_and_a_supporter_sees_only_theirs(
    client, patient, person, contact, supporter, team_clinician
):
    from coping.services import plan_save
    from networks.services import contact_update

    plan_save(patient=patient, content={"warning_signs": [{"text": "Isolating"}]}, actor=person)
    contact_update(contact=contact, actor=person, playbook_step="Call me within 15 minutes")
    other = contact_add(
        patient=patient,
        actor=person,
        name="Kim",
        relationship="sponsor",
        email="kim@example.org",
        playbook_step="Take me to a meeting",
    )
    _grant(contact, person, scopes=("coping_plan",))

    client.force_login(person)
    plan = client.get(reverse("coping:plan", args=[patient.pk])).content.decode()
    client.force_login(supporter)
    portal = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()

    assert "Call me within 15 minutes" in plan and "Take me to a meeting" in plan
    assert "Call me within 15 minutes" in portal and "Take me to a meeting" not in portal
    assert other.pk
