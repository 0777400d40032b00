"""Reading articles (everyone of the clinic) and managing them (its admins only)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from resources.models import Article, Audience
from tests.factories import member

pytestmark = pytest.mark.django_db

EVERYONE = [Role.ADMIN, Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER]


@pytest.mark.parametrize("role", EVERYONE)
def test_everyone_of_the_clinic_reads_published_articles(
    client, clinic, article, other_article, role
):
    Article.objects.create(clinic=clinic, title="Unfinished draft", slug="draft", body="x")
    client.force_login(member(role, clinic))

    page = client.get(reverse("resources:article_list"))
    assert page.status_code == 200
    assert "Coping with cravings" in page.text
    assert "Lakeside only" not in page.text
    assert "Unfinished draft" not in page.text

    detail = client.get(reverse("resources:article_detail", args=["cravings"]))
    assert detail.status_code == 200
    assert "<h2>Ride the wave</h2>" in detail.text
    assert 'data-testid="redisclosure"' not in detail.text  # general reading, no patient info


@pytest.mark.parametrize("role", EVERYONE)
def test_another_clinics_article_is_404(client, clinic, other_article, role):
    client.force_login(member(role, clinic))
    assert (
        client.get(reverse("resources:article_detail", args=["lakeside-only"])).status_code == 404
    )


def test_drafts_are_404_for_readers_but_previewable_by_admins(client, clinic, clinic_admin):
    Article.objects.create(clinic=clinic, title="Draft", slug="draft", body="x")
    client.force_login(member(Role.SUPPORTER, clinic))
    assert client.get(reverse("resources:article_detail", args=["draft"])).status_code == 404
    client.force_login(clinic_admin)
    assert client.get(reverse("resources:article_detail", args=["draft"])).status_code == 200


def test_the_list_filters_by_audience(client, clinic, article):
    Article.objects.create(
        clinic=clinic,
        title="Family evenings",
        slug="fam",
        body="x",
        audience=Audience.FAMILIES,
        is_published=True,
    )
    Article.objects.create(
        clinic=clinic,
        title="For all of us",
        slug="all",
        body="x",
        audience=Audience.BOTH,
        is_published=True,
    )
    client.force_login(member(Role.SUPPORTER, clinic))

    families = client.get(reverse("resources:article_list"), {"audience": "families"}).text
    assert "Family evenings" in families and "For all of us" in families
    assert "Coping with cravings" not in families
    patients = client.get(reverse("resources:article_list"), {"audience": "patients"}).text
    assert "Coping with cravings" in patients and "Family evenings" not in patients
    unknown = client.get(reverse("resources:article_list"), {"audience": "<x>"}).text
    assert "Family evenings" in unknown and "Coping with cravings" in unknown


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_management_is_404_for_everyone_but_admins(client, clinic, article, role):
    client.force_login(member(role, clinic))
    assert client.get(reverse("resources:article_manage")).status_code == 404
    assert client.get(reverse("resources:article_create")).status_code == 404
    assert client.get(reverse("resources:article_edit", args=[article.pk])).status_code == 404
    response = client.post(
        reverse("resources:article_publish", args=[article.pk]), {"published": "0"}
    )
    assert response.status_code == 404
    article.refresh_from_db()
    assert article.is_published


def test_admin_cannot_reach_another_clinics_article(client, clinic_admin, other_article):
    client.force_login(clinic_admin)
    assert client.get(reverse("resources:article_edit", args=[other_article.pk])).status_code == 404
    response = client.post(
        reverse("resources:article_publish", args=[other_article.pk]), {"published": "0"}
    )
    assert response.status_code == 404
    other_article.refresh_from_db()
    assert other_article.is_published


def _values(**overrides):
    values = {
        "title": "Sleep in early recovery",
        "slug": "sleep",
        "summary": "Rest matters.",
        "audience": "both",
        "body": "Keep a steady bedtime.",
    }
    values.update(overrides)
    return values


def test_admin_creates_edits_and_unpublishes_an_article(client, clinic, clinic_admin):
    client.force_login(clinic_admin)
    response = client.post(reverse("resources:article_create"), _values(is_published="on"))
    assert response.status_code == 302
    article = Article.objects.get(clinic=clinic, slug="sleep")
    assert article.is_published
    assert AuditEvent.objects.filter(action="create", object_id=str(article.pk)).exists()

    response = client.post(
        reverse("resources:article_edit", args=[article.pk]),
        _values(title="Sleep, gently", is_published="on"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Sleep, gently"

    client.post(reverse("resources:article_publish", args=[article.pk]), {"published": "0"})
    article.refresh_from_db()
    assert not article.is_published
    client.post(reverse("resources:article_publish", args=[article.pk]), {"published": "1"})
    article.refresh_from_db()
    assert article.is_published


def test_publish_needs_post(client, clinic_admin, article):
    client.force_login(clinic_admin)
    assert client.get(reverse("resources:article_publish", args=[article.pk])).status_code == 405


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"slug": "not a slug!"}, "slug"),
        ({"body": ""}, "body"),
        ({"audience": "aliens"}, "audience"),
        ({"slug": "cravings"}, "slug"),
        ({"slug": "manage"}, "slug"),
    ],
)
def test_bad_input_shows_field_errors_and_saves_nothing(
    client, clinic, clinic_admin, article, overrides, field
):
    client.force_login(clinic_admin)
    before = Article.objects.count()
    response = client.post(reverse("resources:article_create"), _values(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Article.objects.count() == before


def test_the_same_slug_is_fine_in_another_clinic(client, clinic, clinic_admin, other_article):
    client.force_login(clinic_admin)
    response = client.post(reverse("resources:article_create"), _values(slug="lakeside-only"))
    assert response.status_code == 302
    assert Article.objects.filter(slug="lakeside-only").count() == 2


def test_editing_to_a_taken_slug_keeps_the_article(client, clinic, clinic_admin, article):
    other = Article.objects.create(clinic=clinic, title="Other", slug="other", body="x")
    client.force_login(clinic_admin)
    response = client.post(
        reverse("resources:article_edit", args=[other.pk]),
        _values(slug="cravings", title="Changed"),
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    other.refresh_from_db()
    assert (other.slug, other.title) == ("other", "Other")


def test_a_script_in_the_body_is_neutralised_on_the_page(client, clinic, clinic_admin):
    Article.objects.create(
        clinic=clinic,
        title="T",
        slug="t",
        is_published=True,
        body="<script>alert(1)</script> [x](javascript:alert(2))",
    )
    client.force_login(member(Role.PATIENT, clinic))
    page = client.get(reverse("resources:article_detail", args=["t"])).text
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page


@pytest.mark.parametrize("url_name", ["resources:article_list", "resources:article_manage"])
def test_list_queries_do_not_grow_with_rows(
    client, clinic, clinic_admin, url_name, django_assert_max_num_queries
):
    client.force_login(clinic_admin)

    def make(count, start):
        Article.objects.bulk_create(
            Article(clinic=clinic, title=f"A{i}", slug=f"a{i}", body="x", is_published=True)
            for i in range(start, start + count)
        )

    make(3, 0)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse(url_name)).status_code == 200
    make(27, 3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse(url_name))
    assert page.text.count("/resources/articles/a") >= 30
