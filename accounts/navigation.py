"""The navigation each role sees. Later features add their entries here.

A role's menu fits one row on a 1280 px screen: the clinic admin's management pages are grouped
in dropdowns ("Clinic", "Library"), and the person in recovery's less frequent pages sit under
"More". On a phone the whole menu collapses behind one button, groups included.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str


@dataclass(frozen=True)
class NavGroup:
    """A dropdown of the menu: a button named `label` that opens `items`."""

    label: str | Promise
    items: tuple[NavItem, ...]


@dataclass
class NavEntry:
    """One entry of the rendered menu: a link (url) or a dropdown (items), and whether it is, or
    holds, the page being shown."""

    label: str | Promise
    url: str = ""
    current: bool = False
    items: list["NavEntry"] = field(default_factory=list)
    key: str = ""

    @property
    def is_group(self) -> bool:
        return bool(self.items)


NAVIGATION: dict[str, list[NavItem | NavGroup]] = {
    Role.ADMIN: [
        NavItem(_("Dashboard"), "reports:dashboard"),
        NavItem(_("Patients"), "clinic_admin:patients"),
        NavGroup(
            _("Clinic"),
            (
                NavItem(_("Staff"), "clinic_admin:staff"),
                NavItem(_("Programs"), "clinic_admin:programs"),
                NavItem(_("Import and export"), "imports:index"),
                NavItem(_("Settings"), "clinic_admin:settings"),
                NavItem(_("Emergency access"), "clinic_admin:emergency_access"),
                NavItem(_("Audit trail"), "audit:trail"),
                NavItem(_("Delivery log"), "notifications:log"),
                NavItem(_("FHIR export"), "interop:fhir_export"),
                NavItem(_("Webhooks"), "webhooks:endpoints"),
                NavItem(_("Message hours"), "messaging:hours"),
            ),
        ),
        NavGroup(
            _("Library"),
            (
                NavItem(_("Strategy library"), "coping:library"),
                NavItem(_("Resources"), "resources:article_manage"),
                NavItem(_("Events"), "events:index"),
            ),
        ),
    ],
    Role.CLINICIAN: [
        NavItem(_("Caseload"), "patients:caseload"),
        NavItem(_("Messages"), "messaging:inbox"),
        NavItem(_("Strategy library"), "coping:library"),
        NavItem(_("Resources"), "resources:article_list"),
        NavItem(_("Events"), "events:index"),
    ],
    Role.PATIENT: [
        NavItem(_("My recovery"), "patients:patient_home"),
        NavItem(_("Check in"), "coping:my_checkin"),
        NavItem(_("My progress"), "coping:my_progress"),
        NavItem(_("My coping plan"), "coping:my_plan"),
        NavGroup(
            _("More"),
            (
                # Messages sit here, first: as a top-level entry the row no longer fits 1280 px.
                NavItem(_("Messages"), "messaging:mine"),
                NavItem(_("My network"), "networks:my_network"),
                NavItem(_("Help calendar"), "networks:my_help"),
                NavItem(_("Updates"), "updates:mine"),
                NavItem(_("Milestones"), "coping:my_milestones"),
                NavItem(_("Who saw my information"), "audit:who_saw_me"),
                NavItem(_("Resources"), "resources:article_list"),
                NavItem(_("Events and stories"), "events:index"),
            ),
        ),
    ],
    Role.SUPPORTER: [
        NavItem(_("How I can help"), "networks:supporter_home"),
        NavItem(_("Updates"), "updates:feed"),
        NavItem(_("Help calendar"), "networks:supporter_calendar"),
        NavGroup(
            _("More"),
            (
                # Grouped so the row still fits 1280 px with the help calendar and updates.
                NavItem(_("Resources"), "resources:article_list"),
                NavItem(_("Events and stories"), "events:index"),
            ),
        ),
    ],
}


def nav_links(role: str) -> list[NavItem]:
    """Every destination of a role's menu, groups flattened, in menu order."""
    links: list[NavItem] = []
    for entry in NAVIGATION.get(role, []):
        links.extend(entry.items if isinstance(entry, NavGroup) else [entry])
    return links


def nav_for(role: str, path: str) -> list[NavEntry]:
    """The role's menu with its URLs, marking the entry (and the group) of the current page.
    No queries: URLs are reversed in memory."""
    entries: list[NavEntry] = []
    for number, entry in enumerate(NAVIGATION.get(role, [])):
        if isinstance(entry, NavGroup):
            items = [_link(item, path) for item in entry.items]
            current = any(item.current for item in items)
            entries.append(NavEntry(entry.label, "", current, items, key=f"nav-group-{number}"))
        else:
            entries.append(_link(entry, path))
    return entries


def _link(item: NavItem, path: str) -> NavEntry:
    url = reverse(item.url_name)
    return NavEntry(item.label, url, path == url)
