"""Demo updates for `manage.py seed_demo` (safe to run twice): the demo person
(patient@<clinic's domain>) shares two updates with the demo family member (family@...), one
with a photo made here and re-encoded by the service like any upload, and the family member
has reacted and replied. The family member's consent gets `updates` if it lacks it (a new
consent version, the way the person would change it)."""

import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import Organization
from networks.consent import consented_scopes
from networks.models import ContactStatus, Scope, SignatureMethod, SupportContact
from networks.services import consent_scopes_change, current_consent
from patients.models import Patient
from updates import services
from updates.models import ReactionKind, Update

FIRST = "Two weeks of morning walks with my neighbour. I sleep better and I feel more like me."
SECOND = (
    "The view from the hill at the end of our walk today. A ride to Thursday's group would "
    "help a lot this week."
)
REPLY = "So proud of you. Save me a spot on the next walk!"


def demo_photo() -> SimpleUploadedFile:
    """A small landscape drawn in memory (a sky, a sun and a hill), as a PNG upload."""
    image = Image.new("RGB", (1200, 800), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.ellipse((850, 120, 1010, 280), fill=(255, 214, 90))
    draw.polygon(
        [(0, 800), (0, 520), (400, 380), (800, 500), (1200, 420), (1200, 800)], fill=(90, 150, 80)
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("walk.png", out.getvalue(), content_type="image/png")


def _family_contact(patient: Patient) -> SupportContact | None:
    contact = (
        patient.contacts.filter(user__email__startswith="family@", status=ContactStatus.ACTIVE)
        .select_related("patient__clinic", "user")
        .first()
    )
    if contact is None:
        return None
    if Scope.UPDATES not in consented_scopes(contact):
        consent = current_consent(contact)
        if consent is None:
            return None
        consent_scopes_change(
            consent=consent,
            actor=patient.user,
            scopes=sorted({*consent.scopes, Scope.UPDATES.value}),
            signed_name=patient.legal_name,
            signature_method=SignatureMethod.IN_APP,
        )
    return contact


def seed_updates(clinic: Organization, today: date) -> None:
    patient = (
        Patient.objects.filter(clinic=clinic, user__email__startswith="patient@")
        .select_related("clinic", "user")
        .first()
    )
    if patient is None or Update.objects.filter(patient=patient).exists():
        return  # no demo person here, or seeded before
    contact = _family_contact(patient)
    if contact is None:
        return
    first = services.update_post(
        patient=patient, author=patient.user, text=FIRST, audience=[contact]
    )
    second = services.update_post(
        patient=patient, author=patient.user, text=SECOND, audience=[contact], photo=demo_photo()
    )
    now = timezone.now()
    Update.objects.filter(pk=first.pk).update(created_at=now - timedelta(days=3))
    Update.objects.filter(pk=second.pk).update(created_at=now - timedelta(hours=5))
    services.reaction_set(update=first, contact=contact, kind=ReactionKind.CELEBRATE)
    services.reply_post(update=first, contact=contact, text=REPLY)
