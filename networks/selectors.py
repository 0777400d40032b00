"""Reads of the support network. Everything a supporter sees is built here, from
`consented_scopes()` only: a section whose scope is not granted is not even computed."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Count,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from coping.models import Assessment, CheckIn
from networks.consent import consented_scopes
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    HelpSlotClaim,
    HelpStatus,
    HelpTask,
    ReachOut,
    Scope,
    SupportContact,
    SupporterWellbeing,
)
from networks.sections import sections_for
from patients.milestones import MilestoneDate
from patients.models import Appointment, Patient

MILESTONE_WINDOW_DAYS = 60
MY_ENCOURAGEMENTS_SHOWN = 5


def contacts_of_supporter(user: User, clinic: Organization) -> QuerySet[SupportContact]:
    """The people this supporter supports at this clinic (removed contacts see nothing)."""
    return (
        SupportContact.objects.filter(user=user, patient__clinic=clinic)
        .exclude(status=ContactStatus.REMOVED)
        .select_related("patient")
        .order_by("patient__legal_name", "pk")
    )


def contact_for_supporter(user: User, clinic: Organization, patient_id: object) -> SupportContact:
    """This supporter's contact row for the patient; 404 if they do not support them here."""
    try:
        pk = int(patient_id)
    except (TypeError, ValueError):
        raise Http404 from None
    contact = contacts_of_supporter(user, clinic).filter(patient_id=pk).first()
    if contact is None:
        raise Http404
    return contact


@dataclass
class CheckinSummary:
    """Measures made safe to share: a band and a direction in plain words, never a number,
    an answer or a note."""

    band: str  # "steady", "improving", "extra_support", or "quiet" (too few check-ins to tell)
    days_checked_in: int

    @property
    def label(self) -> str:
        return {
            "steady": _("Steady"),
            "improving": _("Improving"),
            "extra_support": _("Could use extra support"),
            "quiet": _("Not enough check-ins this week to tell"),
        }[self.band]

    @property
    def arrow(self) -> str:
        return {"steady": "→", "improving": "↗", "extra_support": "↘", "quiet": "·"}[self.band]

    @property
    def sentence(self) -> str:
        return {
            "steady": _("Things have been fairly steady this week."),
            "improving": _("This week has been going better than the one before."),
            "extra_support": _("This week has been harder. A little extra support would help."),
            "quiet": _(
                "There have not been many check-ins this week. A friendly hello is always welcome."
            ),
        }[self.band]


def checkin_summary(patient: Patient, today: date | None = None) -> CheckinSummary:
    today = today or patient.local_today()
    rows = list(
        CheckIn.objects.filter(
            patient=patient, local_date__gt=today - timedelta(days=14)
        ).values_list("local_date", "mood", "craving", "stress", "used_since_last")
    )
    week_start = today - timedelta(days=7)

    def wellbeing(subset: list[tuple]) -> float | None:
        if not subset:
            return None
        return sum(mood - (craving + stress) / 2 for _d, mood, craving, stress, _u in subset) / len(
            subset
        )

    this_week = [r for r in rows if r[0] > week_start]
    last_week = [r for r in rows if r[0] <= week_start]
    now, before = wellbeing(this_week), wellbeing(last_week)
    heavy_bands = {"moderate", "moderately_severe", "severe"}
    recent_heavy = Assessment.objects.filter(
        patient=patient,
        instrument__in=["phq9", "gad7"],
        band__in=heavy_bands,
        local_date__gt=today - timedelta(days=14),
    ).exists()
    if (
        recent_heavy
        or any(r[4] for r in this_week)
        or (now is not None and now < 0)
        or (now is not None and before is not None and now < before - 1.5)
    ):
        band = "extra_support"
    elif len(this_week) <= 2:
        band = "quiet"  # too few check-ins to say; silence is not read as struggling
    elif now is not None and before is not None and now > before + 1.0:
        band = "improving"
    else:
        band = "steady"
    return CheckinSummary(band=band, days_checked_in=len(this_week))


