"""Messages about updates never carry the update's or a reply's text, on any channel: the
chosen supporters are told "Jordan posted an update" with a link; the person is told someone
reacted or replied. Only supporters with `updates` in force are told. The weekly digest lists
the updates a supporter has not read yet (counted, never quoted) and only those."""

import pytest
from django.urls import reverse

from engagement.digests import build_digest, render_digest, summary_lines
from engagement.models import DigestMode
from networks.consent import consented_scopes
from notifications.models import Kind, Notification
from updates import services
from updates.models import ReactionKind

pytestmark = pytest.mark.django_db

TEXT = "Two weeks of morning walks. I sleep better."
REPLY = "Proud of you, see you Sunday"


def test_the_chosen_supporters_are_told_without_the_text(update, pat, sam, lee):
    rows = Notification.objects.filter(kind=Kind.UPDATE_POSTED)

    assert {row.recipient_contact for row in rows} == {pat, sam}
    for row in rows:
        assert TEXT not in row.body and TEXT not in row.subject and TEXT not in row.html_body
        assert "Jordan posted an update" in row.subject
        assert row.link.endswith(reverse("updates:feed"))


def test_the_person_is_told_of_a_reaction_and_a_reply_without_the_text(update, sam):
    services.reaction_set(update=update, contact=sam, kind=ReactionKind.HEART)
    services.reaction_set(update=update, contact=sam, kind=ReactionKind.STRENGTH)  # once only
    services.reply_post(update=update, contact=sam, text=REPLY)

    rows = list(Notification.objects.filter(kind=Kind.UPDATE_RESPONSE))
    subjects = sorted({row.subject for row in rows})
    assert subjects == ["Sam reacted to your update", "Sam replied to your update"]
    assert len({row.occurrence for row in rows}) == 2
    for row in rows:
        assert REPLY not in row.body and TEXT not in row.body
        assert row.recipient_user == update.patient.user


def test_the_send_time_check_knows_the_kind_needs_the_updates_scope():
    from networks.models import Scope
    from networks.sections import scope_of_kind

    assert scope_of_kind(Kind.UPDATE_POSTED) == Scope.UPDATES


def _digest(contact):
    scopes = consented_scopes(contact)
    return build_digest(contact, scopes, DigestMode.FULL, contact.zone, links=False)


def test_the_digest_lists_only_the_updates_not_read_yet(client, patient, pat, update):
    second = services.update_post(
        patient=patient, author=patient.user, text="Dinner with my sister.", audience=[pat]
    )
    digest = _digest(pat)
    assert len(digest.unseen_updates) == 2
    rendered = render_digest(digest)
    assert "shared 2 updates with you" in rendered.body
    assert TEXT not in rendered.body and TEXT not in rendered.html_body

    client.force_login(pat.user)
    client.get(reverse("updates:feed"))  # both shown: seen
    services.update_post(patient=patient, author=patient.user, text="A quiet day.", audience=[pat])

    digest = _digest(pat)
    assert len(digest.unseen_updates) == 1
    assert second.pk  # (posted before the feed was read: not listed any more)
    assert "shared 1 update with you" in render_digest(digest).body


def test_the_summary_digest_has_one_line_for_updates(pat, update):
    digest = build_digest(pat, consented_scopes(pat), DigestMode.SUMMARY, pat.zone, links=False)

    assert "1 update you have not read yet" in summary_lines(digest)


def test_without_the_scope_the_digest_has_no_updates_part(lee, update):
    digest = _digest(lee)

    assert digest.unseen_updates == []
    assert "UPDATES YOU HAVE NOT READ YET" not in render_digest(digest).body
