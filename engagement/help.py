"""The help button: "I'm struggling".

One press shows the crisis plan, 988 first. Sending asks the supporters the person chose, each
for their own playbook step ("when I'm struggling, how this person can help"), by their fastest
channel, and raises a high-severity alert for the care team. A supporter answers "I'm on it" from
a one-action link or their portal, the care team from the chart; the person sees who is on it.

- `help_request_send()`: one transaction: the request, its recipients, the alert, the outbox
  rows. A second press within REPEAT_WITHIN reuses the open request and asks only the people not
  asked yet, so an accidental double tap never messages everyone twice.
- `help_acknowledge()`: "I'm on it", once per person per request, told to the person in the app.
- Selectors for the pages: who can be asked, the status of a request, a supporter's open asks.

Supporters get the minimum: the person's first name, their own step and a one-action link; never
the clinic, a diagnosis, a substance or a treatment.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from audit.models import Action as AuditAction
from audit.services import audit_record
from engagement.links import Handler, make_link, register
from engagement.models import Action, ActionLink, HelpAcknowledgement, HelpRequest
from engagement.models import HelpRequestRecipient as Asked
from networks.consent import consented_scopes, consents_in_force
from networks.models import ContactStatus, SupportContact
from notifications.models import Channel, Kind
from notifications.outbox import Message, enqueue
from notifications.planner import Planner, Recipient, supporter_link
from notifications.sms import SMS_MAX_CHARS
from patients.access import has_emergency_access, is_on_care_team
from patients.models import (
    Alert,
    AlertKind,
    AlertSeverity,
    AlertStatus,
    CareTeamMember,
    Patient,
)
from patients.services import alert_acknowledge, alert_raise

SCOPE = "coping_plan"  # a supporter is asked for their playbook step: part of the coping plan
REPEAT_WITHIN = timedelta(minutes=10)  # a second press this soon reuses the open request
OPEN_FOR = timedelta(hours=48)  # how long a request shows as open, and its links work
STOP_POLLING_AFTER = timedelta(hours=2)  # the status page stops refreshing itself after this


def _first_name(name: str) -> str:
    return (name or "").strip().split(" ")[0]


def _site(path: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}{path}"


# --- Who can be asked --------------------------------------------------------------------------


def askable_supporters(patient: Patient, at: datetime | None = None) -> list[SupportContact]:
    """The active contacts whose consent in force shares the coping plan, by name. Two queries
    whatever the size of the network: the gate's own `consents_in_force()`, asked for all of
    them at once."""
    contacts = list(
        patient.contacts.filter(status=ContactStatus.ACTIVE)
        .select_related("user")
        .order_by("name", "pk")
    )
    if not contacts:
        return []
    at = at or timezone.now()
    in_force = [
        consents_in_force(contact, at).order_by().values_list("contact_id", "scopes")
        for contact in contacts
    ]
    rows = in_force[0].union(*in_force[1:], all=True) if len(in_force) > 1 else in_force[0]
    sharing = {contact_id for contact_id, scopes in rows if SCOPE in (scopes or [])}
    return [contact for contact in contacts if contact.pk in sharing]


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


def crisis_plan_for(patient: Patient) -> dict[str, Any]:
    """The crisis part of the current coping plan, with the emergency number always filled."""
    from coping.services import current_version

    version = current_version(patient)
    crisis = dict((version.content or {}).get("crisis_plan") or {}) if version else {}
    return {
        "steps": [step for step in crisis.get("steps", []) if step],
        "people": [p for p in crisis.get("people", []) if isinstance(p, dict) and p.get("name")],
        "local_emergency_number": crisis.get("local_emergency_number")
        or patient.clinic.local_emergency_number
        or "911",
    }


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
    language = contact.language or "en"
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
    (an email's link, or their notification settings): by the rule _ask() sends by, so the
    page says what pressing the button will do. Two queries for all of them."""
    planner = Planner(timezone.now())
    planner.load_opt_outs([c.user_id for c in contacts], [c.pk for c in contacts])
    return {
        contact.pk
        for contact in contacts
        if all(planner.opted_out(Kind.HELP_REQUEST, r) for r in _ask_recipients(contact, patient))
    }


