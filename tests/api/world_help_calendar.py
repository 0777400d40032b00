"""The help calendar's area of the API test world (hcore): a dated task of the person three
days ahead and the supporter's claim of it (`claim_id`, for give-back and swap), and the day
(`day`) an occasion claim names."""

from datetime import timedelta

from networks.help_calendar import claim_slot
from networks.services import help_task_create


def extend(world) -> dict[str, object]:
    day = world.patient.local_today() + timedelta(days=3)
    task = help_task_create(
        patient=world.patient, actor=world.person, kind="ride", title="Ride", due_on=day
    )
    contact = world.patient.contacts.get(user=world.supporter)
    claim = claim_slot(task=task, day=day, contact=contact, actor=world.supporter)
    return {"claim_id": claim.pk, "day": day.isoformat()}
