"""The supporter's side under /api/v1/supporter/patients/{patient_id}/: the page of one person
(consent-filtered through supporter_view), encouragement, the reach-out log and the supporter's
own wellbeing, through the portal's services."""

import pytest
import time_machine

from audit.models import Action, AuditEvent
from networks.models import Encouragement, ReachOut, SetbackNotice, SupporterWellbeing
from networks.services import consent_revoke, contact_set_status, encouragement_send
from tests.api_networks.conftest import add_contact, as_user, grant, linked
from tests.factories import SetbackFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-03-10 15:00Z", tick=False):
        yield


def url(patient, part: str = "") -> str:
    return f"/api/v1/supporter/patients/{patient.pk}/{part}"


# --- One person's page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scopes", "keys"),
    [
        (["help_tasks"], {"help_tasks"}),
        (["milestones", "appointments"], {"milestones", "celebrate", "appointments"}),
    ],
)
def test_the_page_holds_only_the_consented_sections(
    person, supporter, patient, contact, scopes, keys
):
    grant(contact, person, scopes)

    body = as_user(supporter).get(url(patient)).json()

    assert body["scopes"] == sorted(scopes)
    assert set(body) == {"patient", "scopes", "redisclosure_notice", "setback_notices"} | keys
    listed = as_user(supporter).get(f"/api/v1/supporter/patients/?patient_id={patient.pk}")
    assert {k: v for k, v in body.items() if k != "setback_notices"} == listed.json()["results"][0]
    assert AuditEvent.objects.filter(
        action=Action.VIEW, patient=patient, actor=supporter, details__api="supporter-patient"
    ).exists()


def test_without_consent_the_page_is_nothing_yet(person, supporter, patient, contact):
    consent = grant(contact, person, ["milestones"])
    consent_revoke(consent=consent, actor=person)

    body = as_user(supporter).get(url(patient)).json()

    assert body == {"patient": {"id": patient.pk, "first_name": "Jordan"}, "scopes": []}


def test_the_setbacks_the_person_told_them_about_without_the_details(
    person, supporter, patient, contact
):
    grant(contact, person, ["milestones"])
    notice = SetbackNotice.objects.create(setback=SetbackFactory(patient=patient), contact=contact)

    body = as_user(supporter).get(url(patient)).json()

    assert [row["id"] for row in body["setback_notices"]] == [notice.pk]
    assert set(body["setback_notices"][0]) == {"id", "told_at"}


def test_only_this_persons_supporter_reaches_it(
    clinic, team_clinician, person, clinic_admin, patient, contact, other_clinic
):
    grant(contact, person, ["milestones"])
    stranger = member("supporter", clinic)
    far = member("supporter", other_clinic)
    for user in (team_clinician, person, clinic_admin, stranger, far):
        api = as_user(user)
        for part in ("", "encouragement/", "reach-outs/", "wellbeing/"):
            assert api.get(url(patient, part)).status_code == 404, (user, part)
        assert (
            api.post(url(patient, "encouragement/"), {"message": "Hi"}, format="json").status_code
            == 404
        )


def test_a_removed_supporter_reaches_nothing(person, supporter, patient, contact):
    grant(contact, person, ["milestones"])
    contact_set_status(contact=contact, status="removed", actor=person)

    assert as_user(supporter).get(url(patient)).status_code == 404


# --- Encouragement ---------------------------------------------------------------------------


def test_sending_encouragement_like_the_page(person, supporter, patient, contact):
    grant(contact, person, ["milestones"])

    response = as_user(supporter).post(
        url(patient, "encouragement/"), {"message": "  Thinking of you.  "}, format="json"
    )

    assert response.status_code == 201
    note = Encouragement.objects.get(contact=contact)
    assert note.message == "Thinking of you." and note.patient == patient
    assert response.json() == {
        "id": note.pk,
        "message": "Thinking of you.",
        "created_at": response.json()["created_at"],
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [({"message": ""}, "message"), ({"message": "x" * 281}, "message"), ({}, "message")],
)
def test_a_bad_message_is_a_400(person, supporter, patient, contact, body, field):
    grant(contact, person, ["milestones"])

    response = as_user(supporter).post(url(patient, "encouragement/"), body, format="json")

    assert response.status_code == 400 and field in response.json()
    assert not Encouragement.objects.exists()


def test_without_consent_nothing_is_sent_and_nothing_listed(person, supporter, patient, contact):
    consent = grant(contact, person, ["milestones"])
    encouragement_send(contact=contact, message="Before")
    consent_revoke(consent=consent, actor=person)
    api = as_user(supporter)

    sent = api.post(url(patient, "encouragement/"), {"message": "After"}, format="json")
    listed = api.get(url(patient, "encouragement/"))

    assert sent.status_code == 400 and "message" in sent.json()
    assert listed.json()["results"] == []
    assert Encouragement.objects.count() == 1


