"""The coping area of the API test world: a strategy of the clinic's library (`strategy_id`),
seeded with every new clinic, for `coping/library/{strategy_id}/active/`."""

from coping.models import Strategy


def extend(world) -> dict[str, int]:
    strategy = Strategy.objects.filter(clinic=world.patient.clinic).order_by("pk").first()
    return {"strategy_id": strategy.pk}
