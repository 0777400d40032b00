"""The updates API: the same rules as the pages, through the same services; bad input is a 400
naming the field, never a 500; what is outside the caller's reach is a 404."""

import pytest
from django.urls import reverse

from tests.updates.conftest import photo_upload
from updates.models import Reaction, ReactionKind, Update
from updates.services import reply_post

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_the_person_posts_lists_and_deletes(client, person, pat, sam):
    client.force_login(person)

    created = client.post(
        reverse("api:my-updates"), {"text": "A calm week.", "audience": [pat.pk]}, content_type=JSON
    )

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["audience"] == [pat.pk] and body["photo_url"] is None
    listed = client.get(reverse("api:my-updates")).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert client.delete(reverse("api:my-update", args=[body["id"]])).status_code == 204
    assert client.get(reverse("api:my-update", args=[body["id"]])).status_code == 404


def test_a_photo_is_sent_as_multipart(client, person, pat):
    client.force_login(person)

    created = client.post(
        reverse("api:my-updates"),
        {"text": "The view today", "everyone": "true", "photo": photo_upload()},
    )

    assert created.status_code == 201, created.json()
    assert created.json()["photo_url"] == reverse("api:update-photo", args=[created.json()["id"]])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "New dose today", "everyone": True}, "text"),
        ({"text": "Hello", "audience": []}, "audience"),
        ({"text": "Hello", "audience": [987654]}, "audience"),
        ({"text": "Hello", "audience": ["1"]}, "audience.0"),
        ({"text": "x" * 501, "everyone": True}, "text"),
        ({"text": "Hello", "photo": "not-a-file"}, "photo"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, person, pat, lee, payload, field):
    client.force_login(person)

    response = client.post(reverse("api:my-updates"), payload, content_type=JSON)

    assert response.status_code == 400
    assert field in response.json()


def test_a_contact_without_the_scope_is_refused_as_audience(client, person, lee):
    client.force_login(person)

    response = client.post(
        reverse("api:my-updates"), {"text": "Hi", "audience": [lee.pk]}, content_type=JSON
    )

    assert response.status_code == 400 and "audience" in response.json()


def test_the_person_hides_and_shows_a_reply(client, person, update, sam):
    reply = reply_post(update=update, contact=sam, text="Go you")
    client.force_login(person)
    url = reverse("api:my-update-reply-hide", args=[update.pk, reply.pk])

    assert client.post(url).json()["hidden"] is True
    assert client.delete(url).json()["hidden"] is False


def test_the_care_team_posts_on_behalf_and_an_admin_reads_only(
    client, team_clinician, clinic_admin, patient, pat
):
    url = reverse("api:patient-updates", args=[patient.pk])
    client.force_login(team_clinician)
    created = client.post(url, {"text": "Thanks from Jordan", "everyone": True}, content_type=JSON)
    assert created.status_code == 201
    assert created.json()["on_behalf"] is True
    assert created.json()["posted_by"] == "Chris Alvarez"

    client.force_login(clinic_admin)
    assert client.get(url).json()["count"] == 1
    refused = client.post(url, {"text": "x", "everyone": True}, content_type=JSON)
    assert refused.status_code == 403


def test_the_supporter_feeds_reacts_and_replies(client, update, pat):
    client.force_login(pat.user)
    feed = client.get(reverse("api:supporter-updates")).json()
    assert feed["results"][0]["id"] == update.pk
    assert "42 CFR Part 2" in feed["redisclosure_notice"]

    url = reverse("api:supporter-update-reaction", args=[update.pk])
    put = client.put(url, {"kind": ReactionKind.CELEBRATE}, content_type=JSON)
    assert put.status_code == 200 and put.json() == {"kind": ReactionKind.CELEBRATE}
    bad = client.put(url, {"kind": "wow"}, content_type=JSON)
    assert bad.status_code == 400 and "kind" in bad.json()
    assert client.delete(url).status_code == 204
    assert not Reaction.objects.exists()

    replies = reverse("api:supporter-update-replies", args=[update.pk])
    sent = client.post(replies, {"text": "Lovely view"}, content_type=JSON)
    assert sent.status_code == 201 and sent.json()["written_by"] == "Pat"
    long = client.post(replies, {"text": "x" * 281}, content_type=JSON)
    assert long.status_code == 400 and "text" in long.json()


def test_the_feed_filters_by_person_and_date(client, update, pat):
    client.force_login(pat.user)
    url = reverse("api:supporter-updates")

    assert client.get(url, {"patient": update.patient_id}).json()["count"] == 1
    assert client.get(url, {"patient": 987654}).json()["count"] == 0
    assert client.get(url, {"posted_after": "2999-01-01T00:00:00Z"}).json()["count"] == 0
    assert client.get(url, {"posted_after": "soon"}).status_code == 400
    assert client.get(url, {"colour": "red"}).status_code == 400


def test_staff_and_patients_never_reach_the_supporter_routes(client, person, update):
    client.force_login(person)

    assert client.get(reverse("api:supporter-updates")).status_code == 404
    assert Update.objects.count() == 1


def test_the_photo_is_read_with_a_token_by_the_audience_only(update, pat, lee):
    from rest_framework.test import APIClient

    from accounts.tokens import token_create

    url = reverse("api:update-photo", args=[update.pk])
    _row, key = token_create(pat.user, "phone")
    response = APIClient().get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"

    _row, other = token_create(lee.user, "phone")
    refused = APIClient().get(url, HTTP_AUTHORIZATION=f"Bearer {other}")
    assert refused.status_code == 404 and refused.json()["detail"]