@dataclass
class SupporterView:
    """What one supporter sees about one patient, section by consented section."""

    contact: SupportContact
    scopes: frozenset[str]
    milestones: list[MilestoneDate] = field(default_factory=list)
    celebrate: MilestoneDate | None = None
    summary: CheckinSummary | None = None
    plan: dict | None = None
    playbook_step: str = ""
    appointments: list[Appointment] = field(default_factory=list)
    open_tasks: list[HelpTask] = field(default_factory=list)
    my_tasks: list[HelpTask] = field(default_factory=list)
    # The coming occasions of the person's series (the help calendar): open or theirs.
    help_occasions: list = field(default_factory=list)
    my_reach_outs: list[ReachOut] = field(default_factory=list)

    @property
    def patient(self) -> Patient:
        return self.contact.patient

    @property
    def first_name(self) -> str:
        return self.patient.first_name

    @property
    def shares_anything(self) -> bool:
        return bool(self.scopes)

    @property
    def shows(self) -> dict[str, bool]:
        """Which sections the view holds, by the scope's name (`view.shows.HELP_TASKS` in a
        template)."""
        return Scope.flags(self.scopes)


def supporter_view(contact: SupportContact, today: date | None = None) -> SupporterView:
    """Only the sections the patient consented to, computed now (a revocation applies to the
    very next request)."""
    scopes = consented_scopes(contact)
    view = SupporterView(contact=contact, scopes=scopes)
    if not scopes:
        return view
    today = today or contact.patient.local_today()
    for section in sections_for(scopes):
        section.select(view, today)
    view.my_reach_outs = list(contact.reach_outs.order_by("-happened_on", "-id")[:10])
    return view


def encouragements_sent_by(contact: SupportContact) -> list[Encouragement]:
    """What this supporter sent the person, newest first (theirs only; the page shows it was
    sent)."""
    return list(contact.encouragements.order_by("-created_at", "-id")[:MY_ENCOURAGEMENTS_SHOWN])


def encouragements_for_patient(patient: Patient, *, include_hidden: bool = False) -> QuerySet:
    qs = Encouragement.objects.filter(patient=patient).select_related("contact")
    return qs if include_hidden else qs.filter(hidden_at__isnull=True)


def network_rows(patient: Patient) -> QuerySet[SupportContact]:
    """The rows of network_of(), not yet read: a list may narrow them first (the API's filters)."""
    latest_wellbeing = SupporterWellbeing.objects.filter(contact=OuterRef("pk")).order_by("-month")
    # The help calendar's times each person holds from today on.
    times_taken = (
        HelpSlotClaim.objects.filter(
            contact=OuterRef("pk"),
            given_back_at__isnull=True,
            occurs_on__gte=patient.local_today(),
        )
        .order_by()
        .values("contact")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        SupportContact.objects.filter(patient=patient)
        .annotate(
            times_taken=Coalesce(Subquery(times_taken, output_field=IntegerField()), Value(0)),
            wellbeing_holding_up=Subquery(latest_wellbeing.values("holding_up")[:1]),
            wellbeing_has_support=Subquery(latest_wellbeing.values("has_support")[:1]),
            last_reach_out=Max("reach_outs__happened_on"),
            tasks_claimed=Count("tasks", filter=Q(tasks__status=HelpStatus.CLAIMED), distinct=True),
            tasks_done=Count("tasks", filter=Q(tasks__status=HelpStatus.DONE), distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "consents",
                queryset=Consent.objects.filter(revoked_at__isnull=True, superseded_at__isnull=True)
                .with_in_force(patients=[patient])
                .order_by("-signed_at"),
                to_attr="open_consents",
            )
        )
        .order_by("status", "name", "pk")
    )


def network_of(
    patient: Patient, contacts: QuerySet[SupportContact] | None = None
) -> list[SupportContact]:
    """The clinician's network view: every contact (or those of `contacts`, from
    network_rows()) with status, current consent, last reach-out and tasks claimed and done
    (a constant number of queries)."""
    if contacts is None:
        contacts = network_rows(patient)
    result = []
    soon = patient.local_today() + timedelta(days=14)
    for contact in contacts:
        contact.current = contact.open_consents[0] if contact.open_consents else None
        contact.wellbeing_low = contact.wellbeing_holding_up is not None and (
            contact.wellbeing_holding_up <= 2 or not contact.wellbeing_has_support
        )
        contact.expiring_soon = bool(
            contact.current and contact.current.expires_on and contact.current.expires_on <= soon
        )
        result.append(contact)
    return result
