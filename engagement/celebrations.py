"""The celebration kit: supporters write a few words for a coming milestone, the patient or a
member of the care team approves them, and on the day the patient receives the approved ones
together as a card.

- The milestone heads-up (notifications.planner, MILESTONE_HEADS_UP) carries a one-action link to
  write the message (Action.CELEBRATE); supporters with an account can also write, and edit while
  it waits for review, from their page.
- `flag_terms()` marks words a reviewer should look at twice (alcohol, drugs, treatment, or
  words that can shame). Flags never block a message: they ask for a second look.
- The card message (CELEBRATION_CARD) goes out at 9:00 patient-local on the day, like the
  milestone-day message; a first approval later that day sends it then. The card page shows
  every message approved so far, so one approved in the afternoon is there too.
- A milestone is named by its key and date ("30d", 2026-03-20). When a setback moves the recovery
  start, the old date stops being a milestone: nothing more is written for it and no card is
  announced for it.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from audit.models import Action as AuditAction
from audit.services import audit_record
from core.dates import weekday
from engagement.links import Handler, make_link, register
from engagement.models import Action, ActionLink, CelebrationMessage, CelebrationStatus
from networks.consent import consented_scopes
from networks.models import ContactStatus, SupportContact
from notifications.planner import patient_link
from patients.access import is_on_care_team
from patients.milestones import MilestoneDate, milestones_between
from patients.models import Patient, PatientStatus

# Supporters may write for milestones from today up to this many days ahead (patient-local).
WRITE_AHEAD_DAYS = 30
CARD_TIME = time(9, 0)  # the same moment as the milestone-day message
ONGOING = (PatientStatus.ACTIVE, PatientStatus.INTAKE)
KEY_PATTERN = re.compile(r"^(\d{1,5})([dy])$")

# --- flagging -------------------------------------------------------------------------------

SUBSTANCE = "substance"
SHAMING = "shaming"

FLAG_CATEGORIES = {
    SUBSTANCE: gettext_lazy("mentions alcohol, drugs or treatment"),
    SHAMING: gettext_lazy("words that can sound like blame or shame"),
}

# The words a reviewer should see highlighted, by category. Each entry is a whole word or a
# phrase, matched case-insensitively on whole words; in a phrase any spaces or punctuation may
# separate the words ("fell off the wagon", "fell-off-the wagon!"). A hyphen separates words,
# so "drug-free" and "beer-tasting" are flagged; the harmless compounds in HARMLESS_PHRASES are
# not ("clean-shaven", "high school"). Flags only ask for a second look: a false alarm costs
# the reviewer a glance, a miss could put "drinks" on a card the person keeps. English for now;
# word lists for other languages can be added here by language.
FLAG_TERMS: dict[str, tuple[str, ...]] = {
    SUBSTANCE: (
        "alcohol",
        "beer",
        "beers",
        "wine",
        "wines",
        "liquor",
        "booze",
        "boozing",
        "vodka",
        "whiskey",
        "whisky",
        "tequila",
        "cocktail",
        "cocktails",
        "drink",
        "drinks",
        "drinking",
        "drank",
        "shots",
        "hangover",
        "drug",
        "drugs",
        "pill",
        "pills",
        "weed",
        "marijuana",
        "cannabis",
        "high",
        "stoned",
        "coke",
        "cocaine",
        "crack",
        "heroin",
        "meth",
        "opioid",
        "opioids",
        "opiate",
        "opiates",
        "fentanyl",
        "oxy",
        "narcotics",
        "dope",
        "substance",
        "substances",
        "sober",
        "sobriety",
        "using",
        "addiction",
        "rehab",
        "detox",
        "methadone",
        "suboxone",
        "overdose",
    ),
    SHAMING: (
        "addict",
        "addicts",
        "addicted",
        "junkie",
        "junkies",
        "junky",
        "alcoholic",
        "alcoholics",
        "drunk",
        "drunks",
        "drunkard",
        "druggie",
        "crackhead",
        "pothead",
        "stoner",
        "clean",
        "dirty",
        "fail",
        "failed",
        "failure",
        "relapse",
        "relapsed",
        "relapsing",
        "fell off the wagon",
        "off the wagon",
        "on the wagon",
        "slip up",
        "slipped up",
        "messed up",
        "screwed up",
        "weak",
        "weakness",
        "ashamed",
        "shame",
        "disgrace",
        "no more excuses",
    ),
}
HARMLESS_PHRASES = (
    "clean-shaven",
    "clean shaven",
    "high five",
    "high fives",
    "high-five",
    "high-fives",
    "high school",
    "high-school",
    "high schools",
)

TERM_CATEGORY = {term: category for category, terms in FLAG_TERMS.items() for term in terms}
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def _phrase_pattern(phrase: str) -> str:
    return r"[\W_]+".join(re.escape(word) for word in phrase.split())


def _compile(phrases: Iterable[str]) -> re.Pattern[str]:
    # Longest first, so "fell off the wagon" wins over "off the wagon".
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(
        r"(?<![^\W_])(" + "|".join(_phrase_pattern(p) for p in ordered) + r")(?![^\W_])"
    )


TERMS_RE = _compile(TERM_CATEGORY)
HARMLESS_RE = _compile(HARMLESS_PHRASES)


def _normalise(text: str) -> str:
    """Fold case and width, drop invisible characters, straighten apostrophes."""
    text = unicodedata.normalize("NFKC", text or "").translate(INVISIBLE)
    return text.replace("\u2019", "'").replace("\u2018", "'").casefold()


def flag_terms(text: str) -> list[str]:
    """The listed words and phrases found in `text`, each once, in the order they appear."""
    text = HARMLESS_RE.sub(" ", _normalise(text))
    found: list[str] = []
    for match in TERMS_RE.finditer(text):
        term = " ".join(re.split(r"[\W_]+", match.group(1)))
        if term not in found:
            found.append(term)
    return found


def flag_reasons(flags: Iterable[str]) -> list[tuple[str, list[str]]]:
    """Flags grouped for the reviewer: [(why, [words]), ...] in the categories' order."""
    grouped: dict[str, list[str]] = {}
    for term in flags:
        grouped.setdefault(TERM_CATEGORY.get(term, SHAMING), []).append(term)
    return [(str(FLAG_CATEGORIES[c]), grouped[c]) for c in FLAG_CATEGORIES if c in grouped]