def _ask(
    help_request: HelpRequest, contact: SupportContact, planner: Planner, emergency: str
) -> None:
    """Each supporter their own step and their own one-action link, by their fastest channel."""
    patient = help_request.patient
    link = make_link(
        Action.ON_IT,
        contact=contact,
        patient=patient,
        target={"request": help_request.pk},
        valid_for=OPEN_FOR,
    )
    portal = supporter_link(
        contact, reverse("networks:supporter_patient", args=[patient.pk]) + "#help-requests"
    )
    name = _first_name(patient.display_name)
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


def _tell_care_team(help_request: HelpRequest, planner: Planner) -> None:
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


def _tell_patient(help_request: HelpRequest, ack: HelpAcknowledgement) -> None:
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
        return _("%(name)s is on it.") % {"name": _first_name(ack.contact.name)}
    name = ack.user.get_short_name() if ack.user_id else _("Someone")
    return _("%(name)s from your care team is on it.") % {"name": name}


# --- Services ----------------------------------------------------------------------------------


def _check_askable(patient: Patient, contacts: list[SupportContact]) -> None:
    foreign = [c for c in contacts if c.patient_id != patient.pk]
    if foreign:
        raise ValidationError({"contacts": _("Choose people from your own network.")})
    unable = [
        c for c in contacts if c.status != ContactStatus.ACTIVE or SCOPE not in consented_scopes(c)
    ]
    if unable:
        names = ", ".join(c.name for c in unable)
        raise ValidationError(
            {
                "contacts": _(
                    "%(names)s cannot be asked: they need to be active in your network, with your "
                    "consent to see your coping plan."
                )
                % {"names": names}
            }
        )


def help_request_send(
    *,
    patient: Patient,
    contacts: Iterable[SupportContact],
    actor: User,
    request: HttpRequest | None = None,
) -> HelpRequest:
    """Ask the chosen supporters for help and alert the care team, in one transaction. With no
    supporters chosen it still alerts the care team. Within REPEAT_WITHIN of the last press the
    open request is reused: only people not asked yet are messaged, the team is not told twice.

    The returned request carries `reused` (bool) and `newly_asked` (the contacts messaged now).
    """
    if patient.user_id is None or actor.pk != patient.user_id:
        raise ValidationError({"contacts": _("Only the person in recovery can ask for help here.")})
    chosen = list({contact.pk: contact for contact in contacts}.values())
    with transaction.atomic():
        # One press at a time per person: a double tap waits here, then finds the open request.
        Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk").first()
        _check_askable(patient, chosen)
        help_request = patient.help_requests.filter(
            created_at__gt=timezone.now() - REPEAT_WITHIN
        ).first()
        reused = help_request is not None
        planner = Planner(timezone.now())
        if help_request is None:
            help_request = HelpRequest.objects.create(patient=patient, created_by=actor)
            count = len(chosen)
            message = (
                ngettext(
                    "%(name)s pressed the help button and asked %(count)d supporter for help.",
                    "%(name)s pressed the help button and asked %(count)d supporters for help.",
                    count,
                )
                if count
                else _("%(name)s pressed the help button and asked the care team for help.")
            ) % {"name": patient.display_name, "count": count}
            help_request.alert = alert_raise(
                patient=patient,
                kind=AlertKind.HELP_REQUESTED,
                severity=AlertSeverity.HIGH,
                message=message,
                source=f"help:{help_request.pk}",
            )
            help_request.save(update_fields=["alert"])
            _tell_care_team(help_request, planner)
        already = set(help_request.recipients.values_list("contact_id", flat=True))
        new = [contact for contact in chosen if contact.pk not in already]
        if new:
            emergency = crisis_plan_for(patient)["local_emergency_number"]
            for contact in new:
                Asked.objects.create(request=help_request, contact=contact)
                _ask(help_request, contact, planner, emergency)
        audit_record(
            action=AuditAction.UPDATE if reused else AuditAction.CREATE,
            request=request,
            actor=actor,
            clinic=patient.clinic,
            target=help_request,
            patient=patient,
            details={"help_request": True, "asked": [c.pk for c in new], "repeat": reused},
        )
    help_request.reused = reused
    help_request.newly_asked = new
    return help_request


