"""Demo workshops (in English and Spanish), RSVPs and published stories for `manage.py
seed_demo` (safe to run twice; a workshop seeded before it had a Spanish version gets it)."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from events.models import (
    DisplayNameChoice,
    Event,
    EventInvitation,
    EventKind,
    Rsvp,
    Story,
    StoryStatus,
)
from events.services import byline_for, consent_text_for
from networks.models import ContactStatus, SupportContact

STORIES = [
    (
        "The morning I asked for help",
        DisplayNameChoice.ANONYMOUS,
        "For years I told myself I had it under control. The morning I finally called the "
        "clinic, my hands were shaking. Nobody judged me. Ninety days later I still go to "
        "group every Tuesday, and I sleep through the night again.",
    ),
    (
        "Small steps, every day",
        DisplayNameChoice.FIRST_NAME,
        "What helped most was making my days smaller: one check-in, one walk, one phone call "
        "to my sister. Some days were hard, and I had a setback in the spring. My care team "
        "helped me see it as part of the road, not the end of it.",
    ),
]


DESCRIPTION = "Open to people in recovery and the people who support them."
# The workshops' Spanish version (docs/glossary-es.md), keyed by the English title.
WORKSHOPS_ES = {
    "Family education workshop: understanding recovery": {
        "title_es": "Taller para familias: cómo es la recuperación",
        "place_es": "Sala de la comunidad, segundo piso",
    },
    "Alumni gathering": {
        "title_es": "Encuentro de exalumnos",
        "place_es": "Pabellón del parque Riverside",
    },
}
DESCRIPTION_ES = (
    "Es para personas en recuperación y para quienes les dan apoyo. Le damos la bienvenida."
)


def _at(clinic_tz: str, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=ZoneInfo(clinic_tz))


def seed_events(demos: list, rng: random.Random, today: date) -> None:
    for demo in demos:
        clinic, staff = demo.clinic, demo.clinicians[0]
        invitees = demo.patients[:3]
        plans = [
            (
                EventKind.FAMILY_WORKSHOP,
                "Family education workshop: understanding recovery",
                today + timedelta(days=7 - today.weekday() + 1),
                18,
                "Community room, 2nd floor",
                20,
            ),
            (
                EventKind.ALUMNI_GATHERING,
                "Alumni gathering",
                today + timedelta(days=35),
                17,
                "Riverside Park pavilion",
                None,
            ),
        ]
        for kind, title, day, hour, place, capacity in plans:
            spanish = {**WORKSHOPS_ES[title], "description_es": DESCRIPTION_ES}
            event, created = Event.objects.get_or_create(
                clinic=clinic,
                title=title,
                defaults={
                    "kind": kind,
                    "starts_at": _at(clinic.time_zone, day, hour),
                    "ends_at": _at(clinic.time_zone, day, hour + 2),
                    "place": place,
                    "capacity": capacity,
                    "created_by": staff,
                    "description": DESCRIPTION,
                    **spanish,
                },
            )
            if not created and not event.title_es and event.description == DESCRIPTION:
                Event.objects.filter(pk=event.pk).update(**spanish)
            for patient in invitees:
                EventInvitation.objects.get_or_create(
                    event=event, patient=patient, defaults={"invited_by": staff}
                )
            contacts = SupportContact.objects.filter(
                patient__in=invitees, status=ContactStatus.ACTIVE, user__isnull=False
            )
            for contact in contacts:
                EventInvitation.objects.get_or_create(
                    event=event, contact=contact, defaults={"invited_by": staff}
                )
            answers = [Rsvp.YES, Rsvp.MAYBE, Rsvp.NO, Rsvp.YES]
            for invitation in event.invitations.filter(rsvp=Rsvp.PENDING).order_by("pk")[:4]:
                invitation.rsvp = rng.choice(answers)
                invitation.responded_at = timezone.now()
                invitation.save(update_fields=["rsvp", "responded_at"])
        for patient, (title, choice, body) in zip(demo.patients[3:5], STORIES, strict=False):
            if Story.objects.filter(patient=patient, title=title).exists():
                continue
            story = Story(
                patient=patient,
                title=title,
                body=body,
                display_name_choice=choice,
                created_by=patient.user,
            )
            now = timezone.now()
            story.byline = byline_for(story)
            story.consent_text = consent_text_for(story)
            story.consent_signed_name = patient.legal_name
            story.consented_at = now - timedelta(days=3)
            story.status = StoryStatus.PUBLISHED
            story.published_at = now - timedelta(days=2)
            story.published_by = staff
            story.save()