# --- milestones -----------------------------------------------------------------------------


def milestone_of(patient: Patient, key: str, day: date) -> MilestoneDate | None:
    """The patient's milestone with this key on this date, from the current recovery start."""
    return next(
        (m for m in milestones_between(patient.recovery_start, day, day) if m.key == key), None
    )


def label_of(key: str) -> str:
    """ "30d" -> "30 days", "1y" -> "1 year"; "" for anything else."""
    match = KEY_PATTERN.match(key or "")
    if not match:
        return ""
    count = int(match[1])
    if match[2] == "y":
        return ngettext("%(count)d year", "%(count)d years", count) % {"count": count}
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


def writable_milestones(patient: Patient, today: date | None = None) -> list[MilestoneDate]:
    """The milestones a supporter may write for now: from today to WRITE_AHEAD_DAYS ahead."""
    today = today or patient.local_today()
    return milestones_between(
        patient.recovery_start, today, today + timedelta(days=WRITE_AHEAD_DAYS)
    )


def end_of_day(patient: Patient, day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=patient.zone)


def celebrate_link(contact: SupportContact, milestone: MilestoneDate) -> str:
    """A one-action link to write a message for this milestone, valid to the end of its day."""
    valid_for = end_of_day(contact.patient, milestone.date) - timezone.now()
    return make_link(
        Action.CELEBRATE,
        contact=contact,
        patient=contact.patient,
        target={"key": milestone.key, "date": milestone.date.isoformat()},
        valid_for=max(valid_for, timedelta(0)),
    )


