"""A user of one clinic never sees another clinic: not in the switcher, not its pages (404)."""

import pytest
from django.urls import reverse

from accounts.access import SESSION_KEY
from accounts.models import Role
from audit.models import Action, AuditEvent
from tests.factories import MembershipFactory, member

pytestmark = pytest.mark.django_db


def test_switcher_lists_only_the_users_own_clinics(client, clinic, other_clinic, clinician):
    member(Role.CLINICIAN, other_clinic)  # clinic B has people too
    client.force_login(clinician)

    page = client.get(reverse("patients:caseload")).content.decode()

    assert clinic.name in page
    assert other_clinic.name not in page
    assert reverse("accounts:clinic_switch", args=[other_clinic.slug]) not in page


def test_clinic_list_shows_only_own_clinics(client, clinic, other_clinic, clinician):
    client.force_login(clinician)

    page = client.get(reverse("accounts:clinic_list")).content.decode()

    assert clinic.name in page
    assert other_clinic.name not in page


def test_another_clinics_page_is_404(client, clinic, other_clinic, clinician):
    client.force_login(clinician)

    def detail(slug: str) -> int:
        return client.get(reverse("accounts:clinic_detail", args=[slug])).status_code

    assert detail(clinic.slug) == 200
    assert detail(other_clinic.slug) == 404
    assert detail("no-such-clinic") == 404


def test_switching_into_another_clinic_is_404_and_changes_nothing(
    client, clinic, other_clinic, clinician
):
    client.force_login(clinician)

    response = client.post(reverse("accounts:clinic_switch", args=[other_clinic.slug]))

    assert response.status_code == 404
    assert client.session.get(SESSION_KEY) is None
    assert client.get(reverse("home")).url == reverse("patients:caseload")


def test_an_inactive_membership_does_not_open_the_clinic(client, clinic, other_clinic, clinician):
    MembershipFactory(user=clinician, organization=other_clinic, role=Role.ADMIN, is_active=False)
    client.force_login(clinician)

    detail = client.get(reverse("accounts:clinic_detail", args=[other_clinic.slug]))
    assert detail.status_code == 404
    assert other_clinic.name not in client.get(reverse("accounts:clinic_list")).content.decode()


def test_user_in_two_clinics_switches_and_lands_on_that_roles_home(client, clinic, other_clinic):
    person = member(Role.CLINICIAN, clinic)  # "Harbor..." sorts first: the default clinic
    MembershipFactory(user=person, organization=other_clinic, role=Role.ADMIN)
    client.force_login(person)

    assert client.get(reverse("home")).url == reverse("patients:caseload")
    page = client.get(reverse("patients:caseload")).content.decode()
    assert clinic.name in page and other_clinic.name in page

    response = client.post(reverse("accounts:clinic_switch", args=[other_clinic.slug]))

    assert response.url == reverse("reports:dashboard")
    assert client.session[SESSION_KEY] == other_clinic.pk
    assert client.get(reverse("reports:dashboard")).status_code == 200
    assert client.get(reverse("patients:caseload")).status_code == 404  # not a clinician here
    assert AuditEvent.objects.filter(
        actor=person, action=Action.CLINIC_SWITCH, clinic=other_clinic
    ).exists()


def test_switch_ignores_an_offsite_next_url(client, clinic, clinician):
    client.force_login(clinician)

    response = client.post(
        reverse("accounts:clinic_switch", args=[clinic.slug]), {"next": "https://evil.example/"}
    )

    assert response.url == reverse("patients:caseload")


def test_switch_needs_post(client, clinic, clinician):
    client.force_login(clinician)

    assert client.get(reverse("accounts:clinic_switch", args=[clinic.slug])).status_code == 405


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, "reports:dashboard"),
        (Role.CLINICIAN, "patients:caseload"),
        (Role.PATIENT, "patients:patient_home"),
        (Role.SUPPORTER, "networks:supporter_home"),
    ],
)
def test_each_role_opens_only_its_own_home(client, clinic, role, allowed):
    client.force_login(member(role, clinic))

    assert client.get(reverse("home")).url == reverse(allowed)
    for other in {
        "reports:dashboard",
        "patients:caseload",
        "patients:patient_home",
        "networks:supporter_home",
    } - {allowed}:
        assert client.get(reverse(other)).status_code == 404, other
    assert client.get(reverse(allowed)).status_code == 200


def test_role_homes_ask_anonymous_visitors_to_sign_in(client):
    for name in ["reports:dashboard", "patients:caseload", "networks:supporter_home"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_a_user_with_no_clinic_gets_a_clear_page(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:no_clinic")
    assert b"not part of a clinic yet" in response.content
