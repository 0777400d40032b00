"""The section registry: every scope is declared once, and the outbox asks its guard."""

import pytest

from networks import sections
from networks.models import Scope
from networks.sections import ANY_SCOPE_KINDS, SECTIONS, consent_send_guard, scope_of_kind
from notifications import outbox
from notifications.hooks import SEND_GUARDS
from notifications.models import Kind
from notifications.outbox import still_wanted
from tests.factories import ConsentFactory, NotificationFactory


def test_every_scope_has_exactly_one_section_in_the_order_of_the_enum():
    assert list(SECTIONS) == list(Scope)
    assert all(section.scope == scope for scope, section in SECTIONS.items())


def test_each_supporter_message_kind_belongs_to_one_scope_at_most():
    kinds = [kind for section in SECTIONS.values() for kind in section.kinds]
    assert len(kinds) == len(set(kinds))
    assert not ANY_SCOPE_KINDS & set(kinds)
    assert scope_of_kind(Kind.HELP_REQUEST) == Scope.COPING_PLAN
    assert scope_of_kind(Kind.CHECKIN_REMINDER) is None


def test_the_outbox_asks_the_consent_at_send_time():
    assert consent_send_guard in SEND_GUARDS


@pytest.mark.django_db
def test_with_no_consent_check_installed_nothing_goes_to_a_supporter(contact, monkeypatch):
    """The guard is the only consent check at send time: if no app registered it, a message
    to a supporter is held back, even with a consent in force, rather than sent unchecked."""
    ConsentFactory(contact=contact, scopes=[Scope.MILESTONES.value])
    row = NotificationFactory(
        kind=Kind.MILESTONE_DAY,
        patient=contact.patient,
        recipient_contact=contact,
        recipient_key=f"contact:{contact.pk}",
    )
    assert still_wanted(row) == ""
    monkeypatch.setattr(outbox, "SEND_GUARDS", [])
    assert "No consent check" in still_wanted(row)


def test_a_digest_part_registered_before_its_section_waits_for_it(monkeypatch):
    monkeypatch.setattr(sections, "SECTIONS", {})
    monkeypatch.setattr(sections, "_WAITING_DIGEST_PARTS", {})
    part = object()
    sections.register_digest_part(Scope.HELP_TASKS, part)
    declared = sections.register_section(
        Scope.HELP_TASKS, select=lambda view, day: None, serialize=lambda view: {}
    )
    assert declared.digest is part
