"""Demo data for the network and outcomes reports, on the demo's own people (it adds no one):
the invitation behind every contact, a help task done, a consent ending within the month, a
second BRS and BARC-10 in the last month (so each has a first and a latest score), and, when the
clinic has people who finished treatment, networks that stepped back after it (so every network
group has someone).

Safe to run twice; deterministic for the random stream it is given.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from coping.instruments import score
from coping.models import Assessment
from networks.consent import consented_scopes
from networks.models import (
    Consent,
    ContactStatus,
    ExpiryEvent,
    HelpKind,
    HelpStatus,
    HelpTask,
    Invitation,
    Scope,
    SignatureMethod,
    SupportContact,
)
from networks.services import consent_grant, current_consent
from patients.models import Patient, PatientStatus
from reports.demo_activity import decorated_first

if TYPE_CHECKING:
    from recovery_hub.demo import DemoClinic

DONE_TASK_TITLE = "Company at the Saturday meeting"
# The demo's first two people have the supporter logins: their portals stay as they are.
LOGIN_PEOPLE = 2
ENDING_PURPOSE = "To support me through the family program"
ENDING_IN_DAYS = 20
# Monthly instruments: in a 30-day range they have one score unless a second is taken.
MONTHLY = ("brs", "barc10")
WINDOW_DAYS = 30


def seed_invitations(people: list[Patient], clinician: object, rng: random.Random) -> None:
    """The email invitation behind each contact that has none: the ones in the network accepted
    it a day or two after it was sent; the newest, still invited, has it open."""
    now = timezone.now()
    contacts = list(
        SupportContact.objects.filter(patient__in=people, invitations__isnull=True)
        .exclude(email="")
        .order_by("patient__mrn", "pk")
    )
    rows, sent_at = [], {}
    for contact in contacts:
        accepted = contact.status != ContactStatus.INVITED
        sent = now - timedelta(days=rng.randint(3, 50) if accepted else rng.randint(0, 4))
        invitation = Invitation(
            contact=contact,
            email=contact.email,
            nonce=secrets.token_hex(16),
            sent_by=clinician,
            expires_at=sent + timedelta(days=Invitation.VALID_DAYS),
            accepted_at=sent + timedelta(days=rng.randint(1, 2)) if accepted else None,
            accepted_by_id=contact.user_id if accepted else None,
        )
        rows.append(invitation)
        sent_at[invitation.nonce] = sent
    created = Invitation.objects.bulk_create(rows)
    if created:
        # `created_at` is stamped on insert: one update gives each its day.
        Invitation.objects.filter(pk__in=[i.pk for i in created]).update(
            created_at=Case(
                *(When(pk=i.pk, then=Value(sent_at[i.nonce])) for i in created),
                output_field=DateTimeField(),
            )
        )


def seed_done_tasks(people: list[Patient], clinician: object, rng: random.Random) -> None:
    """A help task done in the last week, by a supporter who shares help tasks, for each person
    past the login people."""
    now = timezone.now()
    for patient in people[LOGIN_PEOPLE:]:
        if patient.help_tasks.filter(title=DONE_TASK_TITLE).exists():
            continue
        active = patient.contacts.filter(status=ContactStatus.ACTIVE).order_by("pk")
        helper = next((c for c in active if Scope.HELP_TASKS in consented_scopes(c)), None)
        if helper is None:
            continue
        claimed = now - timedelta(days=rng.randint(5, 9))
        HelpTask.objects.create(
            patient=patient,
            kind=HelpKind.COMPANY,
            title=DONE_TASK_TITLE,
            status=HelpStatus.DONE,
            claimed_by=helper,
            claimed_at=claimed,
            done_at=claimed + timedelta(days=rng.randint(1, 3)),
            created_by=clinician,
        )


def seed_consent_ending(people: list[Patient], clinician: object, today: date) -> None:
    """One supporter's open-ended consent replaced by one that ends in 20 days (signed on
    paper), so "consents ending within 30 days" has something."""
    if Consent.objects.filter(patient__in=people, purpose=ENDING_PURPOSE).exists():
        return
    for patient in decorated_first(people[LOGIN_PEOPLE:]):
        if patient.user_id or patient.status != PatientStatus.ACTIVE:
            continue
        for contact in patient.contacts.filter(status=ContactStatus.ACTIVE, user__isnull=True):
            current = current_consent(contact)
            if current is None or current.expires_on is not None or not consented_scopes(contact):
                continue
            consent_grant(
                contact=contact,
                actor=clinician,
                scopes=current.scopes,
                purpose=ENDING_PURPOSE,
                signed_name=patient.legal_name,
                signature_method=SignatureMethod.PAPER,
                expires_on=patient.local_today() + timedelta(days=ENDING_IN_DAYS),
                expires_on_event=ExpiryEvent.DISCHARGE,
                paper_form=ContentFile(b"%PDF-1.4 demo consent form", name="consent.pdf"),
            )
            return


def seed_second_scores(people: list[Patient], today: date) -> None:
    """A BRS and a BARC-10 taken at a session earlier in the last month, between the monthly
    ones: the answers of the person's score before it, so the month shows a first and a latest
    score. The latest stays the latest (nothing falls due at another time)."""
    start = today - timedelta(days=WINDOW_DAYS - 1)
    rows = []
    for patient in people:
        for slug in MONTHLY:
            history = Assessment.objects.filter(patient=patient, instrument=slug)
            taken = list(history.order_by("-local_date")[:2])
            if len(taken) < 2 or taken[0].local_date <= start:
                continue  # one score in all, or the latest is before the month
            if taken[1].local_date >= start:
                continue  # already two in the month
            day = start + (taken[0].local_date - start) // 2
            result = score(slug, taken[1].answers)
            rows.append(
                Assessment(
                    patient=patient,
                    instrument=slug,
                    answers=taken[1].answers,
                    total=taken[1].total,
                    band=result.band,
                    flags=sorted(result.flags),
                    local_date=day,
                    entered_by=None,
                )
            )
    Assessment.objects.bulk_create(rows)


def seed_quiet_networks(people: list[Patient]) -> None:
    """After treatment ended, networks step back: the first person discharged or alumni pauses
    every supporter (no active supporter), the next keeps two. Only when nobody in the clinic
    is in that group already; people still in treatment are never touched."""
    ended = [p for p in people if p.status in (PatientStatus.DISCHARGED, PatientStatus.ALUMNI)]
    if not ended:
        return
    counts = {p.pk: p.contacts.filter(status=ContactStatus.ACTIVE).count() for p in people}
    wanted = []
    if not any(n == 0 for n in counts.values()):
        wanted.append(0)
    if not any(1 <= n <= 2 for n in counts.values()):
        wanted.append(2)
    for patient, keep in zip(ended, wanted, strict=False):
        active = patient.contacts.filter(status=ContactStatus.ACTIVE).order_by("pk")
        paused = [c.pk for c in active][keep:]
        SupportContact.objects.filter(pk__in=paused).update(status=ContactStatus.PAUSED)


def seed_network_reports(demos: list[DemoClinic], rng: random.Random, today: date) -> None:
    """Something for the network and outcomes reports to show in every demo clinic."""
    for demo in demos:
        clinician = demo.clinicians[0]
        people = list(Patient.objects.filter(pk__in=[p.pk for p in demo.patients]).order_by("mrn"))
        seed_invitations(people, clinician, rng)
        seed_done_tasks(people, clinician, rng)
        seed_consent_ending(people, clinician, today)
        seed_second_scores(people, today)
        seed_quiet_networks(people)
