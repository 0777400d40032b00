"""The strategy library in Spanish: a Spanish reader sees the Spanish version, a strategy
without one is shown in English and marked (lang="en"), an English reader always sees English;
every clinic's starter strategies get their Spanish version, a clinic's rewording is kept."""

import importlib
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from coping.library import STRATEGY_LIBRARY, seed_strategy_library, strategy_add
from coping.library_es import STRATEGY_LIBRARY_ES
from coping.models import Strategy
from coping.plan_forms import StrategyItemForm
from tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


def speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_every_starter_strategy_has_a_spanish_version_that_fits_the_model():
    titles = {title for items in STRATEGY_LIBRARY.values() for title, _ in items}
    assert set(STRATEGY_LIBRARY_ES) == titles
    for title_es, description_es in STRATEGY_LIBRARY_ES.values():
        assert 0 < len(title_es) <= 120
        assert description_es.strip()


def test_a_new_clinic_gets_the_library_in_both_languages():
    clinic = OrganizationFactory(name="Riverside Recovery", slug="riverside")

    box = Strategy.objects.get(clinic=clinic, title="Box breathing")

    assert (box.title_es, box.has_spanish) == ("Respirar en cuatro tiempos", True)
    assert not Strategy.objects.filter(clinic=clinic, title_es="").exists()


def test_a_spanish_reader_sees_the_spanish_library_an_english_reader_the_english(client, clinic):
    clinician = member(Role.CLINICIAN, clinic)
    client.force_login(clinician)

    english = client.get(reverse("coping:library")).text
    assert "Box breathing" in english
    assert "Respirar en cuatro tiempos" not in english

    speaks(clinician, "es")
    spanish = client.get(reverse("coping:library")).text
    assert "Respirar en cuatro tiempos" in spanish
    assert "Tome aire mientras cuenta hasta 4." in spanish
    assert "Box breathing" not in spanish
    assert 'data-testid="only-in-english"' not in spanish


def test_a_strategy_without_spanish_is_shown_in_english_marked_as_english(client, clinic):
    Strategy.objects.create(
        clinic=clinic, category="routine", title="Our river walk", description="Walk to the river."
    )
    client.force_login(speaks(member(Role.CLINICIAN, clinic), "es"))

    page = client.get(reverse("coping:library")).text

    marked = re.search(
        r'<div class="flex-grow-1 library-text" lang="en">\s*'
        r'<span[^>]*lang="es"[^>]*data-testid="only-in-english"[^>]*>[^<]+</span>\s*'
        r'<span class="fw-semibold">Our river walk</span>',
        page,
    )
    assert marked, "the English strategy is marked lang=en with a note in the reader's language"
    assert page.count('data-testid="only-in-english"') == 1  # the starter ones are in Spanish


def test_existing_starter_strategies_get_spanish_but_a_clinics_rewording_is_kept(clinic):
    Strategy.objects.filter(clinic=clinic).update(title_es="", description_es="")
    Strategy.objects.filter(clinic=clinic, title="Box breathing").update(description="Ours.")
    migration = importlib.import_module("coping.migrations.0007_fill_spanish_library")

    migration.fill_spanish(apps, None)

    worry = Strategy.objects.get(clinic=clinic, title="Worry time")
    assert worry.title_es == "Un rato para las preocupaciones"
    assert Strategy.objects.get(clinic=clinic, title="Box breathing").title_es == ""

    # The seed's own update path does the same for a clinic seeded before the Spanish existed.
    Strategy.objects.filter(clinic=clinic).update(title_es="", description_es="")
    assert seed_strategy_library(clinic) == 0
    assert Strategy.objects.get(clinic=clinic, title="Worry time").has_spanish
    assert not Strategy.objects.get(clinic=clinic, title="Box breathing").has_spanish


def test_a_clinics_own_strategy_takes_a_whole_spanish_version_or_none(clinic):
    staff = member(Role.CLINICIAN, clinic)

    with pytest.raises(ValidationError) as error:
        strategy_add(
            clinic=clinic,
            category="routine",
            title="Evening call",
            description="Call someone at 8 pm.",
            title_es="Llamada de la noche",
            actor=staff,
        )
    assert "description_es" in error.value.message_dict

    strategy = strategy_add(
        clinic=clinic,
        category="routine",
        title="Evening call",
        description="Call someone at 8 pm.",
        title_es="Llamada de la noche",
        description_es="Llame a alguien a las 8 de la noche.",
        actor=staff,
    )
    assert strategy.shown_in("es").title == "Llamada de la noche"
    assert strategy.shown_in("en").title == "Evening call"


def test_the_library_form_page_saves_the_spanish_version(client, clinic):
    client.force_login(member(Role.CLINICIAN, clinic))

    response = client.post(
        reverse("coping:library"),
        {
            "category": "routine",
            "title": "Evening call",
            "description": "Call someone at 8 pm.",
            "title_es": "Llamada de la noche",
            "description_es": "Llame a alguien a las 8 de la noche.",
        },
    )

    assert response.status_code == 302
    assert Strategy.objects.get(clinic=clinic, title="Evening call").has_spanish


def test_picking_from_the_library_in_spanish_writes_the_spanish_words(clinic):
    box = Strategy.objects.get(clinic=clinic, title="Box breathing")
    data = {"library": str(box.pk), "text": "", "category": ""}

    with translation.override("es"):
        form = StrategyItemForm(data, library={box.pk: box})
        assert form.is_valid(), form.errors
        choices = dict(c for group in form.fields["library"].choices[1:] for c in group[1])
    assert form.cleaned_data["text"].startswith("Respirar en cuatro tiempos — Tome aire")
    assert choices[str(box.pk)] == "Respirar en cuatro tiempos"

    with translation.override("en"):
        form = StrategyItemForm(data, library={box.pk: box})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["text"].startswith("Box breathing — Breathe in")


def test_the_library_page_reads_the_same_queries_in_spanish(
    client, clinic, django_assert_max_num_queries
):
    clinician = member(Role.CLINICIAN, clinic)
    client.force_login(clinician)
    with django_assert_max_num_queries(100) as english:
        client.get(reverse("coping:library"))
    speaks(clinician, "es")
    Strategy.objects.bulk_create(  # more strategies, half without Spanish: no query per row
        Strategy(clinic=clinic, category="routine", title=f"Extra {n}", description="x")
        for n in range(20)
    )
    with django_assert_max_num_queries(100) as spanish:
        client.get(reverse("coping:library"))
    assert len(spanish.captured_queries) == len(english.captured_queries)


def test_a_clinician_in_english_picks_the_spanish_words_for_a_person_who_reads_spanish(clinic):
    """The plan is the person's: the words copied from the library are in their language,
    whatever the language of the clinician's pages."""
    box = Strategy.objects.get(clinic=clinic, title="Box breathing")
    data = {"library": str(box.pk), "text": "", "category": ""}

    with translation.override("en"):
        form = StrategyItemForm(data, library={box.pk: box}, reader_language=lambda: "es")
        assert form.is_valid(), form.errors
    assert form.cleaned_data["text"].startswith("Respirar en cuatro tiempos — Tome aire")

    with translation.override("es"):
        form = StrategyItemForm(data, library={box.pk: box}, reader_language=lambda: "en")
        assert form.is_valid(), form.errors
    assert form.cleaned_data["text"].startswith("Box breathing — Breathe in")