def help_acknowledge(
    *,
    help_request: HelpRequest,
    contact: SupportContact | None = None,
    user: User | None = None,
    request: HttpRequest | None = None,
) -> HelpAcknowledgement:
    """ "I'm on it" from a supporter who was asked (with the coping plan still shared) or from a
    member of the care team. Idempotent: a second answer returns the first (`is_new` False) and
    tells nobody again. The person is told in the app; a care-team answer also acknowledges an
    open alert."""
    if (contact is None) == (user is None):
        raise ValueError("Give a contact or a user, not both.")
    patient = help_request.patient
    if contact is not None:
        asked = help_request.recipients.filter(contact=contact).exists()
        if contact.patient_id != patient.pk or not asked:
            raise ValidationError(_("This request for help was not sent to you."))
        if SCOPE not in consented_scopes(contact):
            raise ValidationError(_("This is no longer shared with you."))
    elif not (is_on_care_team(user, patient) or has_emergency_access(user, patient)):
        raise ValidationError(_("Only the care team can answer this request."))
    who = {"contact": contact} if contact is not None else {"user": user}
    with transaction.atomic():
        try:
            with transaction.atomic():
                ack = HelpAcknowledgement.objects.create(request=help_request, **who)
        except IntegrityError:
            ack = HelpAcknowledgement.objects.get(request=help_request, **who)
            ack.is_new = False
            return ack
        ack.is_new = True
        if contact is not None:
            Asked.objects.filter(
                request=help_request, contact=contact, acknowledged_at__isnull=True
            ).update(acknowledged_at=ack.created_at)
        else:
            alert = help_request.alert
            if alert is not None and alert.status == AlertStatus.OPEN:
                alert_acknowledge(alert=alert, actor=user, request=request)
        _tell_patient(help_request, ack)
        audit_record(
            action=AuditAction.CREATE,
            request=request,
            actor=contact.user if contact is not None else user,
            clinic=patient.clinic,
            target=ack,
            patient=patient,
            details={"on_it": True, "help_request": help_request.pk},
        )
    return ack


# --- Selectors ---------------------------------------------------------------------------------


def recent_request(patient: Patient) -> HelpRequest | None:
    """The request a press now would reuse."""
    return patient.help_requests.filter(created_at__gt=timezone.now() - REPEAT_WITHIN).first()


def open_request(patient: Patient) -> HelpRequest | None:
    return patient.help_requests.filter(created_at__gt=timezone.now() - OPEN_FOR).first()


@dataclass(frozen=True)
class AskedLine:
    name: str
    on_it_at: datetime | None


@dataclass(frozen=True)
class RequestStatus:
    request: HelpRequest
    asked: list[AskedLine]
    team_on_it: list[HelpAcknowledgement]

    @property
    def on_it_count(self) -> int:
        return sum(1 for line in self.asked if line.on_it_at) + len(self.team_on_it)

    @property
    def everyone_answered(self) -> bool:
        return all(line.on_it_at for line in self.asked) and bool(self.asked)

    @property
    def keep_polling(self) -> bool:
        fresh = timezone.now() - self.request.created_at < STOP_POLLING_AFTER
        return fresh and not self.everyone_answered


def help_status(help_request: HelpRequest) -> RequestStatus:
    """Who was asked and who is on it (two queries)."""
    asked = [
        AskedLine(name=row.contact.name, on_it_at=row.acknowledged_at)
        for row in help_request.recipients.select_related("contact").order_by("contact__name")
    ]
    team = list(help_request.acknowledgements.filter(user__isnull=False).select_related("user"))
    return RequestStatus(request=help_request, asked=asked, team_on_it=team)


def open_asks_for(contact: SupportContact, scopes: Iterable[str] | None = None) -> list[Asked]:
    """The open requests asking this supporter, while the coping plan is shared with them
    (`scopes`: the page's own `consented_scopes()` of this request, to ask only once)."""
    if SCOPE not in (consented_scopes(contact) if scopes is None else scopes):
        return []
    return list(
        Asked.objects.filter(contact=contact, request__created_at__gt=timezone.now() - OPEN_FOR)
        .select_related("request")
        .order_by("-request__created_at")
    )


