"""The registry of what a supporter may see: one `Section` per scope.

A section says, for its scope, how the portal computes it (`select`, filling a SupporterView),
how the API writes it (`serialize`), its part of the weekly digest (`digest`, added by
engagement, which sends the digest) and the messages a supporter gets only under it (`kinds`).
The portal (networks.selectors.supporter_view), the API (networks.serializers), the digest
and the outbox's send-time check (`consent_send_guard`, registered with
notifications.hooks.register_send_guard) all read SECTIONS. The sections themselves are
declared in networks.supporter_sections; adding a scope is one Scope member and one entry
there. A section also says where it sits on the supporter's page (`page_order`), its anchor and
menu label and its template fragment: the page's menu and blocks are built from `page_sections`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from networks.consent import consented_scopes
from networks.models import ContactStatus, Scope
from notifications.models import Kind

if TYPE_CHECKING:
    from networks.selectors import SupporterView
    from notifications.models import Notification

# A label: a translatable (lazy) string, translated when the page renders.
StrOrPromise = str | Promise


@dataclass
class Section:
    scope: Scope
    # The portal's part: fills the view's fields for this scope (patient-local `today`).
    select: Callable[[SupporterView, date], None]
    # The API's part: the keys this scope adds to a supporter's view of the person.
    serialize: Callable[[SupporterView], dict[str, Any]]
    # Messages to a supporter that only this scope allows.
    kinds: frozenset[str] = frozenset()
    # The weekly digest's part (engagement.digests.DigestPart, registered by engagement, which
    # sends the digest; opaque here): what the digest computes and says for this scope.
    digest: Any = None
    # The supporter's page: the block's anchor (its id), its label in the page's menu (lazy),
    # its place on the page (lowest first) and its template fragment (given `view`).
    anchor: str = ""
    label: StrOrPromise = ""
    page_order: int = 0
    template: str = ""
    # Whether the page shows the block of a view holding this scope (None: always).
    on_page: Callable[[SupporterView], bool] | None = None


SECTIONS: dict[str, Section] = {}
# Digest parts registered before their section is declared (an app order that puts the digest's
# app first): joined to the section when it is declared.
_WAITING_DIGEST_PARTS: dict[str, Any] = {}

# Messages to a supporter that any consent in force allows (none when nothing is shared).
ANY_SCOPE_KINDS = frozenset({Kind.REACH_OUT, Kind.DIGEST})


def register_section(
    scope: Scope,
    *,
    select: Callable[[SupporterView, date], None],
    serialize: Callable[[SupporterView], dict[str, Any]],
    kinds: Iterable[str] = (),
    anchor: str = "",
    label: StrOrPromise = "",
    page_order: int = 0,
    template: str = "",
    on_page: Callable[[SupporterView], bool] | None = None,
) -> Section:
    """Declare the section of `scope` (once; declaring it again replaces it)."""
    section = Section(
        scope=scope,
        select=select,
        serialize=serialize,
        kinds=frozenset(kinds),
        anchor=anchor,
        label=label,
        page_order=page_order,
        template=template,
        on_page=on_page,
    )
    if scope in SECTIONS:
        section.digest = SECTIONS[scope].digest
    section.digest = _WAITING_DIGEST_PARTS.pop(scope, section.digest)
    SECTIONS[scope] = section
    return section


def register_digest_part(scope: Scope, part: Any) -> None:
    """The weekly digest's part of a declared section (from the app that sends the digest,
    in its ready(); before the section is declared, it waits for it)."""
    if scope in SECTIONS:
        SECTIONS[scope].digest = part
    else:
        _WAITING_DIGEST_PARTS[scope] = part


def sections_for(scopes: Iterable[str]) -> list[Section]:
    """The declared sections of these scopes, in the order they were declared."""
    granted = set(scopes)
    return [section for scope, section in SECTIONS.items() if scope in granted]


def page_sections(view: SupporterView) -> list[Section]:
    """The sections the supporter's page shows for this view (those in force that have a block
    and want to be shown), in page order."""
    shown = [
        section
        for section in sections_for(view.scopes)
        if section.template and (section.on_page is None or section.on_page(view))
    ]
    return sorted(shown, key=lambda section: section.page_order)


def scope_of_kind(kind: str) -> str | None:
    """The scope a supporter must have been granted to be sent this kind (None: no one)."""
    return next((s.scope for s in SECTIONS.values() if kind in s.kinds), None)


def consent_send_guard(row: Notification) -> str:
    """The outbox's send-time check for a supporter's message: why it must not go out any
    more (a removed contact, no consent in force for its scope, or none at all for a kind any
    consent allows), or "" when it still may."""
    if row.recipient_contact_id is None:
        return ""
    contact = row.recipient_contact
    if contact.status == ContactStatus.REMOVED:
        return "The contact was removed from the network."
    scope = scope_of_kind(row.kind)
    scopes = consented_scopes(contact)
    if (scope and scope not in scopes) or (row.kind in ANY_SCOPE_KINDS and not scopes):
        return "No consent in force for this any more."
    return ""
