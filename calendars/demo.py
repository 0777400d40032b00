"""Demo calendar feeds for `manage.py seed_demo` (safe to run twice): one for each person in
recovery who signs in, and one for each supporter who signs in and is shared something now."""

from accounts.models import Organization
from calendars.services import feed_ensure
from networks.consent import consented_scopes_of
from networks.models import ContactStatus, SupportContact
from patients.models import Patient


def seed_calendars(clinic: Organization) -> int:
    """Make the clinic's demo feeds; returns how many feeds the clinic has."""
    made = 0
    for patient in Patient.objects.filter(clinic=clinic, user__isnull=False).select_related(
        "clinic", "user"
    ):
        feed_ensure(patient=patient, actor=patient.user)
        made += 1
    contacts = list(
        SupportContact.objects.filter(
            patient__clinic=clinic, status=ContactStatus.ACTIVE, user__isnull=False
        ).select_related("patient__clinic", "user")
    )
    sharing = consented_scopes_of(contacts)
    for contact in contacts:
        if sharing[contact.pk]:
            feed_ensure(patient=contact.patient, contact=contact, actor=contact.user)
            made += 1
    return made
