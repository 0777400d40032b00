"""Demo seeding for the resources app; registered in recovery_hub.demo.SEED_STEPS."""

import random
from datetime import date
from typing import TYPE_CHECKING

from resources.models import CommunityResource, PatientResource, ResourceKind
from resources.seed import seed_community, seed_education

if TYPE_CHECKING:  # recovery_hub.demo imports this module to register the step
    from recovery_hub.demo import DemoClinic

DEMO_ATTACHMENTS = [
    (ResourceKind.MUTUAL_HELP, "A welcoming evening meeting close to home."),
    (ResourceKind.NALOXONE, "Pick up a free kit for the household."),
]


def seed_resources(demos: list["DemoClinic"], rng: random.Random, today: date) -> None:
    """Articles and directory for each demo clinic; two entries attached to its first patient."""
    for demo in demos:
        seed_education(demo.clinic)
        seed_community(demo.clinic)
        if not demo.patients:
            continue
        patient = demo.patients[0]
        attached_by = demo.clinicians[0] if demo.clinicians else None
        for kind, note in DEMO_ATTACHMENTS:
            resource = (
                CommunityResource.objects.filter(clinic=demo.clinic, kind=kind, is_active=True)
                .order_by("pk")
                .first()
            )
            if resource is not None:
                PatientResource.objects.get_or_create(
                    patient=patient,
                    resource=resource,
                    defaults={"note": note, "attached_by": attached_by},
                )
