"""The model helpers every app uses for the rules written once: a person's first name, a
contact's time zone, a preference's refusal of a kind and a contact's opt-outs."""

from zoneinfo import ZoneInfo

import pytest

from notifications.models import ContactOptOut, Kind, NotificationPreference
from tests.factories import PatientFactory, SupportContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_first_names_are_the_first_word_of_the_name_shown():
    patient = PatientFactory(legal_name="Jordan Lee Rivera", preferred_name="")
    assert patient.first_name == "Jordan"
    patient.preferred_name = "Jo Rivera"
    assert patient.first_name == "Jo"
    contact = SupportContactFactory(patient=patient, name="Sam Okafor")
    assert contact.first_name == "Sam"


def test_a_contacts_zone_is_their_own_when_their_account_names_a_valid_one():
    patient = PatientFactory(time_zone="America/Chicago")
    contact = SupportContactFactory(patient=patient)
    assert contact.zone == ZoneInfo("America/Chicago")  # no account: the patient's
    contact.user = UserFactory(time_zone="Europe/Madrid")
    assert contact.zone == ZoneInfo("Europe/Madrid")
    contact.user.time_zone = "Not/AZone"
    assert contact.zone == ZoneInfo("America/Chicago")
    contact.user.time_zone = ""
    assert contact.zone == ZoneInfo("America/Chicago")


def test_a_preference_refuses_a_kind_when_paused_or_unsubscribed():
    preference = NotificationPreference(unsubscribed_kinds=[Kind.DIGEST])
    assert preference.refuses(Kind.DIGEST) and not preference.refuses(Kind.HELP_REQUEST)
    preference.paused = True
    assert preference.refuses(Kind.HELP_REQUEST)
    assert not NotificationPreference().refuses(Kind.DIGEST)


def test_opt_outs_are_read_by_contact_in_one_query(django_assert_num_queries):
    sam, kim = SupportContactFactory(), SupportContactFactory()
    ContactOptOut.objects.create(contact=sam, kind=Kind.DIGEST)
    ContactOptOut.objects.create(contact=sam, kind=Kind.HELP_REQUEST)
    with django_assert_num_queries(1):
        kinds = ContactOptOut.objects.kinds_by_contact([sam.pk, kim.pk, None])
    assert kinds == {sam.pk: {Kind.DIGEST, Kind.HELP_REQUEST}, kim.pk: set()}
    with django_assert_num_queries(0):
        assert ContactOptOut.objects.kinds_by_contact([]) == {}
