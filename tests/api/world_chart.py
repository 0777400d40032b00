"""The chart and clinic-admin area of the API test world: a program (`program_id`), the
clinician's staff membership (`membership_id`), a waiting staff invitation
(`staff_invitation_id`) and a person whose account lock the admin may end (`user_id`)."""

from accounts.models import Membership
from tests.factories import ProgramFactory, StaffInvitationFactory


def extend(world) -> dict[str, int]:
    clinic = world.patient.clinic
    program = ProgramFactory(clinic=clinic, name="Evening outpatient")
    membership = Membership.objects.get(organization=clinic, user=world.clinician)
    invitation = StaffInvitationFactory(clinic=clinic, full_name="Sam Invited")
    return {
        "program_id": program.pk,
        "membership_id": membership.pk,
        "staff_invitation_id": invitation.pk,
        "user_id": world.person.pk,
    }
