"""The offline page and the person's crisis plan page."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from coping.models import TriggerCategory
from coping.services import plan_save
from tests.factories import member, sign_in_as_allauth_does

pytestmark = pytest.mark.django_db

CRISIS_PLAN = "/my-recovery/crisis-plan/"


@pytest.fixture
def saved_plan(patient, person):
    crisis = {
        "steps": ["Breathe slowly for two minutes", "Call Sam"],
        "people": [{"name": "Sam Okafor", "phone": "555-0101"}],
        "include_988": True,
    }
    return plan_save(
        patient=patient,
        content={
            "crisis_plan": crisis,
            "triggers": [
                {"description": "Payday", "category": TriggerCategory.SITUATIONS, "intensity": 3}
            ],
        },
        actor=person,
        change_summary="First plan",
    )


# --- The offline page ----------------------------------------------------------------------


def test_the_offline_page_names_no_one_and_offers_988(client, person, patient):
    assert reverse("pwa:offline") == "/offline/"
    anonymous = client.get("/offline/")
    assert anonymous.status_code == 200
    client.force_login(person)
    signed_in = client.get("/offline/")
    html = signed_in.content.decode()
    # The worker keeps one copy for whoever opens it: the same page, signed in or not.
    assert "You are offline" in html
    assert 'href="tel:988"' in html
    assert person.email not in html and "Jordan" not in html
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    # The crisis plan link waits hidden until the page finds the plan kept (static/js/pwa.js).
    assert (
        f'<p data-crisis-plan-link hidden><a class="btn btn-primary" href="{CRISIS_PLAN}">' in html
    )
    assert anonymous.content.decode().replace(" ", "") == html.replace(" ", "")


def test_the_offline_page_in_spanish(client):
    html = client.get("/offline/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in html


# --- The crisis plan page ------------------------------------------------------------------


def test_the_person_sees_their_crisis_plan_alone_and_the_read_is_audited(
    client, person, patient, saved_plan
):
    client.force_login(person)
    response = client.get(CRISIS_PLAN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Breathe slowly for two minutes" in html
    assert 'href="tel:555-0101"' in html
    assert "Payday" not in html  # the crisis plan only, not the whole coping plan
    event = AuditEvent.objects.filter(action=Action.VIEW, patient=patient).latest("pk")
    assert event.details == {"page": "my_crisis_plan"}
    assert event.actor == person


def test_the_workers_copy_is_audited_as_such(client, person, patient, saved_plan):
    client.force_login(person)
    assert client.get(CRISIS_PLAN, HTTP_X_OFFLINE_COPY="1").status_code == 200
    event = AuditEvent.objects.filter(action=Action.VIEW, patient=patient).latest("pk")
    assert event.details == {"page": "my_crisis_plan", "offline_copy": True}


def test_without_a_plan_the_page_still_gives_the_crisis_numbers(client, person, patient):
    client.force_login(person)
    html = client.get(CRISIS_PLAN).content.decode()
    assert "No plan has been saved yet" in html
    assert "988" in html


def test_only_the_person_in_recovery_reaches_their_crisis_plan(client, clinic, patient, saved_plan):
    for role in (Role.CLINICIAN, Role.ADMIN, Role.SUPPORTER):
        sign_in_as_allauth_does(client, member(role, clinic))
        assert client.get(CRISIS_PLAN).status_code == 404, role
    client.logout()
    response = client.get(CRISIS_PLAN)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_plan_page_links_the_crisis_plan_for_the_person_only(
    client, person, patient, clinic, team_clinician, saved_plan
):
    plan_url = reverse("coping:plan", args=[patient.pk])
    client.force_login(person)
    assert f'href="{CRISIS_PLAN}"' in client.get(plan_url).content.decode()
    sign_in_as_allauth_does(client, team_clinician)
    assert f'href="{CRISIS_PLAN}"' not in client.get(plan_url).content.decode()


def test_patient_pages_ask_the_worker_to_keep_the_plan_and_others_to_forget_it(
    client, person, patient, team_clinician
):
    client.force_login(person)
    assert f'data-crisis-plan="{CRISIS_PLAN}"' in client.get("/my-recovery/").content.decode()
    client.logout()
    html = client.get("/accounts/login/").content.decode()
    assert "data-forget-crisis-plan" in html and "data-crisis-plan=" not in html
