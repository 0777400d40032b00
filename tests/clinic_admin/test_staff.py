"""Staff: the clinic admin lists clinicians and admins, changes roles and deactivates them;
the clinic always keeps an active admin and nobody deactivates themself."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role, User
from accounts.services import membership_change_role, membership_set_active
from audit.models import Action, AuditEvent
from tests.factories import MembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def membership_of(user, clinic) -> Membership:
    return Membership.objects.get(user=user, organization=clinic)


def test_staff_list_shows_admins_and_clinicians_of_this_clinic_only(
    admin_signed_in, clinic, other_clinic, clinic_admin
):
    colleague = member(Role.CLINICIAN, clinic, full_name="Dana Rivers", email="dana@harbor.org")
    colleague.last_login = timezone.now()
    colleague.save(update_fields=["last_login"])
    gone = member(Role.CLINICIAN, clinic, full_name="Former Colleague")
    Membership.objects.filter(user=gone).update(is_active=False)
    patient_user = member(Role.PATIENT, clinic, full_name="Person In Recovery")
    supporter = member(Role.SUPPORTER, clinic, full_name="Family Supporter")
    elsewhere = member(Role.CLINICIAN, other_clinic, full_name="Lakeside Clinician")

    response = admin_signed_in.get(reverse("clinic_admin:staff"))

    assert response.status_code == 200
    page = response.content.decode()
    for shown in [colleague, gone, clinic_admin]:
        assert shown.email in page
    for hidden in [patient_user, supporter, elsewhere]:
        assert hidden.email not in page
    assert "Dana Rivers" in page
    assert "Deactivated" in page


def test_clinician_gets_404_on_every_staff_page(client, clinic, clinician, clinic_admin):
    client.force_login(clinician)
    admin_membership = membership_of(clinic_admin, clinic)

    assert client.get(reverse("clinic_admin:staff")).status_code == 404
    assert client.get(reverse("clinic_admin:staff_invite")).status_code == 404
    invite = {"email": "new@harbor.org", "full_name": "New Person", "role": Role.ADMIN}
    assert client.post(reverse("clinic_admin:staff_invite"), invite).status_code == 404
    role_url = reverse("clinic_admin:staff_role", args=[admin_membership.pk])
    assert client.post(role_url, {"role": Role.CLINICIAN}).status_code == 404
    active_url = reverse("clinic_admin:staff_active", args=[admin_membership.pk])
    assert client.post(active_url, {"active": "0"}).status_code == 404
    admin_membership.refresh_from_db()
    assert (admin_membership.role, admin_membership.is_active) == (Role.ADMIN, True)
    assert not Membership.objects.filter(user__email="new@harbor.org").exists()


def test_admin_of_another_clinic_gets_404_for_this_clinics_memberships(
    client, clinic, other_clinic, clinician
):
    client.force_login(member(Role.ADMIN, other_clinic))
    target = membership_of(clinician, clinic)

    role_url = reverse("clinic_admin:staff_role", args=[target.pk])
    assert client.post(role_url, {"role": Role.ADMIN}).status_code == 404
    active_url = reverse("clinic_admin:staff_active", args=[target.pk])
    assert client.post(active_url, {"active": "0"}).status_code == 404
    target.refresh_from_db()
    assert (target.role, target.is_active) == (Role.CLINICIAN, True)
    assert clinician.email not in client.get(reverse("clinic_admin:staff")).content.decode()


def test_patient_and_supporter_memberships_are_not_managed_here(admin_signed_in, clinic):
    patient_membership = membership_of(member(Role.PATIENT, clinic), clinic)

    role_url = reverse("clinic_admin:staff_role", args=[patient_membership.pk])
    assert admin_signed_in.post(role_url, {"role": Role.ADMIN}).status_code == 404
    active_url = reverse("clinic_admin:staff_active", args=[patient_membership.pk])
    assert admin_signed_in.post(active_url, {"active": "0"}).status_code == 404
    patient_membership.refresh_from_db()
    assert (patient_membership.role, patient_membership.is_active) == (Role.PATIENT, True)


def test_admin_makes_a_clinician_an_admin_and_back(admin_signed_in, clinic, clinician):
    target = membership_of(clinician, clinic)
    url = reverse("clinic_admin:staff_role", args=[target.pk])

    assert admin_signed_in.post(url, {"role": Role.ADMIN}).status_code == 302
    target.refresh_from_db()
    assert target.role == Role.ADMIN
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_id=str(target.pk), details__role=Role.ADMIN
    ).exists()

    assert admin_signed_in.post(url, {"role": Role.CLINICIAN}).status_code == 302
    target.refresh_from_db()
    assert target.role == Role.CLINICIAN


@pytest.mark.parametrize("role", [Role.PATIENT, Role.SUPPORTER, "owner", ""])
def test_only_admin_or_clinician_can_be_chosen(admin_signed_in, clinic, clinician, role):
    target = membership_of(clinician, clinic)

    response = admin_signed_in.post(
        reverse("clinic_admin:staff_role", args=[target.pk]), {"role": role}, follow=True
    )

    assert response.status_code == 200
    assert "Choose clinic admin or clinician." in response.content.decode()
    target.refresh_from_db()
    assert target.role == Role.CLINICIAN


def test_staff_actions_need_post(admin_signed_in, clinic, clinician):
    target = membership_of(clinician, clinic)

    assert (
        admin_signed_in.get(reverse("clinic_admin:staff_role", args=[target.pk])).status_code == 405
    )
    assert (
        admin_signed_in.get(reverse("clinic_admin:staff_active", args=[target.pk])).status_code
        == 405
    )


def test_admin_deactivates_and_reactivates_a_clinician(admin_signed_in, clinic, clinician):
    target = membership_of(clinician, clinic)
    url = reverse("clinic_admin:staff_active", args=[target.pk])

    assert admin_signed_in.post(url, {"active": "0"}).status_code == 302
    target.refresh_from_db()
    assert target.is_active is False
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_id=str(target.pk), details__is_active=False
    ).exists()

    assert admin_signed_in.post(url, {"active": "1"}).status_code == 302
    target.refresh_from_db()
    assert target.is_active is True


def test_a_deactivated_clinician_can_no_longer_open_the_clinic(client, clinic, clinician):
    client.force_login(member(Role.ADMIN, clinic))
    target = membership_of(clinician, clinic)
    client.post(reverse("clinic_admin:staff_active", args=[target.pk]), {"active": "0"})

    client.force_login(clinician)

    assert client.get(reverse("patients:caseload")).status_code == 302  # to "no clinic"


def test_admin_cannot_deactivate_themself(admin_signed_in, clinic, clinic_admin):
    member(Role.ADMIN, clinic)  # another admin exists: the rule is about oneself
    mine = membership_of(clinic_admin, clinic)

    response = admin_signed_in.post(
        reverse("clinic_admin:staff_active", args=[mine.pk]), {"active": "0"}, follow=True
    )

    assert response.status_code == 200
    assert "You cannot deactivate yourself" in response.content.decode()
    mine.refresh_from_db()
    assert mine.is_active is True


def test_the_only_admin_cannot_hand_over_to_nobody(admin_signed_in, clinic, clinic_admin):
    mine = membership_of(clinic_admin, clinic)

    response = admin_signed_in.post(
        reverse("clinic_admin:staff_role", args=[mine.pk]), {"role": Role.CLINICIAN}, follow=True
    )

    assert response.status_code == 200
    assert "This is the clinic&#x27;s only active admin" in response.content.decode()
    mine.refresh_from_db()
    assert mine.role == Role.ADMIN


def test_an_inactive_admin_does_not_count_as_another_admin(admin_signed_in, clinic, clinic_admin):
    Membership.objects.filter(user=member(Role.ADMIN, clinic)).update(is_active=False)
    mine = membership_of(clinic_admin, clinic)

    admin_signed_in.post(reverse("clinic_admin:staff_role", args=[mine.pk]), {"role": "clinician"})

    mine.refresh_from_db()
    assert mine.role == Role.ADMIN


def test_an_admin_hands_over_and_becomes_a_clinician(admin_signed_in, clinic, clinic_admin):
    member(Role.ADMIN, clinic)
    mine = membership_of(clinic_admin, clinic)

    response = admin_signed_in.post(
        reverse("clinic_admin:staff_role", args=[mine.pk]), {"role": Role.CLINICIAN}
    )

    assert response.url == reverse("home")  # the staff page is no longer theirs
    mine.refresh_from_db()
    assert mine.role == Role.CLINICIAN
    assert admin_signed_in.get(reverse("clinic_admin:staff")).status_code == 404


def test_services_never_remove_the_last_active_admin(clinic, clinic_admin):
    # Through the pages the acting admin is always an active admin, so the last one is only at
    # risk from a request racing another change, or from another caller of the services.
    stale = member(Role.ADMIN, clinic)
    Membership.objects.filter(user=stale).update(is_active=False)
    last = membership_of(clinic_admin, clinic)

    with pytest.raises(ValidationError, match="only active admin"):
        membership_set_active(membership=last, is_active=False, actor=stale)
    with pytest.raises(ValidationError, match="only active admin"):
        membership_change_role(membership=last, role=Role.CLINICIAN, actor=stale)
    last.refresh_from_db()
    assert (last.role, last.is_active) == (Role.ADMIN, True)


def test_an_admin_whose_account_is_disabled_does_not_count(clinic, clinic_admin):
    disabled = member(Role.ADMIN, clinic)
    User.objects.filter(pk=disabled.pk).update(is_active=False)

    with pytest.raises(ValidationError, match="only active admin"):
        membership_set_active(
            membership=membership_of(clinic_admin, clinic), is_active=False, actor=disabled
        )


def test_deactivating_an_admin_is_fine_while_another_admin_remains(
    admin_signed_in, clinic, clinic_admin
):
    second = membership_of(member(Role.ADMIN, clinic), clinic)

    admin_signed_in.post(reverse("clinic_admin:staff_active", args=[second.pk]), {"active": "0"})

    second.refresh_from_db()
    assert second.is_active is False


def test_deactivate_needs_a_valid_choice(admin_signed_in, clinic, clinician):
    target = membership_of(clinician, clinic)

    response = admin_signed_in.post(
        reverse("clinic_admin:staff_active", args=[target.pk]), {"active": "yes"}, follow=True
    )

    assert "Choose whether to deactivate or reactivate." in response.content.decode()
    target.refresh_from_db()
    assert target.is_active is True


@pytest.mark.parametrize("size", [5, 60])
def test_staff_list_query_count_does_not_grow_with_staff(
    admin_signed_in, clinic, django_assert_max_num_queries, size
):
    for _ in range(size):
        MembershipFactory(user=UserFactory(), organization=clinic, role=Role.CLINICIAN)

    # session + user + memberships + count + page of memberships with users, + slack
    with django_assert_max_num_queries(7):
        response = admin_signed_in.get(reverse("clinic_admin:staff"))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == size + 1
