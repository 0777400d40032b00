"""The calendars area of the API test world: the person's own calendar feed (`feed_id`), the
feed `POST /api/v1/calendar/feeds/{feed_id}/rotate/` is asked about."""

from calendars.services import feed_ensure


def extend(world) -> dict[str, int]:
    feed = feed_ensure(patient=world.patient, actor=world.person)
    return {"feed_id": feed.pk}
