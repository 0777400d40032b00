"""The networks rows of the API test world: an invitation the contact once accepted, and a
message of encouragement they sent (path ids `invitation_id`, `encouragement_id`)."""

import secrets
from datetime import timedelta

from django.utils import timezone

from networks.models import Invitation, SupportContact
from networks.services import encouragement_send


def extend(world) -> dict[str, int]:
    contact = SupportContact.objects.get(pk=world.ids["contact_id"])
    now = timezone.now()
    invitation = Invitation.objects.create(
        contact=contact,
        email=contact.email,
        nonce=secrets.token_hex(16),
        sent_by=world.clinician,
        expires_at=now + timedelta(days=Invitation.VALID_DAYS),
        accepted_at=now,
        accepted_by=world.supporter,
    )
    note = encouragement_send(contact=contact, message="Thinking of you today.")
    return {"invitation_id": invitation.pk, "encouragement_id": note.pk}
