"""The resources API: articles and the community directory (read by the clinic, managed by its
admins) and the resources attached to one person (the person and the care team)."""

import pytest

from audit.models import Action, AuditEvent
from resources.models import Article, CommunityResource, PatientResource
from tests.api_rest.conftest import as_user, ids
from tests.factories import ArticleFactory, CommunityResourceFactory, PatientResourceFactory

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/resources/articles/"
DIRECTORY = "/api/v1/resources/community/"

ARTICLE = {
    "title": "Riding out a craving",
    "slug": "cravings",
    "body": "# It passes",
    "audience": "families",
}


def test_the_admin_writes_and_publishes_an_article(clinic, clinic_admin, person):
    created = as_user(clinic_admin).post(ARTICLES, ARTICLE, format="json")
    article = Article.objects.get(clinic=clinic)

    hidden = as_user(person).get(f"{ARTICLES}{article.pk}/")
    published = as_user(clinic_admin).post(
        f"{ARTICLES}{article.pk}/publish/", {"published": True}, format="json"
    )
    shown = as_user(person).get(f"{ARTICLES}{article.pk}/")

    assert created.status_code == 201 and article.is_published is False
    assert hidden.status_code == 404
    assert published.status_code == 200 and shown.json()["body"] == "# It passes"
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(article.pk)).exists()


def test_a_short_name_used_twice_or_reserved_is_a_400(clinic, clinic_admin):
    ArticleFactory(clinic=clinic, slug="cravings")

    twice = as_user(clinic_admin).post(ARTICLES, ARTICLE, format="json")
    reserved = as_user(clinic_admin).post(ARTICLES, {**ARTICLE, "slug": "manage"}, format="json")
    half_spanish = as_user(clinic_admin).post(
        ARTICLES, {**ARTICLE, "slug": "other", "title_es": "Antojos"}, format="json"
    )

    assert twice.status_code == reserved.status_code == half_spanish.status_code == 400
    assert "slug" in twice.json() and "slug" in reserved.json()
    assert Article.objects.count() == 1


def test_readers_see_published_articles_only_and_may_not_write(
    clinic, team_clinician, supporter, clinic_admin
):
    draft = ArticleFactory(clinic=clinic)
    published = ArticleFactory(clinic=clinic, is_published=True, audience="families")

    for user in (team_clinician, supporter):
        assert ids(as_user(user).get(ARTICLES)) == [published.pk]
        assert as_user(user).post(ARTICLES, ARTICLE, format="json").status_code == 403
        assert (
            as_user(user)
            .patch(f"{ARTICLES}{published.pk}/", {"title": "X"}, format="json")
            .status_code
            == 403
        )
    assert set(ids(as_user(clinic_admin).get(ARTICLES))) == {draft.pk, published.pk}
    assert ids(as_user(supporter).get(f"{ARTICLES}?audience=families")) == [published.pk]
    assert ids(as_user(supporter).get(f"{ARTICLES}?audience=patients")) == []


def test_another_clinics_article_is_a_404(clinic, outsider):
    article = ArticleFactory(clinic=clinic, is_published=True)

    assert as_user(outsider).get(f"{ARTICLES}{article.pk}/").status_code == 404
    response = as_user(outsider).post(
        f"{ARTICLES}{article.pk}/publish/", {"published": False}, format="json"
    )
    assert response.status_code == 404


def test_the_article_list_costs_the_same_for_2_and_8(clinic, person, django_assert_max_num_queries):
    api = as_user(person)
    ArticleFactory.create_batch(2, clinic=clinic, is_published=True)
    with django_assert_max_num_queries(8) as small:
        assert len(ids(api.get(ARTICLES))) == 2
    ArticleFactory.create_batch(6, clinic=clinic, is_published=True)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(ids(api.get(ARTICLES))) == 8


# --- The directory ------------------------------------------------------------------------------


def test_the_admin_adds_an_entry_and_takes_it_off_the_directory(clinic, clinic_admin, person):
    created = as_user(clinic_admin).post(
        DIRECTORY, {"name": "Northside Pantry", "kind": "food"}, format="json"
    )
    entry = CommunityResource.objects.get(clinic=clinic)

    off = as_user(clinic_admin).post(
        f"{DIRECTORY}{entry.pk}/active/", {"active": False}, format="json"
    )

    assert created.status_code == 201 and off.status_code == 200
    entry.refresh_from_db()
    assert entry.is_active is False
    assert ids(as_user(person).get(DIRECTORY)) == []
    assert as_user(person).get(f"{DIRECTORY}{entry.pk}/").status_code == 404


