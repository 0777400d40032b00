"""The messaging area of the API test world: the supporter's consent gains `messages` (a new
version that supersedes the one in force; world_updates.py chains on it after, and its
`consent_id` names the last), the person's own thread with the care team (`thread_id`) and
their first message in it (`message_id`)."""

from messaging.models import AuthorRole, Message, Thread
from networks.models import Consent, Scope, SignatureMethod
from networks.services import consent_scopes_change


def extend(world) -> dict[str, int]:
    contact = world.patient.contacts.get(user=world.supporter)
    consent = Consent.objects.get(contact=contact, superseded_at__isnull=True)
    consent_scopes_change(
        consent=consent,
        actor=world.person,
        scopes=sorted({*consent.scopes, Scope.MESSAGES.value}),
        signed_name="Jordan Rivera",
        signature_method=SignatureMethod.IN_APP,
    )
    thread = Thread.objects.create(patient=world.patient)
    message = Message.objects.create(
        thread=thread,
        author=world.person,
        author_role=AuthorRole.PATIENT,
        body="Could we move Thursday's session?",
    )
    thread.last_message_at = thread.last_inbound_at = message.created_at
    thread.save(update_fields=["last_message_at", "last_inbound_at"])
    return {"thread_id": thread.pk, "message_id": message.pk}