def digest(text: str) -> str:
    """A short fingerprint of a message, so an approval is for the words the reviewer read."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- writes ---------------------------------------------------------------------------------


def _audit(
    action: str,
    request: HttpRequest | None,
    actor: User | None,
    celebration: CelebrationMessage,
    **details: object,
) -> None:
    patient = celebration.patient
    audit_record(
        action=action,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=celebration,
        patient=patient,
        details=details,
    )


def celebration_write(
    *,
    contact: SupportContact,
    key: str,
    day: date,
    message: str,
    request: HttpRequest | None = None,
    via_link: bool = False,
) -> CelebrationMessage:
    """Write, or rewrite while it waits for review, this supporter's message for a milestone."""
    if "milestones" not in consented_scopes(contact):
        raise ValidationError({"message": _("Milestones are not shared with you.")})
    patient = contact.patient
    text = (message or "").strip()
    if not text:
        raise ValidationError({"message": _("Write a few words.")})
    if len(text) > CelebrationMessage.MAX_LENGTH:
        raise ValidationError(
            {
                "message": _("Keep it to %(max)d characters.")
                % {"max": CelebrationMessage.MAX_LENGTH}
            }
        )
    milestone = milestone_of(patient, key, day)
    if milestone is None or milestone not in writable_milestones(patient):
        raise ValidationError(
            {"message": _("This milestone is not open for messages any more. Thank you!")}
        )
    flags = flag_terms(text)
    with transaction.atomic():
        existing = (
            CelebrationMessage.objects.select_for_update()
            .filter(contact=contact, milestone_key=key, milestone_date=day)
            .first()
        )
        if existing is not None:
            if existing.status != CelebrationStatus.PENDING:
                raise ValidationError(
                    {
                        "message": _(
                            "Your message was already reviewed, so it cannot be changed now."
                        )
                    }
                )
            existing.message, existing.flags = text, flags
            existing.save(update_fields=["message", "flags", "updated_at"])
            _audit(
                AuditAction.UPDATE,
                request,
                contact.user,
                existing,
                contact=contact.pk,
                via_link=via_link,
            )
            return existing
        try:
            with transaction.atomic():
                celebration = CelebrationMessage.objects.create(
                    patient=patient,
                    contact=contact,
                    milestone_key=key,
                    milestone_date=day,
                    message=text,
                    flags=flags,
                )
        except IntegrityError:  # written at the same moment from another tab
            raise ValidationError(
                {"message": _("Your message was just saved from elsewhere. Please reload.")}
            ) from None
        _audit(
            AuditAction.CREATE,
            request,
            contact.user,
            celebration,
            contact=contact.pk,
            via_link=via_link,
        )
    return celebration


def may_review(user: User, patient: Patient) -> bool:
    """The patient themself, or a clinician on their current care team."""
    if not user.is_authenticated:
        return False
    return patient.user_id == user.pk or is_on_care_team(user, patient)


def celebration_review(
    *,
    celebration: CelebrationMessage,
    actor: User,
    approve: bool,
    seen: str,
    request: HttpRequest | None = None,
) -> CelebrationMessage:
    """Approve or decline a message (a decision can be changed later). `seen` is the digest of
    the words the reviewer read: if the supporter changed them meanwhile, nothing happens."""
    patient = celebration.patient
    if not may_review(actor, patient):
        raise PermissionDenied
    status = CelebrationStatus.APPROVED if approve else CelebrationStatus.DECLINED
    with transaction.atomic():
        current = CelebrationMessage.objects.select_for_update().get(pk=celebration.pk)
        if digest(current.message) != seen:
            raise ValidationError(
                _("This message was changed after you opened the page. Please read it again.")
            )
        current.status, current.reviewed_by, current.reviewed_at = status, actor, timezone.now()
        current.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
        _audit(AuditAction.UPDATE, request, actor, current, decision=status)
        if approve:
            _card_if_the_day_has_come(current)
    return current


# --- the card -------------------------------------------------------------------------------


def card_url(patient: Patient, key: str, day: date) -> str:
    return reverse("engagement:celebration_card", args=[patient.pk, key, day.isoformat()])


def card_messages(patient: Patient, key: str, day: date) -> list[CelebrationMessage]:
    """The approved messages for one milestone, with their writers (one query). A contact
    removed from the network is left out."""
    return list(
        CelebrationMessage.objects.filter(
            patient=patient,
            milestone_key=key,
            milestone_date=day,
            status=CelebrationStatus.APPROVED,
        )
        .exclude(contact__status=ContactStatus.REMOVED)
        .select_related("contact")
        .order_by("created_at", "id")
    )


def _card_text(patient: Patient, key: str, day: date, count: int) -> Any:
    def render(recipient: Any) -> tuple[str, str, str]:
        link = patient_link(patient, card_url(patient, key, day))
        name = patient.display_name.split(" ")[0]
        label = label_of(key)
        subject = _("Messages for your %(label)s") % {"label": label}
        body = ngettext(
            "Hi %(name)s, today marks %(label)s. Someone who cares about you wrote you a "
            "message for the day: %(link)s",
            "Hi %(name)s, today marks %(label)s. %(count)d people who care about you wrote you "
            "messages for the day: %(link)s",
            count,
        ) % {"name": name, "label": label, "count": count, "link": link}
        return subject, body, link

    return render