def test_the_list_is_what_this_supporter_sent(
    clinic, team_clinician, person, supporter, patient, contact
):
    grant(contact, person, ["milestones"])
    other = linked(add_contact(patient, team_clinician, "Alex Friend"), member("supporter", clinic))
    grant(other, person, ["milestones"])
    mine = encouragement_send(contact=contact, message="Mine")
    encouragement_send(contact=other, message="Theirs")

    rows = as_user(supporter).get(url(patient, "encouragement/")).json()["results"]
    bad = as_user(supporter).get(url(patient, "encouragement/?since=soon"))

    assert [row["id"] for row in rows] == [mine.pk]
    assert bad.status_code == 400 and "since" in bad.json()


# --- Reach-outs --------------------------------------------------------------------------------


def test_logging_a_reach_out_like_the_page(person, supporter, patient, contact):
    grant(contact, person, ["milestones"])

    response = as_user(supporter).post(
        url(patient, "reach-outs/"),
        {"channel": "call", "happened_on": "2026-03-09", "note": "Long talk"},
        format="json",
    )

    assert response.status_code == 201
    entry = ReachOut.objects.get(contact=contact)
    assert (entry.channel, str(entry.happened_on), entry.note) == (
        "call",
        "2026-03-09",
        "Long talk",
    )
    rows = as_user(supporter).get(url(patient, "reach-outs/?channel=call")).json()["results"]
    assert [row["id"] for row in rows] == [entry.pk]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "pigeon", "happened_on": "2026-03-09"}, "channel"),
        ({"channel": "call", "happened_on": "2026-03-20"}, "happened_on"),  # the service's rule
        ({"channel": "call", "happened_on": "9 March"}, "happened_on"),
        ({"channel": "call", "happened_on": "2026-03-09", "note": "x" * 501}, "note"),
    ],
)
def test_a_bad_reach_out_is_a_400(person, supporter, patient, contact, body, field):
    grant(contact, person, ["milestones"])

    response = as_user(supporter).post(url(patient, "reach-outs/"), body, format="json")

    assert response.status_code == 400 and field in response.json()
    assert not ReachOut.objects.exists()


def test_without_consent_no_reach_out_is_logged_or_listed(supporter, patient, contact):
    ReachOut.objects.create(
        contact=contact, patient=patient, channel="call", happened_on="2026-03-01"
    )

    logged = as_user(supporter).post(
        url(patient, "reach-outs/"),
        {"channel": "visit", "happened_on": "2026-03-09"},
        format="json",
    )
    listed = as_user(supporter).get(url(patient, "reach-outs/"))

    assert logged.status_code == 400 and "contact" in logged.json()
    assert listed.json()["results"] == []


# --- The supporter's own wellbeing ------------------------------------------------------------


def test_answering_and_changing_this_months_wellbeing(supporter, patient, contact):
    api = as_user(supporter)

    first = api.post(
        url(patient, "wellbeing/"), {"holding_up": 2, "has_support": True}, format="json"
    )
    second = api.post(
        url(patient, "wellbeing/"), {"holding_up": 4, "has_support": True}, format="json"
    )

    assert first.status_code == 201 and first.json()["low"] is True
    assert second.status_code == 200 and second.json()["low"] is False
    entry = SupporterWellbeing.objects.get(contact=contact)
    assert (entry.holding_up, str(entry.month)) == (4, "2026-03-01")
    rows = api.get(url(patient, "wellbeing/?since=2026-03-01")).json()["results"]
    assert [row["id"] for row in rows] == [entry.pk]


@pytest.mark.parametrize(
    "body",
    [
        {"holding_up": 6, "has_support": True},
        {"holding_up": "3", "has_support": True},
        {"holding_up": 3},
    ],
)
def test_a_bad_wellbeing_answer_is_a_400(supporter, patient, contact, body):
    response = as_user(supporter).post(url(patient, "wellbeing/"), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) - {"detail"} <= {"holding_up", "has_support"}
    assert not SupporterWellbeing.objects.exists()


def test_a_paused_supporter_cannot_answer(person, supporter, patient, contact):
    contact_set_status(contact=contact, status="paused", actor=person)

    response = as_user(supporter).post(
        url(patient, "wellbeing/"), {"holding_up": 3, "has_support": True}, format="json"
    )

    assert response.status_code == 400 and "contact" in response.json()


# --- Query budgets -----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_the_lists_keep_a_flat_number_of_queries(
    person, supporter, patient, contact, rows, django_assert_max_num_queries
):
    grant(contact, person, ["milestones"])
    for day in range(rows):
        encouragement_send(contact=contact, message=f"Note {day}")
        ReachOut.objects.create(
            contact=contact, patient=patient, channel="call", happened_on="2026-03-01"
        )
    api = as_user(supporter)

    # The membership, the contact (with its patient), the consent in force (the rule, and the
    # contact's state), the count, the page, and the audited read.
    for part in ("encouragement/", "reach-outs/"):
        with django_assert_max_num_queries(9):
            response = api.get(url(patient, part))
        assert response.json()["count"] == rows
