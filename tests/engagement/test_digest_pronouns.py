"""Defect 11 in the weekly digest: the sentences about the person use the pronouns they
recorded, in the full digest (text and HTML) and in the summary-only form; blank or unknown
text reads they/them/their."""

from datetime import UTC, datetime

import pytest
import time_machine

from engagement.digests import DIGEST, digest_render, digests_plan
from engagement.models import DigestMode, PatientEngagement
from notifications.models import Notification
from tests.engagement.conftest import grant

pytestmark = pytest.mark.django_db

SUNDAY_EVENING = datetime(2026, 3, 15, 22, 5, tzinfo=UTC)  # just after the default 18:00 in NY
BEFORE = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
POSSESSIVES = {"her", "his", "their"}
CASES = [
    pytest.param("she/her", "her", id="she"),
    pytest.param("he/him", "his", id="he"),
    pytest.param("they/them", "their", id="they"),
    pytest.param("", "their", id="blank"),
    pytest.param("ze/hir", "their", id="unknown"),
]


def rendered_for(patient, contact, pronouns, mode=DigestMode.FULL):
    patient.pronouns = pronouns
    patient.save()
    PatientEngagement.objects.update_or_create(patient=patient, defaults={"digest_mode": mode})
    with time_machine.travel(BEFORE, tick=False):
        grant(contact, ["coping_plan"])
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        digests_plan(SUNDAY_EVENING)
        row = Notification.objects.get(kind=DIGEST, recipient_contact=contact)
        return digest_render(row)


def only(word, text, template):
    assert template % word in text, template % word
    for other in POSSESSIVES - {word}:
        assert template % other not in text, template % other


@pytest.mark.parametrize(("pronouns", "possessive"), CASES)
def test_the_full_digest_speaks_of_the_person_in_their_pronouns(
    patient, contact, pronouns, possessive
):
    rendered = rendered_for(patient, contact, pronouns)

    for text in (" ".join(rendered.body.split()), " ".join(rendered.html_body.split())):
        only(possessive, text, "Jordan shares parts of %s coping plan with you")


@pytest.mark.parametrize(("pronouns", "possessive"), CASES)
def test_the_summary_digest_speaks_of_the_person_in_their_pronouns(
    patient, contact, pronouns, possessive
):
    rendered = rendered_for(patient, contact, pronouns, mode=DigestMode.SUMMARY)

    for text in (rendered.body, rendered.html_body):
        only(possessive, text, "Parts of %s coping plan are shared with you")