def _send_card(
    planner: Any, patient: Patient, key: str, day: date, count: int, due_at: datetime
) -> None:
    from notifications.models import Channel, Kind

    occurrence = f"celebration:{patient.pk}:{key}:{day}"
    seen: set[tuple[str, str]] = set()
    for channel in (Channel.IN_APP, Channel.EMAIL):
        recipient = planner.patient_recipient(patient, channel)
        if recipient is None or (recipient.key, recipient.channel) in seen:
            continue
        seen.add((recipient.key, recipient.channel))
        planner.send(
            Kind.CELEBRATION_CARD,
            occurrence,
            recipient,
            due_at,
            patient,
            _card_text(patient, key, day, count),
        )


def plan_celebration_cards(planner: Any) -> None:
    """Planner rule: at 9:00 patient-local on the day, one card message (in the app, and by
    email when there is an address) if approved messages are waiting."""
    first = planner.start.date() - timedelta(days=1)
    last = planner.at.date() + timedelta(days=1)
    groups = (
        CelebrationMessage.objects.filter(
            status=CelebrationStatus.APPROVED, milestone_date__range=(first, last)
        )
        .exclude(contact__status=ContactStatus.REMOVED)
        .values("patient_id", "milestone_key", "milestone_date")
        .annotate(count=Count("id"))
        .order_by("patient_id", "milestone_date", "milestone_key")
    )
    groups = list(groups)
    if not groups:
        return
    patients = Patient.objects.select_related("clinic", "user").in_bulk(
        {g["patient_id"] for g in groups}
    )
    for group in groups:
        patient = patients[group["patient_id"]]
        key, day = group["milestone_key"], group["milestone_date"]
        due_at = planner.due(day, CARD_TIME, patient.zone)
        if not planner.in_window(due_at):
            continue
        if patient.status not in ONGOING:
            planner.tally.skip("discharged")
            continue
        if milestone_of(patient, key, day) is None:
            planner.tally.skip("milestone moved")
            continue
        _send_card(planner, patient, key, day, group["count"], due_at)


def _card_if_the_day_has_come(celebration: CelebrationMessage) -> None:
    """A first approval after 9:00 on the day itself sends the card message now (the same
    occurrence as the planner's, so it is sent once either way)."""
    from notifications.planner import Planner

    patient = Patient.objects.select_related("clinic", "user").get(pk=celebration.patient_id)
    now = timezone.now()
    local = now.astimezone(patient.zone)
    day, key = celebration.milestone_date, celebration.milestone_key
    if local.date() != day or local.time() < CARD_TIME or patient.status not in ONGOING:
        return
    if milestone_of(patient, key, day) is None:
        return
    planner = Planner(now)
    count = len(card_messages(patient, key, day))
    _send_card(planner, patient, key, day, count, now)
    planner.flush()


# --- reads ----------------------------------------------------------------------------------


def pending_for(patient: Patient) -> list[CelebrationMessage]:
    return list(
        CelebrationMessage.objects.filter(patient=patient, status=CelebrationStatus.PENDING)
        .exclude(contact__status=ContactStatus.REMOVED)
        .select_related("contact")
        .order_by("milestone_date", "created_at", "id")
    )


def reviewed_for(patient: Patient, today: date, limit: int = 50) -> list[CelebrationMessage]:
    """Decisions on milestones of the last 30 days and the coming ones."""
    return list(
        CelebrationMessage.objects.filter(
            patient=patient,
            milestone_date__gte=today - timedelta(days=30),
            status__in=(CelebrationStatus.APPROVED, CelebrationStatus.DECLINED),
        )
        .exclude(contact__status=ContactStatus.REMOVED)
        .select_related("contact", "reviewed_by")
        .order_by("milestone_date", "created_at", "id")[:limit]
    )


def cards_for(patient: Patient, today: date, limit: int = 12) -> list[dict[str, Any]]:
    """Milestone days up to today that have approved messages: key, date, count, label."""
    rows = list(
        CelebrationMessage.objects.filter(
            patient=patient, status=CelebrationStatus.APPROVED, milestone_date__lte=today
        )
        .exclude(contact__status=ContactStatus.REMOVED)
        .values("milestone_key", "milestone_date")
        .annotate(count=Count("id"))
        .order_by("-milestone_date", "milestone_key")[:limit]
    )
    for row in rows:
        row["label"] = label_of(row["milestone_key"])
        row["url"] = card_url(patient, row["milestone_key"], row["milestone_date"])
    return rows


# --- the one-action link ----------------------------------------------------------------------


class CelebrationForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your message for the day"),
        max_length=CelebrationMessage.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "A few warm words about the person and what they have done. They are read before "
            "they are shown, and arrive together with the others on the day."
        ),
    )


