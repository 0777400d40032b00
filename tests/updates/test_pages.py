"""The updates pages: the person posts to chosen people (only those whose consent includes
updates), deletes with a confirmation; the care team posts on their behalf, marked; a clinic
admin reads; everyone else, and every other clinic, gets 404. Reads and writes are audited;
the feed's queries do not grow with the number of updates."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from tests.factories import PatientFactory, member
from updates import services
from updates.models import Reaction, Update

pytestmark = pytest.mark.django_db


def test_the_person_posts_to_the_people_they_choose(client, person, patient, pat, sam, lee):
    client.force_login(person)
    page = client.get(reverse("updates:mine")).content.decode()
    assert "Pat Rivera" in page and "Sam Okafor" in page
    assert "Lee Moreno" not in page  # no `updates` in Lee's consent: not offered
    assert "keep health details for your care team" in page

    response = client.post(reverse("updates:mine"), {"text": "Walked 5 km!", "audience": [pat.pk]})

    assert response.status_code == 302
    update = Update.objects.get()
    assert list(update.audience.all()) == [pat] and not update.on_behalf
    assert AuditEvent.objects.filter(action="create", object_id=str(update.pk)).exists()


def test_everyone_who_may_see_updates_is_the_convenient_default(client, person, pat, sam, lee):
    client.force_login(person)

    client.post(reverse("updates:mine"), {"text": "Hello all", "everyone": "on"})

    assert set(Update.objects.get().audience.all()) == {pat, sam}


def test_a_contact_without_the_scope_cannot_be_chosen(patient, pat, lee):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.update_post(patient=patient, author=patient.user, text="Hi", audience=[pat, lee])

    assert "audience" in error.value.message_dict


def test_the_person_deletes_an_update_after_confirming(client, person, update, pat):
    client.force_login(person)
    url = reverse("updates:delete", args=[update.pk])

    assert "Delete this update?" in client.get(url).content.decode()
    client.post(url)

    update.refresh_from_db()
    assert update.deleted_at is not None
    client.force_login(pat.user)
    assert update.text not in client.get(reverse("updates:feed")).content.decode()


def test_the_care_team_posts_on_the_person_s_behalf_marked_as_such(
    client, team_clinician, patient, pat
):
    client.force_login(team_clinician)
    url = reverse("updates:patient", args=[patient.pk])
    assert client.get(url).status_code == 200

    client.post(url, {"text": "Jordan asked me to say thank you all.", "everyone": "on"})

    update = Update.objects.get()
    assert update.on_behalf and update.author == team_clinician
    client.force_login(pat.user)
    assert (
        "Posted by Chris Alvarez for Jordan" in client.get(reverse("updates:feed")).content.decode()
    )


def test_a_clinic_admin_reads_but_does_not_post(client, clinic_admin, patient, update):
    client.force_login(clinic_admin)
    url = reverse("updates:patient", args=[patient.pk])

    page = client.get(url)
    assert page.status_code == 200 and update.text in page.content.decode()
    assert 'data-testid="post-form"' not in page.content.decode()
    assert client.post(url, {"text": "x", "everyone": "on"}).status_code == 404


def test_a_clinician_off_the_care_team_and_another_clinic_get_404(
    client, clinic, other_clinic, patient, update
):
    off_team = member(Role.CLINICIAN, clinic)
    client.force_login(off_team)
    assert client.get(reverse("updates:patient", args=[patient.pk])).status_code == 404
    assert client.get(reverse("updates:photo", args=[update.pk])).status_code == 404

    elsewhere = member(Role.CLINICIAN, other_clinic)
    client.force_login(elsewhere)
    assert client.get(reverse("updates:patient", args=[patient.pk])).status_code == 404
    assert client.get(reverse("updates:photo", args=[update.pk])).status_code == 404
    assert client.get(reverse("api:patient-updates", args=[patient.pk])).status_code == 404


def test_another_person_cannot_open_this_person_s_updates(client, clinic, update):
    other_person = member(Role.PATIENT, clinic)
    PatientFactory(clinic=clinic, user=other_person)
    client.force_login(other_person)

    assert client.get(reverse("updates:delete", args=[update.pk])).status_code == 404
    assert client.get(reverse("updates:photo", args=[update.pk])).status_code == 404
    assert client.get(reverse("api:my-update", args=[update.pk])).status_code == 404
    assert update.text not in client.get(reverse("updates:mine")).content.decode()


def test_reading_the_feed_is_audited_and_marks_the_updates_seen(client, update, pat):
    client.force_login(pat.user)

    client.get(reverse("updates:feed"))

    assert update.seen_by.filter(contact=pat).exists()
    assert AuditEvent.objects.filter(actor=pat.user, details__page="updates_feed").exists()


def test_a_reply_is_kept_to_280_characters_with_a_clear_message(client, update, pat):
    client.force_login(pat.user)

    response = client.post(
        reverse("updates:reply", args=[update.pk]), {"text": "x" * 281}, follow=True
    )

    assert response.status_code == 200
    assert not update.replies.exists()
    assert "at most 280 characters" in response.content.decode()


def test_the_home_page_links_to_updates_with_new_replies_counted(client, person, update, sam):
    services.reply_post(update=update, contact=sam, text="Go you")
    client.force_login(person)

    page = client.get(reverse("patients:patient_home")).content.decode()

    assert reverse("updates:mine") in page and "1 new reply this week" in page


def _many_updates(patient, pat, sam, count):
    for number in range(count):
        update = Update.objects.create(patient=patient, author=patient.user, text=f"Day {number}")
        update.audience.set([pat, sam])
        Reaction.objects.create(update=update, contact=sam, kind="heart")
        update.replies.create(contact=sam, text="Nice")


def test_the_feed_s_queries_do_not_grow_with_updates(
    client, patient, pat, sam, django_assert_max_num_queries
):
    client.force_login(pat.user)
    _many_updates(patient, pat, sam, 2)
    client.get(reverse("updates:feed"))  # warm the session and the caches
    # The session, user, membership and clinic; contacts, consents; updates, reactions,
    # replies with writers; the seen rows; the audit event; the navigation's counts.
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("updates:feed"))
    _many_updates(patient, pat, sam, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("updates:feed"))
    client.force_login(patient.user)
    client.get(reverse("updates:mine"))
    with django_assert_max_num_queries(30) as mine:
        client.get(reverse("updates:mine"))
    _many_updates(patient, pat, sam, 5)
    with django_assert_max_num_queries(len(mine.captured_queries)):
        client.get(reverse("updates:mine"))
