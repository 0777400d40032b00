"""No clinical content: the short list of updates/rules.py refuses an update or a reply that
names a medicine, a dose, a diagnosis or a test, with a gentle message; a clinician posting on
the person's behalf meets the same rule."""

import pytest
from django.core.exceptions import ValidationError

from updates import services
from updates.rules import CLINICAL_WORDS, looks_clinical

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "Started 8mg today",
        "my dose went up",
        "Back on my meds",
        "PHQ-9 was better",
        "my phq score dropped",
        "They changed my Suboxone",
        "finally got a diagnosis",
        "Urine test came back fine",
        "20 mg of something",
        "Me cambiaron el medicamento",
    ],
)
def test_clinical_words_are_recognised(text):
    assert looks_clinical(text)


@pytest.mark.parametrize(
    "text",
    [
        "Two weeks of morning walks. I sleep better.",
        "A ride to Thursday's group would help",
        "Feeling strong, dinner with my sister on Sunday",
        "Amazing sunset (I'm so grateful)",
        "mgmt at work was kind today",
    ],
)
def test_everyday_words_are_not(text):
    assert not looks_clinical(text)


def test_the_list_is_short_and_lower_case():
    assert len(CLINICAL_WORDS) < 80
    assert all(word == word.lower() for word in CLINICAL_WORDS)


def test_the_person_is_asked_gently_to_keep_health_details_for_the_care_team(patient, pat):
    with pytest.raises(ValidationError) as error:
        services.update_post(
            patient=patient, author=patient.user, text="New dose from Monday", audience=[pat]
        )

    assert "keep those for your care team" in error.value.message_dict["text"][0]


def test_a_clinician_on_the_person_s_behalf_meets_the_same_rule(patient, pat, team_clinician):
    with pytest.raises(ValidationError):
        services.update_post(
            patient=patient,
            author=team_clinician,
            text="Diagnosed with PTSD",
            audience=[pat],
            on_behalf=True,
        )


def test_a_reply_meets_the_rule_too(patient, pat):
    update = services.update_post(
        patient=patient, author=patient.user, text="A good week", audience=[pat]
    )

    with pytest.raises(ValidationError):
        services.reply_post(update=update, contact=pat, text="Did you take your meds?")
