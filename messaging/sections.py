"""The supporter's "Write to the care team" block (declared in networks.sections by
MessagingConfig.ready()): shown, and MESSAGE_NEW sent to a supporter, only while their consent
in force shares Scope.MESSAGES (the outbox checks it again at send time)."""

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from networks.models import Scope
from networks.sections import register_section
from networks.selectors import SupporterView
from notifications.models import Kind


def select_messages(view: SupporterView, today: date) -> None:
    """Nothing to compute: the block only links to the thread (no query on the page)."""


def serialize_messages(view: SupporterView) -> dict[str, Any]:
    return {
        Scope.MESSAGES.value: {
            "url": reverse("api:supporter-patient-messages", args=[view.patient.pk]),
        }
    }


def register() -> None:
    register_section(
        Scope.MESSAGES,
        select=select_messages,
        serialize=serialize_messages,
        kinds=[Kind.MESSAGE_NEW],
        anchor="care-team-messages",
        label=_("Write to the care team"),
        page_order=60,
        template="messaging/section.html",
    )
