"""Demo data for the network and outcomes reports: invitations sent and accepted, help tasks
done, a consent ending soon, and one person whose supporters have paused (so every network
group has someone). Idempotent: a second run adds nothing."""

import random
import secrets
from datetime import date, timedelta

from django.utils import timezone

from networks.models import (
    Consent,
    ContactStatus,
    HelpKind,
    HelpStatus,
    HelpTask,
    Invitation,
    SignatureMethod,
)

DONE_TASK_TITLE = "Company at the Saturday meeting"
# The demo's first people have the supporter logins and the third has ended consents: leave
# their networks as they are.
LOGIN_PEOPLE = 2


def seed_network_reports(demos: list, rng: random.Random, today: date) -> None:
    now = timezone.now()
    for demo in demos:
        clinician = demo.clinicians[0]
        for position, patient in enumerate(demo.patients):
            contacts = list(patient.contacts.order_by("pk"))
            for contact in contacts:
                if contact.email and not contact.invitations.exists():
                    accepted = contact.status == ContactStatus.ACTIVE
                    Invitation.objects.create(
                        contact=contact, email=contact.email, nonce=secrets.token_hex(16),
                        sent_by=clinician, expires_at=now + timedelta(days=Invitation.VALID_DAYS),
                        accepted_at=now if accepted else None,
                        accepted_by=contact.user if accepted else None,
                    )  # fmt: skip
            active = [c for c in contacts if c.status == ContactStatus.ACTIVE]
            if active and not patient.help_tasks.filter(title=DONE_TASK_TITLE).exists():
                HelpTask.objects.create(
                    patient=patient, kind=HelpKind.COMPANY, title=DONE_TASK_TITLE,
                    status=HelpStatus.DONE, claimed_by=active[0],
                    claimed_at=now - timedelta(days=rng.randint(3, 9)),
                    done_at=now - timedelta(days=rng.randint(1, 2)), created_by=clinician,
                )  # fmt: skip
            if position == LOGIN_PEOPLE + 1 and active:
                _consent_ending_soon(active[0], clinician, today)
            if position == len(demo.patients) - 1 and position > LOGIN_PEOPLE + 1:
                patient.contacts.filter(status=ContactStatus.ACTIVE).update(
                    status=ContactStatus.PAUSED
                )


def _consent_ending_soon(contact: object, clinician: object, today: date) -> None:
    """A dated consent, alongside the open-ended one, that ends within the month."""
    if contact.consents.filter(expires_on__gt=today, revoked_at__isnull=True).exists():
        return
    current = contact.consents.filter(revoked_at__isnull=True, superseded_at__isnull=True).first()
    patient = contact.patient
    Consent.objects.create(
        patient=patient, clinic=patient.clinic, contact=contact,
        scopes=current.scopes if current else ["milestones"], purpose="For the family weekend",
        expires_on=today + timedelta(days=20), signature_method=SignatureMethod.PAPER,
        signed_name=patient.legal_name, signed_at=timezone.now(), recorded_by=clinician,
    )  # fmt: skip
