"""The Must show of updates: a supporter posts a reaction to an update; the person hides a
reply and the other supporters no longer see it; a supporter without the `updates` scope sees
neither the update nor the reply, on the page, in the API and at the photo's URL."""

import pytest
from django.urls import reverse

from networks.services import consent_revoke
from updates.models import Reaction, ReactionKind, Reply
from updates.services import reply_post

pytestmark = pytest.mark.django_db

REPLY = "Proud of you, see you Sunday"


def test_a_supporter_posts_a_reaction_to_an_update(client, update, pat):
    client.force_login(pat.user)

    response = client.post(
        reverse("updates:react", args=[update.pk]), {"kind": ReactionKind.STRENGTH}
    )

    assert response.status_code == 302
    reaction = Reaction.objects.get(update=update, contact=pat)
    assert reaction.kind == ReactionKind.STRENGTH
    page = client.get(reverse("updates:feed")).content.decode()
    assert 'aria-pressed="true" data-testid="react-strength"' in page


def test_the_reaction_changes_and_is_removed_one_per_person(client, update, pat):
    client.force_login(pat.user)
    url = reverse("updates:react", args=[update.pk])
    client.post(url, {"kind": ReactionKind.HEART})
    client.post(url, {"kind": ReactionKind.CELEBRATE})

    assert list(Reaction.objects.filter(update=update).values_list("kind", flat=True)) == [
        ReactionKind.CELEBRATE
    ]
    client.post(url, {"kind": ""})
    assert not Reaction.objects.filter(update=update).exists()


def test_the_person_hides_a_reply_and_other_supporters_no_longer_see_it(
    client, person, update, pat, sam
):
    reply = reply_post(update=update, contact=sam, text=REPLY)
    client.force_login(pat.user)
    assert REPLY in client.get(reverse("updates:feed")).content.decode()

    client.force_login(person)
    confirm = client.get(reverse("updates:reply_hide", args=[update.pk, reply.pk]))
    assert confirm.status_code == 200 and "Hide this reply?" in confirm.content.decode()
    client.post(reverse("updates:reply_hide", args=[update.pk, reply.pk]))

    reply.refresh_from_db()
    assert reply.hidden_at is not None and reply.hidden_by == person
    client.force_login(pat.user)
    assert REPLY not in client.get(reverse("updates:feed")).content.decode()
    api = client.get(reverse("api:supporter-updates")).json()
    assert api["results"][0]["replies"] == []
    # The writer still sees their own words, gently marked; the person sees it marked hidden.
    client.force_login(sam.user)
    own = client.get(reverse("updates:feed")).content.decode()
    assert REPLY in own and "Only you see this reply." in own
    client.force_login(person)
    mine = client.get(reverse("updates:mine")).content.decode()
    assert REPLY in mine and 'data-testid="reply-hidden"' in mine


def test_a_supporter_without_the_scope_sees_neither_update_nor_reply(client, update, sam, lee):
    reply_post(update=update, contact=sam, text=REPLY)
    client.force_login(lee.user)

    feed = client.get(reverse("updates:feed"))
    assert feed.status_code == 200
    assert update.text not in feed.content.decode() and REPLY not in feed.content.decode()
    assert client.get(reverse("api:supporter-updates")).json()["results"] == []
    assert client.get(reverse("updates:photo", args=[update.pk])).status_code == 404
    react = client.post(reverse("updates:react", args=[update.pk]), {"kind": ReactionKind.HEART})
    assert react.status_code == 404
    api_react = client.put(
        reverse("api:supporter-update-reaction", args=[update.pk]),
        {"kind": ReactionKind.HEART},
        content_type="application/json",
    )
    assert api_react.status_code == 404
    api_reply = client.post(
        reverse("api:supporter-update-replies", args=[update.pk]),
        {"text": "Hi"},
        content_type="application/json",
    )
    assert api_reply.status_code == 404
    portal = client.get(reverse("networks:supporter_patient", args=[update.patient_id]))
    assert update.text not in portal.content.decode()
    assert (
        "updates"
        not in client.get(reverse("api:supporter-patient", args=[update.patient_id])).json()
    )


def test_a_revoked_consent_hides_updates_already_shared(client, person, update, pat):
    consent = pat.consents.get(superseded_at__isnull=True)
    consent_revoke(consent=consent, actor=person, reason="Taking a break")
    client.force_login(pat.user)

    assert update.text not in client.get(reverse("updates:feed")).content.decode()
    assert client.get(reverse("updates:photo", args=[update.pk])).status_code == 404
    assert (
        client.post(reverse("updates:reply", args=[update.pk]), {"text": "Hi"}).status_code == 404
    )
    assert not Reply.objects.exists()


def test_the_supporter_page_shows_the_section_and_the_api_its_key(client, update, pat):
    client.force_login(pat.user)

    page = client.get(reverse("networks:supporter_patient", args=[update.patient_id]))
    assert 'data-testid="section-updates"' in page.content.decode()
    assert update.text in page.content.decode()
    data = client.get(reverse("api:supporter-patient", args=[update.patient_id])).json()
    assert data["updates"][0]["id"] == update.pk