def requests_by_alert(patient: Patient) -> dict[int, HelpRequest]:
    """Every help request of the patient that raised an alert, with who was asked and who is on
    it, keyed by alert id (three queries for the whole alerts page)."""
    rows = patient.help_requests.filter(alert__isnull=False).prefetch_related(
        Prefetch(
            "recipients", queryset=Asked.objects.select_related("contact").order_by("contact__name")
        ),
        Prefetch(
            "acknowledgements",
            queryset=HelpAcknowledgement.objects.select_related("contact", "user"),
        ),
    )
    return {row.alert_id: row for row in rows}


# --- The "I'm on it" link ----------------------------------------------------------------------


def _request_of(link: ActionLink) -> HelpRequest | None:
    return HelpRequest.objects.filter(pk=link.target.get("request"), patient=link.patient).first()


def _describe(link: ActionLink) -> str:
    name = _first_name(link.patient.display_name)
    step = link.contact.playbook_step.strip()
    if not step:
        return _("%(name)s asked for you. Reach out now, the way you usually do.") % {"name": name}
    return _("%(name)s asked for you. What they would like you to do: %(step)s") % {
        "name": name,
        "step": step,
    }


def _on_it(link: ActionLink, request: HttpRequest, data: dict[str, Any]) -> str:
    help_request = _request_of(link)
    if help_request is None:
        raise ValidationError(_("This request for help is no longer there."))
    help_acknowledge(help_request=help_request, contact=link.contact, request=request)
    return _("Thank you. %(name)s can see that you are on it.") % {
        "name": _first_name(link.patient.display_name)
    }


def register_help_actions() -> None:
    register(
        Action.ON_IT,
        Handler(
            scope=SCOPE,
            title=gettext_lazy("Let them know you are on it"),
            button=gettext_lazy("I'm on it"),
            perform=_on_it,
            describe=_describe,
        ),
    )


# --- Demo --------------------------------------------------------------------------------------

DEMO_STEP = "Call me, and if I do not answer, come by."
DEMO_RESOLUTION = "Called back within the hour; safe at home with family, session moved up."


def seed_help(demos: list, rng: random.Random, today: date) -> None:
    """Every demo supporter who sees the coping plan has a playbook step, and the first person
    of each demo clinic has one past help request, answered by one supporter and resolved by
    the clinician. Past, so nothing is sent. Safe to run twice."""
    for demo in demos:
        for patient in demo.patients:
            for contact in askable_supporters(patient):
                if not contact.playbook_step.strip():
                    contact.playbook_step = DEMO_STEP
                    contact.save(update_fields=["playbook_step"])
        if not demo.patients:
            continue
        patient = demo.patients[0]
        if patient.user_id is None or patient.help_requests.exists():
            continue
        asked = askable_supporters(patient)[:2]
        if not asked:
            continue
        _seed_past_request(patient, asked, demo.clinicians[0], today)


def _seed_past_request(
    patient: Patient, asked: list[SupportContact], clinician: User, today: date
) -> None:
    at = datetime.combine(today - timedelta(days=3), time(21, 40), tzinfo=patient.zone)
    with transaction.atomic():
        help_request = HelpRequest.objects.create(patient=patient, created_by=patient.user)
        alert = alert_raise(
            patient=patient,
            kind=AlertKind.HELP_REQUESTED,
            severity=AlertSeverity.HIGH,
            message=f"{patient.display_name} pressed the help button and asked "
            f"{len(asked)} supporters for help.",
            source=f"help:{help_request.pk}",
        )
        HelpRequest.objects.filter(pk=help_request.pk).update(alert=alert, created_at=at)
        for contact in asked:
            Asked.objects.create(request=help_request, contact=contact)
        first = asked[0]
        ack = HelpAcknowledgement.objects.create(request=help_request, contact=first)
        on_it = at + timedelta(minutes=4)
        HelpAcknowledgement.objects.filter(pk=ack.pk).update(created_at=on_it)
        Asked.objects.filter(request=help_request, contact=first).update(acknowledged_at=on_it)
        if alert is not None:
            Alert.objects.filter(pk=alert.pk).update(
                created_at=at,
                status=AlertStatus.RESOLVED,
                acknowledged_at=on_it,
                acknowledged_by=clinician,
                resolved_at=at + timedelta(minutes=50),
                resolved_by=clinician,
                resolution_comment=DEMO_RESOLUTION,
            )
