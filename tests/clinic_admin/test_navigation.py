"""The clinic admin's menu reaches each management page; other roles see none of them."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "reports:dashboard",
    "clinic_admin:patients",
    "clinic_admin:programs",
    "clinic_admin:staff",
    "clinic_admin:emergency_access",
]


def test_admin_menu_links_every_management_page(admin_signed_in):
    page = admin_signed_in.get(reverse("reports:dashboard")).content.decode()

    for name in ADMIN_PAGES:
        assert f'href="{reverse(name)}"' in page, name
        assert admin_signed_in.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_other_roles_see_no_admin_links(client, clinic, role):
    client.force_login(member(role, clinic))

    page = client.get(reverse("home"), follow=True).content.decode()

    for name in ADMIN_PAGES[1:]:
        assert reverse(name) not in page, name
