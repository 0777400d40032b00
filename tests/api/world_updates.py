"""The updates area of the API test world: the supporter's consent gains `updates` (a new
version that supersedes the first, the way the person changes it; `consent_id` then names the
one in force), an update of the person shared with them (`update_id`) and their reply to it
(`reply_id`)."""

from networks.models import Consent, Scope, SignatureMethod
from networks.services import consent_scopes_change
from updates.models import Reply, Update


def extend(world) -> dict[str, int]:
    contact = world.patient.contacts.get(user=world.supporter)
    consent = Consent.objects.get(contact=contact, superseded_at__isnull=True)
    current = consent_scopes_change(
        consent=consent,
        actor=world.person,
        scopes=sorted({*consent.scopes, Scope.UPDATES.value}),
        signed_name="Jordan Rivera",
        signature_method=SignatureMethod.IN_APP,
    )
    update = Update.objects.create(
        patient=world.patient, author=world.person, text="A good week of walks."
    )
    update.audience.set([contact])
    reply = Reply.objects.create(update=update, contact=contact, text="Proud of you!")
    return {"consent_id": current.pk, "update_id": update.pk, "reply_id": reply.pk}
