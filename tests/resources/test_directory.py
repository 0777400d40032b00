"""The community directory (everyone of the clinic) and its management (admins only)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from resources.models import CommunityResource, ResourceKind
from tests.factories import member

pytestmark = pytest.mark.django_db

EVERYONE = [Role.ADMIN, Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER]


@pytest.mark.parametrize("role", EVERYONE)
def test_everyone_of_the_clinic_sees_the_active_directory(
    client, clinic, pantry, meeting, other_resource, role
):
    CommunityResource.objects.create(
        clinic=clinic, name="Closed Shelter", kind=ResourceKind.HOUSING, is_active=False
    )
    client.force_login(member(role, clinic))
    page = client.get(reverse("resources:directory"))
    assert page.status_code == 200
    assert "Northside Pantry" in page.text and "Maple Street Meeting" in page.text
    assert "Lakeside Housing" not in page.text
    assert "Closed Shelter" not in page.text
    assert 'data-testid="redisclosure"' not in page.text  # no patient information here


def test_filter_by_kind_and_search_by_name(client, clinic, pantry, meeting):
    client.force_login(member(Role.SUPPORTER, clinic))
    by_kind = client.get(reverse("resources:directory"), {"kind": "food"}).text
    assert "Northside Pantry" in by_kind and "Maple Street Meeting" not in by_kind
    by_name = client.get(reverse("resources:directory"), {"q": "maple"}).text
    assert "Maple Street Meeting" in by_name and "Northside Pantry" not in by_name
    nonsense = client.get(reverse("resources:directory"), {"kind": "nope"})
    assert nonsense.status_code == 200
    assert "Northside Pantry" in nonsense.text


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("resources:directory"))
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_management_is_404_for_everyone_but_admins(client, clinic, pantry, role):
    client.force_login(member(role, clinic))
    assert client.get(reverse("resources:resource_manage")).status_code == 404
    assert client.get(reverse("resources:resource_create")).status_code == 404
    assert client.get(reverse("resources:resource_edit", args=[pantry.pk])).status_code == 404
    response = client.post(reverse("resources:resource_active", args=[pantry.pk]), {"active": "0"})
    assert response.status_code == 404
    pantry.refresh_from_db()
    assert pantry.is_active


def test_admin_cannot_reach_another_clinics_entry(client, clinic_admin, other_resource):
    client.force_login(clinic_admin)
    url = reverse("resources:resource_edit", args=[other_resource.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Hijack", "kind": "food"}).status_code == 404
    other_resource.refresh_from_db()
    assert other_resource.name == "Lakeside Housing"


def test_admin_creates_edits_deactivates_and_reactivates(client, clinic, clinic_admin):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("resources:resource_create"),
        {
            "name": "Second Start Jobs",
            "kind": "employment",
            "phone": "555-0185",
            "website": "https://secondstart.example",
            "languages": "English, Spanish",
        },
    )
    assert response.status_code == 302
    resource = CommunityResource.objects.get(clinic=clinic, name="Second Start Jobs")

    client.post(
        reverse("resources:resource_edit", args=[resource.pk]),
        {"name": "Second Start Jobs Program", "kind": "employment"},
    )
    resource.refresh_from_db()
    assert resource.name == "Second Start Jobs Program"

    client.post(reverse("resources:resource_active", args=[resource.pk]), {"active": "0"})
    resource.refresh_from_db()
    assert not resource.is_active
    assert resource not in client.get(reverse("resources:directory")).context["resources"]
    assert resource in client.get(reverse("resources:resource_manage")).context["resources"]
    client.post(reverse("resources:resource_active", args=[resource.pk]), {"active": "1"})
    resource.refresh_from_db()
    assert resource.is_active


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "", "kind": "food"}, "name"),
        ({"name": "X", "kind": "spaceship"}, "kind"),
        ({"name": "X", "kind": "food", "email": "not-an-email"}, "email"),
        ({"name": "X", "kind": "food", "website": "javascript:alert(1)"}, "website"),
    ],
)
def test_bad_input_shows_field_errors_and_saves_nothing(client, clinic_admin, values, field):
    client.force_login(clinic_admin)
    response = client.post(reverse("resources:resource_create"), values)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not CommunityResource.objects.exists()


@pytest.mark.parametrize("url_name", ["resources:directory", "resources:resource_manage"])
def test_list_queries_do_not_grow_with_rows(
    client, clinic, clinic_admin, url_name, django_assert_max_num_queries
):
    client.force_login(clinic_admin)

    def make(count, start):
        CommunityResource.objects.bulk_create(
            CommunityResource(clinic=clinic, name=f"Partner {i:02d}", kind=ResourceKind.FOOD)
            for i in range(start, start + count)
        )

    make(3, 0)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse(url_name)).status_code == 200
    make(27, 3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse(url_name))
    assert page.text.count("Partner ") >= 30
