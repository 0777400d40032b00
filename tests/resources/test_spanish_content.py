"""Articles and the community directory in Spanish: a Spanish reader sees the Spanish version;
where there is none, the English one, marked lang="en" with a note; an English reader always
sees English. The seeded content exists in both languages; lists stay one query per page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from resources import services
from resources.demo import ARTICLES, COMMUNITY_RESOURCES, seed_community, seed_education
from resources.demo_es import ARTICLES_ES, COMMUNITY_RESOURCES_ES
from resources.models import Article, Audience, CommunityResource, ResourceKind
from tests.factories import member

pytestmark = pytest.mark.django_db


def speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def bilingual(clinic):
    return Article.objects.create(
        clinic=clinic,
        title="Coping with cravings",
        slug="cravings",
        summary="Short help.",
        body="# Ride the wave\n\nCravings pass.",
        title_es="Cómo manejar las ganas de consumir",
        summary_es="Ayuda corta.",
        body_es="# Deje pasar la ola\n\nLas ganas pasan.",
        audience=Audience.PATIENTS,
        is_published=True,
    )


@pytest.fixture
def english_only(clinic):
    return Article.objects.create(
        clinic=clinic,
        title="Sleep and recovery",
        slug="sleep",
        summary="Rest helps.",
        body="Sleep matters.",
        is_published=True,
    )


def test_a_spanish_reader_sees_the_spanish_article(client, clinic, bilingual, english_only):
    client.force_login(speaks(member(Role.PATIENT, clinic), "es"))

    listing = client.get(reverse("resources:article_list")).text
    assert "Cómo manejar las ganas de consumir" in listing
    assert "Coping with cravings" not in listing

    detail = client.get(reverse("resources:article_detail", args=["cravings"])).text
    assert "<h2>Deje pasar la ola</h2>" in detail
    assert "Ride the wave" not in detail
    assert 'data-testid="only-in-english"' not in detail


def test_an_article_without_spanish_is_shown_in_english_marked(client, clinic, english_only):
    client.force_login(speaks(member(Role.SUPPORTER, clinic), "es"))

    listing = client.get(reverse("resources:article_list")).text
    assert re.search(
        r'<div lang="en">\s*<h2 class="h5 card-title"><a [^>]*>Sleep and recovery', listing
    )
    assert 'data-testid="only-in-english"' in listing

    detail = client.get(reverse("resources:article_detail", args=["sleep"])).text
    assert re.search(r'<div lang="en">\s*<h1 class="h3">Sleep and recovery</h1>', detail)
    assert 'data-testid="only-in-english"' in detail


def test_an_english_reader_always_sees_english(client, clinic, bilingual):
    client.force_login(speaks(member(Role.PATIENT, clinic), "en"))

    detail = client.get(reverse("resources:article_detail", args=["cravings"])).text

    assert "<h2>Ride the wave</h2>" in detail
    assert "Deje pasar" not in detail
    assert 'lang="en">' not in detail.split("<main", 1)[-1].split("</main>")[0]


def test_a_half_written_spanish_version_is_refused(clinic):
    admin = member(Role.ADMIN, clinic)
    values = {"title": "T", "slug": "t", "summary": "", "body": "B", "title_es": "Título"}

    with pytest.raises(ValidationError) as error:
        services.article_save(clinic=clinic, actor=admin, values=values)

    assert set(error.value.message_dict) == {"body_es"}  # the summary is empty in English too


def test_the_directory_in_spanish_and_an_entry_without_spanish(client, clinic):
    CommunityResource.objects.create(
        clinic=clinic,
        name="Northside Pantry",
        kind=ResourceKind.FOOD,
        hours="Mondays",
        description="Free groceries.",
        hours_es="Los lunes",
        description_es="Comida gratis.",
        name_es="Despensa de Northside",
    )
    CommunityResource.objects.create(
        clinic=clinic, name="Cedar House", kind=ResourceKind.HOUSING, description="Shared homes."
    )
    client.force_login(speaks(member(Role.PATIENT, clinic), "es"))

    page = client.get(reverse("resources:directory")).text

    assert "Despensa de Northside" in page and "Comida gratis." in page and "Los lunes" in page
    assert "Free groceries." not in page
    assert '<p class="card-text small" lang="en">Shared homes.</p>' in page
    assert page.count('data-testid="only-in-english"') == 1
    # A name search finds the Spanish name too.
    found = client.get(reverse("resources:directory"), {"q": "despensa"}).text
    assert "Despensa de Northside" in found and "Cedar House" not in found


def test_the_seeded_articles_and_directory_exist_in_both_languages(clinic):
    seed_education(clinic)
    seed_community(clinic)

    assert {a["slug"] for a in ARTICLES} == set(ARTICLES_ES)
    assert {r["name"] for r in COMMUNITY_RESOURCES} == set(COMMUNITY_RESOURCES_ES)
    assert all(a.has_spanish for a in Article.objects.filter(clinic=clinic))
    assert all(r.has_spanish for r in CommunityResource.objects.filter(clinic=clinic))
    naloxone = Article.objects.get(clinic=clinic, slug="naloxone-and-overdose-response")
    for phrase in ["911", "naloxona", "Quédese con la persona", "cambian según el estado"]:
        assert phrase in naloxone.body_es
    self_care = Article.objects.get(clinic=clinic, slug="self-care-for-families")
    assert "oprima 2" in self_care.body_es  # 988 in Spanish


def test_seeding_again_fills_spanish_only_where_the_clinic_left_the_seeded_words(clinic):
    seed_education(clinic)
    seed_community(clinic)
    Article.objects.filter(clinic=clinic).update(title_es="", summary_es="", body_es="")
    Article.objects.filter(clinic=clinic, slug="talking-about-stigma").update(body="Ours.")
    CommunityResource.objects.filter(clinic=clinic).update(
        name_es="", description_es="", hours_es="", languages_es=""
    )

    assert seed_education(clinic) == 0
    assert seed_community(clinic) == 0

    assert Article.objects.get(clinic=clinic, slug="what-a-setback-means").has_spanish
    assert Article.objects.get(clinic=clinic, slug="talking-about-stigma").title_es == ""
    assert all(r.has_spanish for r in CommunityResource.objects.filter(clinic=clinic))


@pytest.mark.parametrize("url_name", ["resources:article_list", "resources:directory"])
def test_spanish_lists_read_flat_queries(client, clinic, url_name, django_assert_max_num_queries):
    client.force_login(speaks(member(Role.PATIENT, clinic), "es"))

    def add(n, start):
        for i in range(start, start + n):
            spanish = {"title_es": f"Título {i}", "summary_es": "R", "body_es": "C"}
            Article.objects.create(
                clinic=clinic,
                slug=f"a{i}",
                title=f"Title {i}",
                summary="S",
                body="B",
                is_published=True,
                **(spanish if i % 2 else {}),
            )
            CommunityResource.objects.create(
                clinic=clinic,
                name=f"Place {i}",
                kind=ResourceKind.FOOD,
                description="D",
                **({"description_es": "E"} if i % 2 else {}),
            )

    add(5, 0)
    # 5 rows: the page's own reads; half of the rows are English only, half Spanish.
    with django_assert_max_num_queries(60) as five:
        client.get(reverse(url_name))
    add(20, 5)
    with django_assert_max_num_queries(60) as twenty_five:
        client.get(reverse(url_name))
    assert len(twenty_five.captured_queries) == len(five.captured_queries)
