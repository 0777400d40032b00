"""patients.pronouns: the pronouns a person recorded, read from free text, with they/them/their
when the text is blank or unknown; sentences written whole for each set."""

import pytest
from django.utils import translation
from django.utils.translation import pgettext_lazy

from patients.models import Patient
from patients.pronouns import ByPronoun, PronounSet, pronouns_from_text, pronouns_of


@pytest.mark.parametrize(
    ("text", "key", "forms", "recognised"),
    [
        ("she/her", "she", ("she", "her", "her"), True),
        ("She/Her/Hers", "she", ("she", "her", "her"), True),
        ("he/him", "he", ("he", "him", "his"), True),
        ("HE / HIM", "he", ("he", "him", "his"), True),
        ("they/them", "they", ("they", "them", "their"), True),
        ("she/they", "she", ("she", "her", "her"), True),  # the first one written
        ("they/she", "they", ("they", "them", "their"), True),
        ("he, they", "he", ("he", "him", "his"), True),
        ("ella", "she", ("she", "her", "her"), True),
        ("él", "he", ("he", "him", "his"), True),
        ("elle", "they", ("they", "them", "their"), True),
        ("", "they", ("they", "them", "their"), False),
        ("   ", "they", ("they", "them", "their"), False),
        (None, "they", ("they", "them", "their"), False),
        ("xe/xem", "they", ("they", "them", "their"), False),
        ("any pronouns", "they", ("they", "them", "their"), False),
        ("shelley", "they", ("they", "them", "their"), False),  # a word, not "she"
    ],
)
def test_free_text_is_read_into_one_set_with_they_for_anything_unknown(
    text, key, forms, recognised
):
    pronouns = pronouns_from_text(text)

    assert pronouns.key == key
    assert (str(pronouns.subject), str(pronouns.object), str(pronouns.possessive)) == forms
    assert pronouns.recognised is recognised


def test_a_patient_a_text_or_a_set_gives_the_same_answer():
    patient = Patient(pronouns="she/her")

    assert pronouns_of(patient).key == pronouns_of("she/her").key == PronounSet.SHE
    assert pronouns_of(pronouns_of(patient)) == pronouns_of(patient)
    assert pronouns_of(Patient(pronouns="")).key == PronounSet.THEY


SENTENCE = ByPronoun(
    she=pgettext_lazy("pronoun: she/her", "%(name)s has invited you to her support network"),
    he=pgettext_lazy("pronoun: he/him", "%(name)s has invited you to his support network"),
    they=pgettext_lazy("pronoun: they/them", "%(name)s has invited you to their support network"),
)


@pytest.mark.parametrize(
    ("pronouns", "expected"),
    [
        ("she/her", "Maria has invited you to her support network"),
        ("he/him", "Maria has invited you to his support network"),
        ("they/them", "Maria has invited you to their support network"),
        ("", "Maria has invited you to their support network"),
        ("ze/zir", "Maria has invited you to their support network"),
    ],
)
def test_a_sentence_is_said_whole_in_the_persons_pronouns(pronouns, expected):
    with translation.override("en"):
        assert SENTENCE.say(Patient(pronouns=pronouns), name="Maria") == expected
