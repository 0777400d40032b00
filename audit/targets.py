"""Readable names for what an audit event is about, for the people who read the trail.

An event stores its target as a model label and a primary key ("networks.SupportContact",
"119"); the trail shows "Support contact: Ana Lopez (Sibling)" instead. `TargetIndex.for_events`
loads every target of a page (or an export chunk) with one query per kind of object, whatever
the number of rows, and also names who acted when nobody was signed in: a supporter who opened
a one-action link, an invitee who opened their invitation.

Models are reached by their label (apps.get_model), so this ground-floor app imports none of the
apps above it; each label function reads only the fields loaded with `related`.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import Action, AuditEvent
from core.dates import day

CONTACT = "networks.SupportContact"


@dataclass(frozen=True)
class TargetKind:
    label: Callable[[Any], str]
    related: tuple[str, ...] = ()


def _contact(contact: Any) -> str:
    return _("%(name)s (%(relationship)s)") % {
        "name": contact.name,
        "relationship": contact.get_relationship_display(),
    }


def _of_contact(text: str) -> Callable[[Any], str]:
    """A label naming the support contact the object belongs to."""
    return lambda obj: text % {"name": obj.contact.name}


def _named(text: str, attribute: str) -> Callable[[Any], str]:
    return lambda obj: text % {"name": getattr(obj, attribute)}


def _user(user: Any) -> str:
    return user.full_name or user.email


TARGETS: dict[str, TargetKind] = {
    # networks
    CONTACT: TargetKind(lambda c: _("Support contact: %(contact)s") % {"contact": _contact(c)}),
    "networks.Invitation": TargetKind(_of_contact(_("Invitation to %(name)s")), ("contact",)),
    "networks.Consent": TargetKind(_of_contact(_("Consent for %(name)s")), ("contact",)),
    "networks.HelpTask": TargetKind(_named(_("Help task: %(name)s"), "title")),
    "networks.Encouragement": TargetKind(
        _of_contact(_("Encouragement from %(name)s")), ("contact",)
    ),
    "networks.ReachOut": TargetKind(_of_contact(_("Check-in by %(name)s")), ("contact",)),
    "networks.SetbackNotice": TargetKind(
        _of_contact(_("Setback shared with %(name)s")), ("contact",)
    ),
    "networks.SupporterWellbeing": TargetKind(
        _of_contact(_("How %(name)s is holding up")), ("contact",)
    ),
    # patients
    "patients.Patient": TargetKind(lambda p: _("Record of %(name)s") % {"name": p.display_name}),
    "patients.Program": TargetKind(_named(_("Program: %(name)s"), "name")),
    "patients.CareTeamMember": TargetKind(
        lambda m: (
            _("Care team: %(name)s (%(role)s)")
            % {"name": _user(m.clinician), "role": m.get_team_role_display()}
        ),
        ("clinician",),
    ),
    "patients.RecoveryDate": TargetKind(
        lambda r: _("Recovery start date: %(day)s") % {"day": day(r.start_date)}
    ),
    "patients.Setback": TargetKind(lambda s: _("Setback on %(day)s") % {"day": day(s.occurred_on)}),
    "patients.Milestone": TargetKind(_named(_("Milestone: %(name)s"), "title")),
    "patients.Appointment": TargetKind(
        lambda a: (
            _("Appointment: %(name)s, %(day)s")
            % {"name": a.title or a.get_kind_display(), "day": day(a.starts_at)}
        )
    ),
    # Never the note's words: the trail is read by admins, who do not read clinical notes.
    "patients.ClinicalNote": TargetKind(
        lambda n: _("Clinical note of %(day)s") % {"day": day(n.created_at)}
    ),
    "patients.Alert": TargetKind(lambda a: _("Alert: %(kind)s") % {"kind": a.get_kind_display()}),
    "patients.EmergencyAccess": TargetKind(
        lambda g: _("Emergency access by %(name)s") % {"name": _user(g.user)}, ("user",)
    ),
    # coping
    "coping.CheckIn": TargetKind(lambda c: _("Check-in of %(day)s") % {"day": day(c.local_date)}),
    "coping.Strategy": TargetKind(_named(_("Strategy: %(name)s"), "title")),
    "coping.CopingPlan": TargetKind(lambda p: _("Coping plan")),
    "coping.CopingPlanVersion": TargetKind(
        lambda v: _("Coping plan, version %(number)s") % {"number": v.number}
    ),
    "coping.Assessment": TargetKind(
        lambda a: (
            _("Questionnaire %(name)s of %(day)s")
            % {"name": a.instrument.upper(), "day": day(a.local_date)}
        )
    ),
    "coping.AssessmentSchedule": TargetKind(
        lambda s: _("Questionnaire schedule: %(name)s") % {"name": s.instrument.upper()}
    ),
    # accounts
    "accounts.User": TargetKind(lambda u: _("Account of %(name)s") % {"name": _user(u)}),
    "accounts.Membership": TargetKind(
        lambda m: _("%(name)s as %(role)s") % {"name": _user(m.user), "role": m.get_role_display()},
        ("user",),
    ),
    "accounts.Organization": TargetKind(_named(_("Clinic settings: %(name)s"), "name")),
    # What the inviting admin typed, never the name of an account that holds the address.
    "accounts.StaffInvitation": TargetKind(_named(_("Staff invitation to %(name)s"), "full_name")),
    # events and resources
    "events.Event": TargetKind(_named(_("Event: %(name)s"), "title")),
    "events.EventInvitation": TargetKind(
        lambda i: _("Invitation to the event %(name)s") % {"name": i.event.title}, ("event",)
    ),
    "events.Story": TargetKind(_named(_("Story: %(name)s"), "title")),
    "resources.Article": TargetKind(_named(_("Article: %(name)s"), "title")),
    "resources.CommunityResource": TargetKind(_named(_("Community resource: %(name)s"), "name")),
    "resources.PatientResource": TargetKind(
        lambda r: _("Resource shared: %(name)s") % {"name": r.resource.name}, ("resource",)
    ),
    "joining.PatientInvitation": TargetKind(
        lambda i: _("Sign-in invitation for %(name)s") % {"name": i.patient.display_name},
        ("patient",),
    ),
    # engagement and notifications
    "engagement.HelpRequest": TargetKind(
        lambda r: _("Help button pressed on %(day)s") % {"day": day(r.created_at)}
    ),
    "engagement.CelebrationMessage": TargetKind(
        _of_contact(_("Celebration message from %(name)s")), ("contact",)
    ),
    "engagement.LadderPolicy": TargetKind(lambda p: _("Escalation ladder settings")),
    "notifications.Notification": TargetKind(
        lambda n: _("Message: %(kind)s") % {"kind": n.get_kind_display()}
    ),
}


# Lists of patient data whose reads are audited (audit.services.audit_list), by the key the
# event records; "who saw my information" says "saw you in a list: Caseload".
LISTS: dict[str, Any] = {
    "caseload": gettext_lazy("Caseload"),
    "caseload_attention": gettext_lazy("Caseload: needs attention"),
    "clinic_patients": gettext_lazy("The clinic's patient list"),
    "patient_find": gettext_lazy("Find a patient by MRN"),
    "emergency_access_log": gettext_lazy("Emergency access log"),
    "notifications_log": gettext_lazy("Message delivery log"),
    "supporter_home": gettext_lazy("The supporter's home page"),
    "supporter_help_calendar": gettext_lazy("The supporter's help calendar"),
    "messages_inbox": gettext_lazy("Secure messages: the clinician's inbox"),
    "api_message_threads": gettext_lazy("A patient's message threads (API)"),
    "api_messages_unread": gettext_lazy("Unread messages (API)"),
    "api_emergency_access_log": gettext_lazy("Emergency access log (API)"),
    "event_detail": gettext_lazy("An event's invitations"),
    "api_patients": gettext_lazy("Patient list (API)"),
    "api_appointments": gettext_lazy("Appointment list (API)"),
    "api_alerts": gettext_lazy("Alert list (API)"),
    "django_admin": gettext_lazy("Site administration"),
}


def list_label(key: object) -> str:
    """The readable name of an audited list ("Caseload"); an unknown key shows as recorded."""
    label = LISTS.get(str(key))
    if label is not None:
        return str(label)
    if str(key).startswith("django_admin:"):
        return _("Site administration: %(name)s") % {"name": kind_label(str(key).split(":")[1])}
    return str(key)


def _fallback(obj: models.Model) -> str:
    """A model without its own label: its kind, and its title or name when it has one."""
    kind = capfirst(str(obj._meta.verbose_name))
    for attribute in ("title", "name"):
        value = getattr(obj, attribute, None)
        if isinstance(value, str) and value:
            return _("%(kind)s: %(name)s") % {"kind": kind, "name": value}
    return kind


def kind_label(object_type: str) -> str:
    """The kind of an audited object ("Appointment"), without a query."""
    if not object_type:
        return ""
    try:
        return capfirst(str(apps.get_model(object_type)._meta.verbose_name))
    except (LookupError, ValueError):
        return object_type


def _keys(model: type[models.Model], raw_ids: Iterable[str]) -> list[Any]:
    keys = []
    for raw in raw_ids:
        try:
            keys.append(model._meta.pk.to_python(raw))
        except (ValidationError, ValueError, TypeError):
            continue  # not a key of this model: shown by its kind alone
    return keys


def _link_contact(event: AuditEvent) -> str:
    """The support contact who acted through a link (no sign-in), as the event recorded it."""
    details = event.details if isinstance(event.details, dict) else {}
    contact = details.get("contact")
    return str(contact) if contact not in (None, "") else ""


class TargetIndex:
    """The targets (and link-using contacts) of a set of events, loaded in one query per kind."""

    def __init__(self, objects: dict[tuple[str, str], models.Model]) -> None:
        self.objects = objects

    @classmethod
    def for_events(cls, events: Iterable[AuditEvent]) -> "TargetIndex":
        wanted: dict[str, set[str]] = defaultdict(set)
        for event in events:
            if event.object_type and event.object_id:
                wanted[event.object_type].add(event.object_id)
            if event.actor_id is None and _link_contact(event):
                wanted[CONTACT].add(_link_contact(event))
        objects: dict[tuple[str, str], models.Model] = {}
        for object_type, raw_ids in wanted.items():
            try:
                model = apps.get_model(object_type)
            except (LookupError, ValueError):
                continue
            keys = _keys(model, raw_ids)
            if not keys:
                continue
            # The base manager: a removed contact or a withdrawn story still has a name.
            rows = model._base_manager.filter(pk__in=keys)
            kind = TARGETS.get(object_type)
            if kind is not None and kind.related:
                rows = rows.select_related(*kind.related)
            for obj in rows:
                objects[(object_type, str(obj.pk))] = obj
        return cls(objects)

    def target(self, event: AuditEvent) -> models.Model | None:
        return self.objects.get((event.object_type, event.object_id))

    def label(self, event: AuditEvent) -> str:
        """What the event is about, in words; "" for an event about no object."""
        if not event.object_type:
            return ""
        obj = self.target(event)
        if obj is None:
            return _("%(kind)s (no longer exists)") % {"kind": kind_label(event.object_type)}
        kind = TARGETS.get(event.object_type)
        return kind.label(obj) if kind is not None else _fallback(obj)

    def anonymous_actor(self, event: AuditEvent) -> str:
        """Who acted without being signed in, when the event says: "" if it does not."""
        linked = _link_contact(event)
        contact = self.objects.get((CONTACT, linked)) if linked else None
        if contact is not None:
            return _("%(contact)s, through a link in a message") % {"contact": _contact(contact)}
        if event.action != Action.VIEW:
            return ""
        if event.object_type in INVITATIONS:
            invitation = self.target(event)
            if invitation is not None:
                return _("Invitee: %(name)s") % {"name": _invitee(invitation)}
            return _("Invitee (not signed in)")
        details = event.details if isinstance(event.details, dict) else {}
        if details.get("by") == "patient" and event.patient_id:
            return _("%(name)s, through a link in a message") % {"name": event.patient.display_name}
        return ""


# Invitations someone opens from an email or a text before they have a sign-in.
INVITATIONS = ("networks.Invitation", "joining.PatientInvitation")


def _invitee(invitation: Any) -> str:
    contact = getattr(invitation, "contact", None)
    if contact is not None and contact.name:
        return contact.name
    patient = getattr(invitation, "patient", None)
    if patient is not None:
        return patient.display_name
    return getattr(invitation, "email", "") or getattr(invitation, "address", "")
