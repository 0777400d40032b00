"""Demo data for "who saw my information": a supporter's views and the care team's chart views.

Audit events are append-only and stamped with the time they are written, so the demo's are
stamped with the time the seed runs; other seed steps already leave events of their own.
"""

import random
from datetime import date

from accounts.models import Role
from audit.models import Action, AuditEvent
from audit.services import audit_record
from networks.models import SupportContact

DEMO_MARK = "demo_access"


def seed_audit(demos: list, rng: random.Random, today: date) -> None:
    """Per person: one to three views by each supporter with an account, one chart view by
    the primary clinician. Idempotent: a person who already has the demo's events is skipped."""
    for demo in demos:
        clinician = demo.clinicians[0]
        for patient in demo.patients:
            if AuditEvent.objects.filter(patient=patient, details__demo=DEMO_MARK).exists():
                continue
            audit_record(
                action=Action.VIEW,
                actor=clinician,
                clinic=demo.clinic,
                target=patient,
                patient=patient,
                details={"page": "chart", "demo": DEMO_MARK},
            )
            contacts = SupportContact.objects.filter(
                patient=patient,
                user__memberships__organization=demo.clinic,
                user__memberships__role=Role.SUPPORTER,
            ).order_by("pk")
            for contact in contacts:
                for _ in range(rng.randint(1, 3)):
                    audit_record(
                        action=Action.VIEW,
                        actor=contact.user,
                        clinic=demo.clinic,
                        target=contact,
                        patient=patient,
                        details={"demo": DEMO_MARK},
                    )
