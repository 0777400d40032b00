"""The updates section of the supporter's page and of the API's supporter view (declared in
networks.sections by UpdatesConfig.ready()): the latest updates shared with this supporter,
with a link to the feed where they react and reply. UPDATE_POSTED goes only to supporters
holding this scope (the outbox checks it again at send time)."""

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from networks.models import Scope
from networks.sections import register_section
from networks.selectors import SupporterView
from notifications.models import Kind
from updates.models import Update

LATEST_ON_PAGE = 3


def select_updates(view: SupporterView, today: date) -> None:
    view.shared_updates = list(
        Update.objects.live()
        .filter(patient=view.patient, audience=view.contact)
        .select_related("author")
        .order_by("-created_at", "-id")[:LATEST_ON_PAGE]
    )


def serialize_updates(view: SupporterView) -> dict[str, Any]:
    feed = reverse("updates:feed")
    return {
        Scope.UPDATES.value: [
            {
                "id": update.pk,
                "text": update.text,
                "posted_at": update.created_at.isoformat(),
                "on_behalf": update.on_behalf,
                "has_photo": bool(update.photo),
                "feed_url": feed,
            }
            for update in getattr(view, "shared_updates", [])
        ]
    }


def register() -> None:
    register_section(
        Scope.UPDATES,
        select=select_updates,
        serialize=serialize_updates,
        kinds=[Kind.UPDATE_POSTED],
        anchor="section-updates",
        label=_("Updates"),
        page_order=25,
        template="updates/section.html",
    )
