"""The daily check-in starts empty and asks for each answer; editing today's check-in starts
from what was saved; the progress page's main action follows what is left to do today."""

from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from coping.models import AssessmentSchedule, CheckIn
from coping.services import checkin_submit

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
MORNING = datetime(2026, 6, 10, 9, 0, tzinfo=NEW_YORK)
ASKED = {"mood", "craving", "stress", "used_since_last"}


class Inputs(HTMLParser):
    """The page's <input> tags and the links with a data-testid, as attribute dicts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.links: dict[str, dict] = {}
        self._link: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "input":
            self.inputs.append(found)
        if tag == "a":
            self._link = {**found, "text": ""}
            if "data-testid" in found:
                self.links[found["data-testid"]] = self._link

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._link = None

    def chosen(self, name: str) -> list[str]:
        return [i["value"] for i in self.inputs if i.get("name") == name and "checked" in i]

    def values(self, name: str) -> list[str]:
        return [i.get("value") for i in self.inputs if i.get("name") == name]


def test_a_new_check_in_has_nothing_chosen_and_no_preset_value(client, patient, person):
    client.force_login(person)

    page = Inputs(client.get(reverse("coping:my_checkin")).content.decode())

    assert [i for i in page.inputs if i.get("type") == "radio" and "checked" in i] == []
    for name in ("mood", "craving", "stress"):
        assert page.values(name) == [str(n) for n in range(11)]  # eleven choices, none chosen
    assert page.values("used_since_last") == ["no", "yes"]
    assert not any(i.get("type") == "range" for i in page.inputs)  # no slider resting at 5


def test_an_empty_check_in_gives_a_message_by_each_question_and_saves_nothing(
    client, patient, person
):
    client.force_login(person)

    response = client.post(reverse("coping:my_checkin"), {})

    assert response.status_code == 200
    assert set(response.context["form"].errors) >= ASKED
    html = response.content.decode()
    for name, text in [
        ("mood", "Choose how your mood is today, from 0 to 10."),
        ("craving", "Choose how strong any craving is today, from 0 to 10."),
        ("stress", "Choose how stressed you feel today, from 0 to 10."),
        ("used_since_last", "Choose Yes or No."),
    ]:
        # The message sits in its own question's fieldset, and the fieldset points at it.
        fieldset = html.split(f'data-testid="question-{name}"')[1].split("</fieldset>")[0]
        assert f'id="id_{name}_error"' in fieldset and text in fieldset
        assert f"id_{name}_error" in fieldset.split(">")[0]
    assert 'data-testid="checkin-errors"' in html
    assert not CheckIn.objects.exists()


def test_a_partly_answered_check_in_keeps_what_was_entered(client, patient, person):
    client.force_login(person)

    response = client.post(
        reverse("coping:my_checkin"), {"mood": "3", "used_since_last": "yes", "note": "Long day"}
    )

    page = Inputs(response.content.decode())
    assert set(response.context["form"].errors) == {"craving", "stress"}
    assert (page.chosen("mood"), page.chosen("used_since_last")) == (["3"], ["yes"])
    assert page.chosen("craving") == page.chosen("stress") == []
    assert "Long day" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_editing_todays_check_in_starts_from_the_saved_answers(client, patient, person):
    with time_machine.travel(MORNING, tick=False):
        checkin_submit(
            patient=patient,
            actor=person,
            mood=7,
            craving=2,
            stress=9,
            sleep_hours="6.5",
            used_since_last=True,
            note="Rough night",
        )
        client.force_login(person)

        response = client.get(reverse("coping:my_checkin"))

    page = Inputs(response.content.decode())
    assert [page.chosen(n) for n in ("mood", "craving", "stress", "used_since_last")] == [
        ["7"],
        ["2"],
        ["9"],
        ["yes"],
    ]
    assert page.values("sleep_hours") == ["6.5"]
    assert "Update today's check-in" in response.content.decode()


def test_the_api_still_takes_a_check_in_without_the_use_question(client, patient, person):
    # The form asks every question; the API keeps its documented default for "any use".
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(person)
    response = api.post(
        f"/api/v1/patients/{patient.pk}/checkins/",
        {"mood": 6, "craving": 2, "stress": 3},
        format="json",
    )

    assert response.status_code == 201 and response.json()["used_since_last"] is False


def _progress(client, patient) -> Inputs:
    return Inputs(client.get(reverse("coping:checkins", args=[patient.pk])).content.decode())


def test_before_todays_check_in_the_main_button_is_check_in_today(client, patient, person):
    client.force_login(person)
    with time_machine.travel(MORNING, tick=False):
        page = _progress(client, patient)

    assert page.links["main-action"]["href"] == reverse("coping:my_checkin")
    assert page.links["main-action"]["text"].strip() == "Check in today"


def test_after_todays_check_in_the_main_button_leads_to_what_is_due(client, patient, person):
    patient.__class__.objects.filter(pk=patient.pk).update(created_at=MORNING - timedelta(days=3))
    client.force_login(person)
    with time_machine.travel(MORNING, tick=False):
        checkin_submit(patient=patient, actor=person, mood=6, craving=2, stress=3)
        response = client.get(reverse("coping:checkins", args=[patient.pk]))

    page = Inputs(response.content.decode())
    html = response.content.decode()
    main = page.links["main-action"]
    assert main["href"] == reverse("coping:assessment_new", args=[patient.pk, "phq9"])
    assert main["text"].strip() == "Answer the mood questionnaire (PHQ-9)"
    assert ">Check in today<" not in html
    actions = html.split('data-testid="progress-actions"')[1].split("</div>")[0]
    assert 'class="btn btn-outline-secondary" href="/my-recovery/check-in/"' in actions
    assert "Update today's check-in" in actions


def test_after_todays_check_in_with_nothing_due_there_is_no_main_button(client, patient, person):
    for slug in ("phq9", "gad7", "brs", "barc10"):
        AssessmentSchedule.objects.create(
            patient=patient, instrument=slug, interval_days=14, is_active=False
        )
    client.force_login(person)
    with time_machine.travel(MORNING, tick=False):
        checkin_submit(patient=patient, actor=person, mood=6, craving=2, stress=3)
        response = client.get(reverse("coping:checkins", args=[patient.pk]))

    page = Inputs(response.content.decode())
    assert "main-action" not in page.links
    assert "Update today's check-in" in response.content.decode()