def _target(link: ActionLink) -> tuple[str, date] | None:
    try:
        return str(link.target["key"]), date.fromisoformat(str(link.target["date"]))
    except (KeyError, TypeError, ValueError):
        return None


def _describe(link: ActionLink) -> str:
    target = _target(link)
    if target is None:
        return ""
    name = link.patient.display_name.split(" ")[0]

    return _("For %(name)s's milestone on %(day)s.") % {
        "name": name,
        "day": weekday(target[1]),
    }


def _celebrate(link: ActionLink, request: HttpRequest, data: dict[str, Any]) -> str:
    target = _target(link)
    if target is None:
        raise ValidationError(_("This link does not name a milestone."))
    celebration_write(
        contact=link.contact,
        key=target[0],
        day=target[1],
        message=data["message"],
        request=request,
        via_link=True,
    )
    return _("Thank you. %(name)s will see your message on the day.") % {
        "name": link.patient.display_name.split(" ")[0]
    }


def register_celebrations() -> None:
    """Wiring (engagement.rules): the link handler and the card's planner rule."""
    from notifications.planner import register_rule

    register(
        Action.CELEBRATE,
        Handler(
            scope="milestones",
            title=gettext_lazy("Write a message for the day"),
            button=gettext_lazy("Send my message"),
            perform=_celebrate,
            form=CelebrationForm,
            describe=_describe,
        ),
    )
    register_rule(plan_celebration_cards)


# --- demo -------------------------------------------------------------------------------------

DEMO_MESSAGES = [
    "So proud of you. You keep showing up for yourself. Dinner on me this weekend!",
    "You make every Sunday brighter. Here's to you and to many more days like this one.",
    "Let's go out for drinks to celebrate!",  # flagged for review
]
DEMO_PAST = [
    "What a milestone! I saw how hard you worked for it. Love you.",
    "You kept every promise to yourself. Proud to know you.",
]


def _demo_write(
    patient: Patient,
    contact: SupportContact,
    milestone: MilestoneDate,
    text: str,
    status: str,
    reviewer: User | None,
) -> None:
    reviewed = status != CelebrationStatus.PENDING
    CelebrationMessage.objects.get_or_create(
        contact=contact,
        milestone_key=milestone.key,
        milestone_date=milestone.date,
        defaults={
            "patient": patient,
            "message": text,
            "flags": flag_terms(text),
            "status": status,
            "reviewed_by": reviewer if reviewed else None,
            "reviewed_at": timezone.now() if reviewed else None,
        },
    )


def _demo_writers(patient: Patient) -> list[SupportContact]:
    contacts = patient.contacts.filter(status=ContactStatus.ACTIVE).order_by("pk")
    return [c for c in contacts if "milestones" in consented_scopes(c)]


def seed_celebrations(demos: list[Any], rng: random.Random, today: date) -> None:
    """In each demo clinic, the person with the soonest milestone (preferring one with three
    supporters who share milestones; the fifth demo person reaches 30 days in three days) gets
    one approved message and two waiting for review, one of them flagged; their last milestone
    before today has a card of two approved messages. Safe to run twice."""
    for demo in demos:
        upcoming = []
        for patient in demo.patients:
            if patient.status not in ONGOING or patient.recovery_start is None:
                continue
            coming = milestones_between(
                patient.recovery_start,
                today + timedelta(days=1),
                today + timedelta(days=WRITE_AHEAD_DAYS),
            )
            if coming:
                writers = _demo_writers(patient)
                rank = (len(writers) < 3, coming[0].date, patient.pk)
                upcoming.append((rank, patient, coming[0], writers))
        if not upcoming:
            continue
        _rank, patient, milestone, writers = min(upcoming, key=lambda item: item[0])
        reviewer = patient.care_team.filter(is_primary=True).select_related("clinician").first()
        reviewer_user = reviewer.clinician if reviewer else None
        plan = [
            (DEMO_MESSAGES[1], CelebrationStatus.APPROVED),
            (DEMO_MESSAGES[0], CelebrationStatus.PENDING),
            (DEMO_MESSAGES[2], CelebrationStatus.PENDING),
        ]
        for contact, (text, status) in zip(writers, plan, strict=False):
            _demo_write(patient, contact, milestone, text, status, reviewer_user)
        past = milestones_between(
            patient.recovery_start, patient.recovery_start, today - timedelta(days=1)
        )
        if past:
            for contact, text in zip(writers, DEMO_PAST, strict=False):
                _demo_write(
                    patient, contact, past[-1], text, CelebrationStatus.APPROVED, reviewer_user
                )
