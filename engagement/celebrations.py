"""The celebration kit: supporters write a few words for a coming milestone, the patient or a
member of the care team approves them, and on the day the patient receives the approved ones
together as a card.

- The milestone heads-up (networks.reminders, MILESTONE_HEADS_UP) carries a one-action link to
  write the message (LinkAction.CELEBRATE; `celebrate_link`, registered as the planner's
  `celebrate` link maker); supporters with an account can also write, and edit while it waits
  for review, from their page.
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
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from engagement.links import make_link
from engagement.models import CelebrationMessage, CelebrationStatus, LinkAction
from networks.models import ContactStatus, SupportContact
from notifications.models import Channel, Kind
from notifications.planner import Planner, patient_link, register_link_makers, register_rule
from patients.milestones import MilestoneDate, milestones_between
from patients.models import Patient, PatientStatus

# Supporters may write for milestones from today up to this many days ahead (patient-local).
WRITE_AHEAD_DAYS = 30
CARD_TIME = time(9, 0)  # the same moment as the milestone-day message
CARDS_ORDER = 90  # the planner runs the card rule last
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
        LinkAction.CELEBRATE,
        contact=contact,
        patient=contact.patient,
        target={"key": milestone.key, "date": milestone.date.isoformat()},
        valid_for=max(valid_for, timedelta(0)),
    )


def digest(text: str) -> str:
    """A short fingerprint of a message, so an approval is for the words the reviewer read."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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
        name = patient.first_name
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
    planner: Planner, patient: Patient, key: str, day: date, count: int, due_at: datetime
) -> None:
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


def plan_celebration_cards(planner: Planner) -> None:
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


def card_if_the_day_has_come(celebration: CelebrationMessage) -> None:
    """A first approval after 9:00 on the day itself sends the card message now (the same
    occurrence as the planner's, so it is sent once either way)."""
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


# --- wiring (the writes: engagement.services; the reads: engagement.selectors) -------------


def register_celebrations() -> None:
    """Wiring (engagement.rules): the card's planner rule and the heads-up's link maker. (The
    link's handler is engagement.actions'.)"""
    register_rule(plan_celebration_cards, order=CARDS_ORDER)
    register_link_makers(celebrate=celebrate_link)  # the milestone heads-up's link
