"""The codes of the FHIR R4 export: standard systems (LOINC, HL7 terminology) where a code
exists, and Recovery Hub's own code systems, under one base URL, where none does.

Every local code system is one entry of LOCAL_SYSTEMS (its URL is `BASE_URL + /CodeSystem/ +
name`), so the README's table and the tests read the same list. A code is spelled here once;
interop.fhir only looks codes up.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coping.instruments import INSTRUMENTS
from coping.models import StrategyCategory
from networks.models import Relationship, Scope
from patients.models import AppointmentKind, MilestoneKind, TeamRole

# The base of every URL Recovery Hub mints for FHIR: code systems, identifiers, questionnaires.
# A documented constant, not a server: nothing is fetched from it.
BASE_URL = "https://recoveryhub.example/fhir"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
V3_PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"

# 42 CFR Part 2: the federal rule on the confidentiality of substance use disorder records.
PART2_POLICY_URI = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"
PART2_AUTHORITY = "https://www.ecfr.gov"
PART2_RULE = (V3_ACT_CODE, "42CFRPart2", "42 CFR Part2")
CONSENT_CATEGORY = (LOINC, "59284-0", "Patient Consent")
PRIVACY_SCOPE = (CONSENT_SCOPE, "patient-privacy", "Privacy Consent")
INFORMATION_RECIPIENT = (V3_PARTICIPATION, "IRCP", "information recipient")
SURVEY = (OBSERVATION_CATEGORY, "survey", "Survey")

SLEEP_DURATION = (LOINC, "93832-4", "Sleep duration")

# Total scores with a LOINC code; the other instruments' totals use the local system.
TOTAL_SCORE_LOINC = {
    "phq9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
    "gad7": ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
}
# LOINC's own questionnaires (http://loinc.org/q/<panel>) for the instruments it publishes.
QUESTIONNAIRE_LOINC = {"phq9": "44249-1", "gad7": "69737-5"}

# Where the v3 RoleCode has the relationship; the local code is written beside it always.
RELATIONSHIP_V3 = {
    Relationship.PARENT: ("PRN", "parent"),
    Relationship.PARTNER: ("SIGOTHR", "significant other"),
    Relationship.SIBLING: ("SIB", "sibling"),
    Relationship.CHILD: ("CHILD", "child"),
    Relationship.OTHER_FAMILY: ("FAMMEMB", "family member"),
    Relationship.FRIEND: ("FRND", "unrelated friend"),
}


@dataclass(frozen=True)
class LocalSystem:
    name: str
    description: str | Promise  # shown on the export page: translated there
    codes: tuple[tuple[str, str], ...]  # (code, display)

    @property
    def url(self) -> str:
        return f"{BASE_URL}/CodeSystem/{self.name}"

    def display(self, code: str) -> str:
        return dict(self.codes).get(code, code)


def _choices(choices: type) -> tuple[tuple[str, str], ...]:
    """A TextChoices' values with their English labels (codes are data: not translated)."""
    with translation.override("en"):
        return tuple((str(value), str(label)) for value, label in choices.choices)


CHECKIN_ITEM = LocalSystem(
    "checkin-item",
    _("The daily check-in and its items without a LOINC code"),
    (
        ("checkin", "Daily check-in"),
        ("mood", "Mood (0 to 10, higher is better)"),
        ("craving", "Craving (0 to 10)"),
        ("stress", "Stress (0 to 10)"),
        ("use-since-last", "Any use since the last check-in"),
        ("checkin-summary", "This week's check-in summary, in words (what a supporter sees)"),
    ),
)
CHECKIN_SUMMARY_BAND = LocalSystem(
    "checkin-summary-band",
    _("The band of the weekly check-in summary a supporter may see (no numbers)"),
    (
        ("steady", "Steady"),
        ("improving", "Improving"),
        ("extra_support", "Could use extra support"),
        ("quiet", "Not enough check-ins this week to tell"),
    ),
)
INSTRUMENT_TOTAL = LocalSystem(
    "instrument-total",
    _("Total scores of instruments without a LOINC total code"),
    tuple(
        (slug, f"{instrument.short_name} total score")
        for slug, instrument in INSTRUMENTS.items()
        if slug not in TOTAL_SCORE_LOINC
    ),
)
INSTRUMENT_BAND = LocalSystem(
    "instrument-band",
    _("The published band of an instrument's total (instrument-band)"),
    tuple(
        (f"{slug}-{band.slug}", f"{instrument.short_name}: {band.label}")
        for slug, instrument in INSTRUMENTS.items()
        for band in instrument.bands
    ),
)
CONSENT_SCOPES = LocalSystem(
    "consent-scope", _("What a consent lets a supporter see (one provision each)"), _choices(Scope)
)
RELATIONSHIP = LocalSystem(
    "relationship", _("A support contact's relationship to the person"), _choices(Relationship)
)
TEAM_ROLE = LocalSystem(
    "care-team-role", _("A clinician's role on the care team"), _choices(TeamRole)
)
APPOINTMENT_KIND = LocalSystem(
    "appointment-kind", _("The kind of session"), _choices(AppointmentKind)
)
MILESTONE = LocalSystem(
    "milestone",
    _("Milestones: custom ones by kind; day-count ones (30 days, 1 year) as recovery-days"),
    (
        *_choices(MilestoneKind),
        ("recovery-days", "Days in recovery (a day-count milestone)"),
    ),
)
STRATEGY_CATEGORY = LocalSystem(
    "strategy-category", _("The category of a coping strategy"), _choices(StrategyCategory)
)
LOCAL_SYSTEMS: tuple[LocalSystem, ...] = (
    CHECKIN_ITEM,
    CHECKIN_SUMMARY_BAND,
    INSTRUMENT_TOTAL,
    INSTRUMENT_BAND,
    CONSENT_SCOPES,
    RELATIONSHIP,
    TEAM_ROLE,
    APPOINTMENT_KIND,
    MILESTONE,
    STRATEGY_CATEGORY,
)


def answers_system(slug: str) -> str:
    """The answer options of one instrument, coded by their published value."""
    return f"{BASE_URL}/CodeSystem/{slug}-answers"


def questionnaire_url(slug: str) -> str:
    """LOINC's questionnaire where LOINC publishes one, else ours."""
    if slug in QUESTIONNAIRE_LOINC:
        return f"{LOINC}/q/{QUESTIONNAIRE_LOINC[slug]}"
    return f"{BASE_URL}/Questionnaire/{slug}"


def mrn_system(clinic_slug: str) -> str:
    """Medical record numbers are unique within one clinic."""
    return f"{BASE_URL}/sid/mrn/{clinic_slug}"


def markdown_table() -> str:
    """The README's table of the local code systems."""
    lines = ["| Code system | What it codes | Codes |", "|---|---|---|"]
    for system in LOCAL_SYSTEMS:
        codes = ", ".join(f"`{code}`" for code, _display in system.codes)
        lines.append(f"| `{system.url}` | {system.description} | {codes} |")
    lines.append(
        f"| `{BASE_URL}/CodeSystem/<instrument>-answers` | An instrument's answer options, "
        "by published value | `0`..`3`, `1`..`6` |"
    )
    return "\n".join(lines)
