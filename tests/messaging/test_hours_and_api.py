"""The clinic admin sets the opening hours (closing after opening, both or neither); bad input
is a clear message on the page and a 400 with field errors in the API. The API writes and
reads threads like the pages."""

from datetime import time

import pytest
from django.urls import reverse

from messaging.models import ClinicHours, Message
from messaging.services import message_write

pytestmark = pytest.mark.django_db


def test_the_admin_saves_weekday_hours(admin_signed_in, clinic):
    response = admin_signed_in.post(
        reverse("messaging:hours"),
        {"opens_0": "09:00", "closes_0": "17:00", "opens_4": "08:30", "closes_4": "12:00"},
    )
    assert response.status_code == 302
    rows = [(r.weekday, r.opens, r.closes) for r in ClinicHours.objects.filter(clinic=clinic)]
    assert rows == [(0, time(9), time(17)), (4, time(8, 30), time(12))]


def test_closing_before_opening_is_refused_with_a_message(admin_signed_in, clinic):
    response = admin_signed_in.post(
        reverse("messaging:hours"), {"opens_1": "17:00", "closes_1": "09:00"}
    )
    assert response.status_code == 400
    assert "The closing time must be after the opening time." in response.content.decode()
    half = admin_signed_in.post(reverse("messaging:hours"), {"opens_2": "09:00"})
    assert "Give both times" in half.content.decode()
    assert not ClinicHours.objects.exists()


def test_only_the_clinic_admin_sets_hours(client, team_clinician):
    client.force_login(team_clinician)
    assert client.get(reverse("messaging:hours")).status_code == 404
    put = client.put(
        "/api/v1/clinic/message-hours/", {"hours": []}, content_type="application/json"
    )
    assert put.status_code == 403


def test_the_api_answers_bad_hours_with_field_errors(admin_signed_in):
    url = "/api/v1/clinic/message-hours/"
    bad = {"hours": [{"weekday": 0, "opens": "17:00", "closes": "09:00"}]}
    response = admin_signed_in.put(url, bad, content_type="application/json")
    assert response.status_code == 400
    assert "hours.0.closes" in response.json()
    wrong_day = {"hours": [{"weekday": 9, "opens": "09:00", "closes": "10:00"}]}
    assert (
        "hours.0.weekday"
        in admin_signed_in.put(url, wrong_day, content_type="application/json").json()
    )
    good = {"hours": [{"weekday": 2, "opens": "09:00", "closes": "17:00"}]}
    saved = admin_signed_in.put(url, good, content_type="application/json")
    assert saved.status_code == 200
    assert saved.json()["hours"] == [{"weekday": 2, "opens": "09:00", "closes": "17:00"}]


def test_a_message_too_long_or_empty_is_a_clear_error(client, person, patient):
    client.force_login(person)
    page = client.post(reverse("messaging:mine"), {"body": "x" * 2001})
    assert page.status_code == 200
    assert "2001" in page.content.decode()
    api = client.post("/api/v1/me/messages/", {"body": "   "}, content_type="application/json")
    assert api.status_code == 400 and "body" in api.json()
    assert not Message.objects.exists()


def test_the_clinician_api_reads_answers_and_marks_read(client, team_clinician, patient, person):
    first = message_write(author=person, body="Question", patient=patient)
    client.force_login(team_clinician)
    unread = client.get("/api/v1/messages/unread/").json()["results"]
    assert [row["id"] for row in unread] == [first.thread_id]
    base = f"/api/v1/patients/{patient.pk}/messages/"
    threads = client.get(base).json()["results"]
    assert threads[0]["unread"] is True
    thread = client.get(f"{base}threads/{first.thread_id}/").json()
    assert [m["body"] for m in thread["messages"]] == ["Question"]
    answer = client.post(
        f"{base}threads/{first.thread_id}/", {"body": "Answer"}, content_type="application/json"
    )
    assert answer.status_code == 201
    client.post(f"{base}threads/{first.thread_id}/read/")
    assert client.get("/api/v1/messages/unread/").json()["results"] == []
    assert client.get(base, {"unread": "perhaps"}).status_code == 400
