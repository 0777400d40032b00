"""Questionnaires in Spanish: the PHQ-9, GAD-7 and BRS in their validated Spanish wording
(quoted in coping/instruments.py, not in the catalog); an instrument without a validated
Spanish version is shown in English, marked, with a note; scores never depend on the language."""

import re

import pytest
from django.urls import reverse

from coping.instruments import INSTRUMENTS
from coping.models import Assessment

pytestmark = pytest.mark.django_db


def speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.mark.parametrize("slug", ["phq9", "gad7", "brs"])
def test_each_validated_spanish_version_matches_the_instrument_item_for_item(slug):
    instrument = INSTRUMENTS[slug]
    spanish = instrument.text_in("es")

    assert spanish.lang == "es" and not spanish.not_validated
    assert len(spanish.items) == len(instrument.items)
    assert [value for value, _ in spanish.options] == [value for value, _ in instrument.options]
    assert spanish.items != instrument.items
    (version,) = instrument.validated
    assert version.source  # each text says where it comes from


def test_an_instrument_without_a_validated_spanish_version_stays_english():
    barc = INSTRUMENTS["barc10"]

    text = barc.text_in("es")

    assert (text.lang, text.not_validated) == ("en", True)
    assert text.items == barc.items
    assert barc.text_in("en").not_validated is False


def test_a_spanish_reader_answers_the_validated_phq9(client, patient, person):
    client.force_login(speaks(person, "es"))

    page = client.get(reverse("coping:assessment_new", args=[patient.pk, "phq9"])).text

    assert re.search(
        r'<p class="lead fs-6" lang="es" data-testid="instrument-prompt">Durante las últimas 2 '
        r"semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas\?</p>",
        page,
    )
    assert '<legend class="fs-6 fw-semibold" lang="es">1. Poco interés o placer en hacer cosas' in (
        page
    )
    assert "9. Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera" in page
    assert page.count("Más de la mitad de los días") == 9
    assert "Little interest or pleasure" not in page
    assert 'data-testid="no-validated-version"' not in page
    assert 'data-testid="988-spanish"' in page  # the item 9 safety line offers 988 in Spanish


def test_an_english_reader_answers_the_published_english(client, patient, person):
    client.force_login(speaks(person, "en"))

    page = client.get(reverse("coping:assessment_new", args=[patient.pk, "brs"])).text

    assert '<legend class="fs-6 fw-semibold" lang="en">1. I tend to bounce back quickly' in page
    assert "Tiendo a recuperarme" not in page
    assert 'data-testid="no-validated-version"' not in page


def test_the_barc10_in_spanish_says_it_has_no_validated_version_and_is_marked_english(
    client, patient, person
):
    client.force_login(speaks(person, "es"))

    page = client.get(reverse("coping:assessment_new", args=[patient.pk, "barc10"])).text

    assert 'data-testid="no-validated-version"' in page
    assert (
        '<legend class="fs-6 fw-semibold" lang="en">1. There are more important things to me in '
        "life than using substances.</legend>"
    ) in page
    assert '<div class="form-check" lang="en">' in page


@pytest.mark.parametrize(
    ("slug", "answers"),
    [
        ("phq9", [0, 1, 2, 3, 0, 1, 2, 3, 1]),
        ("gad7", [3, 3, 2, 2, 1, 1, 0]),
        ("brs", [5, 2, 4, 1, 3, 2]),
    ],
)
def test_the_same_answers_score_the_same_in_english_and_spanish(
    client, patient, person, slug, answers
):
    posted = {f"item_{n}": str(a) for n, a in enumerate(answers, start=1)}
    url = reverse("coping:assessment_new", args=[patient.pk, slug])
    client.force_login(person)
    results = []
    for language in ("en", "es"):
        speaks(person, language)
        assert client.post(url, posted).status_code == 302
        saved = Assessment.objects.filter(patient=patient).latest("pk")
        results.append((saved.total, saved.band, saved.flags, saved.answers))

    assert results[0] == results[1]
