"""The help button: "I'm struggling".

One press shows the crisis plan, 988 first. Sending asks the supporters the person chose, each
for their own playbook step ("when I'm struggling, how this person can help"), by their fastest
channel, and raises a high-severity alert for the care team. A supporter answers "I'm on it" from
a one-action link or their portal, the care team from the chart; the person sees who is on it.

- `help_request_send()` (engagement.services): one transaction: the request, its recipients,
  the alert, the outbox rows. A second press within REPEAT_WITHIN reuses the open request and
  asks only the people not asked yet, so an accidental double tap never messages everyone twice.
- `help_acknowledge()` (engagement.services): "I'm on it", once per person per request, told to
  the person in the app.
- This module: who can be asked, and the messages (asking a supporter, telling the care team
  and the person); the pages' reads are in engagement.selectors.

Supporters get the minimum: the person's first name, their own step and a one-action link; never
the clinic, a diagnosis, a substance or a treatment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from engagement.links import make_link
from engagement.models import HelpAcknowledgement, HelpRequest, LinkAction
from networks.consent import consented_scopes_of
from networks.models import ContactStatus, Scope, SupportContact
from notifications.models import Channel, Kind
from notifications.outbox import Message, enqueue
from notifications.planner import Planner, Recipient, supporter_link
from notifications.sms import SMS_MAX_CHARS
from patients.models import (
    CareTeamMember,
    Patient,
)

# A supporter is asked for their playbook step: part of the coping plan.
HELP_SCOPE = Scope.COPING_PLAN
REPEAT_WITHIN = timedelta(minutes=10)  # a second press this soon reuses the open request
OPEN_FOR = timedelta(hours=48)  # how long a request shows as open, and its links work
STOP_POLLING_AFTER = timedelta(hours=2)  # the status page stops refreshing itself after this


def _site(path: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}{path}"


# --- Who can be asked --------------------------------------------------------------------------


def askable_supporters(patient: Patient, at: datetime | None = None) -> list[SupportContact]:
    """The active contacts whose consent in force shares the coping plan, by name. Two queries
    whatever the size of the network: the gate's own `consented_scopes_of()`, asked for all
    of them at once."""
    contacts = list(
        patient.contacts.filter(status=ContactStatus.ACTIVE)
        .select_related("user")
        .order_by("name", "pk")
    )
    if not contacts:
        return []
    scopes = consented_scopes_of(contacts, at)
    return [contact for contact in contacts if HELP_SCOPE in scopes[contact.pk]]


def fastest_channels(contact: SupportContact) -> list[tuple[str, str]]:
    """(channel, address) pairs for an urgent ask: a text when they have a phone, else email,
    else the app; and the app as well when they have an account."""
    pairs: list[tuple[str, str]] = []
    email = contact.email or (contact.user.email if contact.user_id else "")
    if contact.phone:
        pairs.append((Channel.SMS, contact.phone))
    elif email:
        pairs.append((Channel.EMAIL, email))
    if contact.user_id:
        pairs.append((Channel.IN_APP, ""))
    return pairs


def channel_summary(contact: SupportContact) -> str:
    """How the ask will reach them, in words for the person choosing."""
    labels = [str(Channel(channel).label).lower() for channel, _a in fastest_channels(contact)]
    if not labels:
        return _("no way to reach them is on file")
    return _("by %(channels)s") % {"channels": _(" and ").join(labels)}


# --- The crisis plan shown first ---------------------------------------------------------------


# --- Messages ----------------------------------------------------------------------------------


def _fit_sms(render: Callable[[str], str], step: str, extra: str) -> str:
    """The ask as one text within SMS_MAX_CHARS: the step shortened if it must be, the safety
    line kept only when it fits."""
    text = render(step)
    if len(text) > SMS_MAX_CHARS:
        room = max(SMS_MAX_CHARS - len(render("")) - 1, 0)
        text = render(step[:room].rstrip() + "…")
    if len(text) + 1 + len(extra) <= SMS_MAX_CHARS:
        text = f"{text} {extra}"
    return text


def _ask_text(
    channel: str, name: str, step: str, link: str, portal: str, emergency: str
) -> tuple[str, str, str]:
    """Subject, body and link of the ask, in the active language."""
    step = step or _("Reach out now, the way you usually do: a call, a message or a visit.")
    safety = _("If you fear for their safety, call or text 988, or call %(number)s.") % {
        "number": emergency
    }
    subject = _("%(name)s is asking for you") % {"name": name}
    if channel == Channel.SMS:

        def render(text: str) -> str:
            return _("%(name)s asked for you now: %(step)s Tap to say you're on it: %(link)s") % {
                "name": name,
                "step": text,
                "link": link,
            }

        return "", _fit_sms(render, step, safety), link
    if channel == Channel.IN_APP:
        body = _("%(name)s asked for you now: %(step)s") % {"name": name, "step": step}
        return subject, body, portal
    body = _(
        "%(name)s is having a hard time and asked for you.\n\n"
        "What %(name)s would like you to do:\n%(step)s\n\n"
        "Let %(name)s know you are on it (one tap, no sign-in needed):\n%(link)s\n\n"
        "%(safety)s"
    ) % {"name": name, "step": step, "link": link, "safety": safety}
    return subject, body, link


def _enqueue(
    recipient: Recipient,
    kind: str,
    occurrence: str,
    patient: Patient,
    subject: str,
    body: str,
    link: str,
) -> None:
    enqueue(
        Message(
            kind=kind,
            occurrence=occurrence,
            channel=recipient.channel,
            recipient_key=recipient.key,
            address=recipient.address,
            body=body,
            subject=subject if recipient.channel != Channel.SMS else "",
            link=link,
            language=recipient.language,
            urgent=True,
        ),
        clinic=patient.clinic,
        patient=patient,
        recipient_user=recipient.user,
        recipient_contact=recipient.contact,
    )


def _ask_recipients(contact: SupportContact, patient: Patient) -> list[Recipient]:
    """Where a help request to this supporter goes: their fastest channels."""
    language = contact.message_language  # each supporter their own, whatever the patient's
    return [
        Recipient(
            key=f"contact:{contact.pk}",
            channel=channel,
            address=address,
            language=language,
            zone=patient.zone,
            contact=contact,
            user=contact.user if channel == Channel.IN_APP else None,
        )
        for channel, address in fastest_channels(contact)
    ]


def help_refused(patient: Patient, contacts: list[SupportContact]) -> set[int]:
    """The supporters a help request would not reach, because they turned these messages off
    (an email's link, or their notification settings): by the rule ask_supporter() sends by, so the
    page says what pressing the button will do. Two queries for all of them."""
    planner = Planner(timezone.now())
    planner.load_opt_outs([c.user_id for c in contacts], [c.pk for c in contacts])
    return {
        contact.pk
        for contact in contacts
        if all(planner.opted_out(Kind.HELP_REQUEST, r) for r in _ask_recipients(contact, patient))
    }


def ask_supporter(
    help_request: HelpRequest, contact: SupportContact, planner: Planner, emergency: str
) -> None:
    """Each supporter their own step and their own one-action link, by their fastest channel."""
    patient = help_request.patient
    link = make_link(
        LinkAction.ON_IT,
        contact=contact,
        patient=patient,
        target={"request": help_request.pk},
        valid_for=OPEN_FOR,
    )
    portal = supporter_link(
        contact, reverse("networks:supporter_patient", args=[patient.pk]) + "#help-requests"
    )
    name = patient.first_name
    for recipient in _ask_recipients(contact, patient):
        if planner.opted_out(Kind.HELP_REQUEST, recipient):
            continue
        channel = recipient.channel
        with translation.override(recipient.language):
            subject, body, url = _ask_text(
                channel, name, contact.playbook_step.strip(), link, portal, emergency
            )
        _enqueue(
            recipient, Kind.HELP_REQUEST, f"help:{help_request.pk}", patient, subject, body, url
        )


def tell_care_team(help_request: HelpRequest, planner: Planner) -> None:
    """The care team's in-app note, next to the alert."""
    patient = help_request.patient
    members = (
        CareTeamMember.objects.current()
        .filter(patient=patient, clinician__is_active=True)
        .select_related("clinician")
    )
    url = _site(reverse("patients:alerts", args=[patient.pk]) + f"#alert-{help_request.alert_id}")
    for clinician in {member.clinician_id: member.clinician for member in members}.values():
        recipient = planner.staff_recipient(clinician, patient)
        if planner.opted_out(Kind.HELP_REQUEST, recipient):
            continue
        with translation.override(recipient.language):
            text = _("%(name)s pressed the help button and asked for support.") % {
                "name": patient.display_name
            }
        _enqueue(recipient, Kind.HELP_REQUEST, f"help:{help_request.pk}", patient, text, text, url)


def tell_patient(help_request: HelpRequest, ack: HelpAcknowledgement) -> None:
    """ "Pat is on it", in the person's app."""
    patient = help_request.patient
    planner = Planner(timezone.now())
    recipient = planner.patient_recipient(patient, Channel.IN_APP)
    if recipient is None or planner.opted_out(Kind.HELP_ACKNOWLEDGED, recipient):
        return
    who = f"contact:{ack.contact_id}" if ack.contact_id else f"user:{ack.user_id}"
    url = _site(reverse("engagement:my_help_status", args=[help_request.pk]))
    with translation.override(recipient.language):
        text = acknowledgement_line(ack)
    _enqueue(
        recipient,
        Kind.HELP_ACKNOWLEDGED,
        f"help:{help_request.pk}:on_it:{who}",
        patient,
        text,
        text,
        url,
    )


def acknowledgement_line(ack: HelpAcknowledgement) -> str:
    if ack.contact_id:
        return _("%(name)s is on it.") % {"name": ack.contact.first_name}
    name = ack.user.get_short_name() if ack.user_id else _("Someone")
    return _("%(name)s from your care team is on it.") % {"name": name}


# --- Services ----------------------------------------------------------------------------------


# --- Selectors ---------------------------------------------------------------------------------
