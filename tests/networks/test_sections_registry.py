"""The section registry: every scope is declared once, and the outbox asks its guard."""

from networks.models import Scope
from networks.sections import ANY_SCOPE_KINDS, SECTIONS, consent_send_guard, scope_of_kind
from notifications.hooks import SEND_GUARDS
from notifications.models import Kind


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