def test_a_bad_kind_is_a_400_in_the_body_and_in_the_filter(clinic_admin):
    body = as_user(clinic_admin).post(DIRECTORY, {"name": "X", "kind": "spa"}, format="json")
    query = as_user(clinic_admin).get(f"{DIRECTORY}?kind=spa")

    assert body.status_code == 400 and "kind" in body.json()
    assert query.status_code == 400 and "kind" in query.json()


def test_the_directory_searches_names_in_either_language(clinic, supporter):
    pantry = CommunityResourceFactory(clinic=clinic, name="Northside Pantry", name_es="Despensa")
    CommunityResourceFactory(clinic=clinic, name="Legal Aid", kind="legal_aid")

    assert ids(as_user(supporter).get(f"{DIRECTORY}?q=despensa")) == [pantry.pk]
    assert ids(as_user(supporter).get(f"{DIRECTORY}?kind=food")) == [pantry.pk]


# --- One person's resources ---------------------------------------------------------------------


def test_the_care_team_attaches_and_removes_a_resource(clinic, patient, team_clinician):
    entry = CommunityResourceFactory(clinic=clinic)
    url = f"/api/v1/patients/{patient.pk}/resources/"

    attached = as_user(team_clinician).post(
        url, {"resource": entry.pk, "note": "Fridays"}, format="json"
    )
    again = as_user(team_clinician).post(url, {"resource": entry.pk}, format="json")
    link = PatientResource.objects.get(patient=patient)
    removed = as_user(team_clinician).delete(f"{url}{link.pk}/")

    assert attached.status_code == 201 and attached.json()["note"] == "Fridays"
    assert again.status_code == 400 and "resource" in again.json()
    assert removed.status_code == 204
    assert not PatientResource.objects.exists()
    assert AuditEvent.objects.filter(action=Action.DELETE, patient=patient).exists()


def test_the_person_attaches_their_own_and_the_admin_only_reads(
    clinic, patient, person, clinic_admin
):
    entry = CommunityResourceFactory(clinic=clinic)
    link = PatientResourceFactory(patient=patient, resource=CommunityResourceFactory(clinic=clinic))
    url = f"/api/v1/patients/{patient.pk}/resources/"

    mine = as_user(person).post(url, {"resource": entry.pk}, format="json")
    read = as_user(clinic_admin).get(url)
    refused = as_user(clinic_admin).delete(f"{url}{link.pk}/")

    assert mine.status_code == 201
    assert read.status_code == 200 and len(ids(read)) == 2
    assert refused.status_code == 403
    assert PatientResource.objects.filter(pk=link.pk).exists()


def test_resources_of_another_chart_or_clinic_are_a_404(
    clinic, patient, colleague, outsider, supporter, other_clinic
):
    link = PatientResourceFactory(patient=patient, resource=CommunityResourceFactory(clinic=clinic))
    foreign = CommunityResourceFactory(clinic=other_clinic)
    url = f"/api/v1/patients/{patient.pk}/resources/"

    for user in (colleague, outsider, supporter):
        assert as_user(user).get(url).status_code == 404
        assert as_user(user).delete(f"{url}{link.pk}/").status_code == 404
    assert PatientResource.objects.filter(pk=link.pk).exists()
    assert foreign.pk


def test_an_entry_of_another_clinic_cannot_be_attached(patient, team_clinician, other_clinic):
    foreign = CommunityResourceFactory(clinic=other_clinic)

    response = as_user(team_clinician).post(
        f"/api/v1/patients/{patient.pk}/resources/", {"resource": foreign.pk}, format="json"
    )

    assert response.status_code == 400 and "resource" in response.json()
    assert not PatientResource.objects.exists()


def test_a_boolean_filter_that_is_not_true_or_false_is_a_400(clinic_admin):
    response = as_user(clinic_admin).get(f"{ARTICLES}?is_published=perhaps")

    assert response.status_code == 400 and "is_published" in response.json()
