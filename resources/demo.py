"""Demo seeding for the resources app; registered in recovery_hub.demo.SEED_STEPS: six education
articles and a directory of fictional partners for each demo clinic (`seed_education`,
`seed_community`: both look up by natural key before creating, so they are safe to run twice and
never overwrite a clinic's own edits), and two entries attached to its first patient. Each has its
Spanish version (resources/demo_es.py); a seeded entry from before the Spanish version existed,
still in its seeded English words and without Spanish, gets it on the next run."""

import random
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from accounts.models import Organization
from resources.demo_es import ARTICLES_ES, COMMUNITY_RESOURCES_ES
from resources.models import Article, Audience, CommunityResource, PatientResource, ResourceKind

if TYPE_CHECKING:  # recovery_hub.demo imports this module to register the step
    from recovery_hub.demo import DemoClinic

ARTICLES: list[dict[str, str]] = [
    {
        "slug": "supporting-without-enabling",
        "title": "Supporting without enabling",
        "audience": Audience.FAMILIES,
        "summary": "How to stay close and helpful while letting your person own their recovery.",
        "body": """Loving someone in recovery often means wanting to fix things for them. Support \
and enabling can look alike from the outside; the difference is whether your help moves your \
person toward their goals or shields them from the results of substance use.

# What support looks like

- Listening without rushing to advice or judgement.
- Offering practical help that serves recovery: a ride to a group, company at an appointment, \
a quiet evening together.
- Saying clearly what you can and cannot do, and keeping to it kindly.
- Noticing effort, not only outcomes.

# What tends to enable

- Covering for missed work or broken promises.
- Giving cash when you are unsure where it will go.
- Taking over responsibilities your person is able to carry.
- Avoiding every hard conversation to keep the peace.

# Boundaries are a form of care

A boundary is about what **you** will do, not about controlling someone else: "I will not lend \
money right now, and I would love to help you find a job listing." Say it calmly, at a calm \
moment, and expect to repeat it.

You will sometimes get this wrong. That is normal. If you are unsure whether something helps, \
ask your person what would feel supportive, and talk it through with the care team or a family \
support group. You do not have to work it out alone.""",
    },
    {
        "slug": "talking-about-stigma",
        "title": "Talking about stigma",
        "audience": Audience.BOTH,
        "summary": "Words shape how people are treated. Small changes in language make room "
        "for recovery.",
        "body": """Stigma is the shame and blame that still surround substance use. It keeps \
people from asking for help, from telling a doctor the whole story, and from believing that \
change is possible. The good news: everyday language is one of the easiest places to start \
changing it.

# Person-first words

- Say "a person with a substance use disorder" rather than "an addict" or "a junkie".
- Say "in recovery" rather than "clean", and "returned to use" rather than "dirty" or "relapsed \
again".
- Say "medication for addiction treatment" rather than "replacing one drug with another". \
Medication is treatment, and it saves lives.

# When someone says something hurtful

You do not have to lecture. A short, warm correction often works best: "I think of her as \
someone working hard on her health." If you are the person in recovery, you decide how much of \
your story to share, with whom, and when. Privacy is a right, not a secret.

# Be gentle with yourself too

Many people carry stigma inside, as quiet shame. Noticing that voice, and answering it the way \
you would answer a friend, is part of healing. Recovery is a health journey, and it deserves the \
same respect as any other.""",
    },
    {
        "slug": "naloxone-and-overdose-response",
        "title": "Naloxone and responding to an overdose",
        "audience": Audience.BOTH,
        "summary": "Naloxone can reverse an opioid overdose. Know the signs and the steps.",
        "body": """Naloxone (one common brand is Narcan) is a medicine that can reverse an opioid \
overdose. It is safe to give, even if you are not sure opioids are involved. Keeping it at home \
and knowing how to use it is an act of care, not a sign that you expect the worst.

# Signs of an opioid overdose

- The person will not wake up or respond to your voice or a firm rub on the breastbone.
- Breathing is very slow, noisy (snoring or gurgling) or has stopped.
- Lips or fingertips look blue or gray; pupils may be very small.

# What to do

- **Call 911 or your local emergency number right away.** Say the person is not breathing or \
will not wake up.
- **Give naloxone.** For the nasal spray: lay the person on their back, put the nozzle in one \
nostril and press the plunger firmly.
- **Support breathing.** If you are trained, give rescue breaths; follow the dispatcher's \
instructions.
- **Give a second dose** if there is no response after 2 to 3 minutes.
- **Stay with the person.** Naloxone wears off sooner than many opioids, so the overdose can \
return. If they are breathing, turn them on their side in the recovery position.

# Where to get naloxone

In many places pharmacies offer naloxone without a prescription, and community programs give it \
out free. Laws, including protections for people who call for help, and availability vary by \
state and country, so check what applies where you live. Ask the care team or see the community \
resources page for a local distribution point.""",
    },
    {
        "slug": "self-care-for-families",
        "title": "Self-care for families",
        "audience": Audience.FAMILIES,
        "summary": "You matter too. Looking after yourself makes you a steadier support.",
        "body": """When someone you love is in recovery, your own needs can slide to the bottom \
of the list. Worry, broken sleep and the urge to stay on alert all the time wear anyone down. \
Taking care of yourself is not selfish; it is what lets you keep showing up.

# Small daily anchors

- Keep one or two routines that are only yours: a walk, a call with a friend, time with a hobby.
- Eat regular meals and protect your sleep as much as you can.
- Notice your body. Tight shoulders and a racing mind are signals to pause and breathe.

# Find your own support

- Family support groups are full of people who understand without explanation.
- A counselor of your own can help you sort through anger, grief, fear and hope.
- Tell at least one trusted person how you are really doing.

# Let go of what is not yours

You did not cause your person's substance use, you cannot control it, and you cannot cure it \
alone. You **can** control how you respond, the boundaries you keep, and the kindness you offer \
yourself.

# When it feels like too much

If you feel hopeless or overwhelmed, reach out. In the United States you can call or text 988 \
for the Suicide and Crisis Lifeline, any time. Your wellbeing matters for its own sake, not only \
because someone else depends on you.""",
    },
    {
        "slug": "what-a-setback-means",
        "title": "What a setback means, and what helps",
        "audience": Audience.BOTH,
        "summary": "A return to use is not the end of recovery. It is information, and a moment "
        "to reach out.",
        "body": """Recovery rarely runs in a straight line. Many people have one or more \
setbacks along the way, and a return to use does not erase the days, skills and relationships \
built before it. Like other long-term health conditions, substance use disorders can have \
periods of flare-up; what matters most is what happens next.

# If you are the person in recovery

- **Reach out early.** Tell your counselor or a trusted supporter. The sooner, the better.
- **Be safe.** Tolerance drops after time without use, which raises the risk of overdose. Do not \
use alone and keep naloxone nearby.
- **Look at what led up to it**, without blame: stress, people, places, sleep, feelings. Your \
coping plan can be updated with what you learn.
- **Return to your supports**: meetings, routines and the people who help.

# If you are a supporter

- Stay calm and keep the door open. Shame pushes people away from help.
- Say what you see and how you feel, briefly and kindly: "I'm worried, and I'm here."
- Keep your boundaries; compassion and limits go together.
- Encourage contact with the care team rather than trying to manage it alone.

# Hope is realistic

Every attempt teaches something. Many people who are now well in long-term recovery had \
setbacks on the way there. Starting again is part of the journey, not a failure of it.""",
    },
    {
        "slug": "celebrating-milestones",
        "title": "How to celebrate milestones",
        "audience": Audience.BOTH,
        "summary": "Marking progress builds hope. Ideas for celebrating in ways that feel right.",
        "body": """Thirty days, six months, a first year: milestones are a chance to pause and \
notice how far someone has come. Celebrating them builds confidence and reminds everyone that \
recovery is happening day by day.

# Let the person lead

Some people love a party; others would rather have a quiet dinner or a simple card. Ask what \
would feel good. Some milestones carry mixed feelings too, so follow your person's cue.

# Ideas that tend to work

- A handwritten note about specific changes you have noticed.
- A shared activity: a hike, a movie, cooking a favorite meal together.
- Something that supports a new goal, like a class, a book or gym gear.
- Marking the day with a recovery group, where milestones are often honored with a token or chip.

# Keep it safe and substance-free

Choose places and plans without alcohol or other substances in the center of things. A \
celebration should feel like relief, not a test.

# Celebrate more than dates

Progress is more than counting days. The first honest hard conversation, a job interview, a \
repaired friendship or a rough week handled with new skills all deserve recognition. If a \
setback resets a count, the growth does not disappear; it can still be named and celebrated.""",
    },
]

COMMUNITY_RESOURCES: list[dict[str, str]] = [
    {
        "name": "Maple Street Mutual Help Meetings (fictional)",
        "kind": ResourceKind.MUTUAL_HELP,
        "address": "410 Maple Street, Community Hall, Room B",
        "hours": "Daily 7:00 pm; Saturdays also 10:00 am",
        "phone": "555-0141",
        "languages": "English, Spanish",
        "description": "Peer-led, free and open to anyone who wants to stop or cut down. "
        "Newcomers welcome; no sign-up needed.",
    },
    {
        "name": "Harborlight Family Circle (fictional)",
        "kind": ResourceKind.FAMILY_SUPPORT,
        "address": "22 Bayview Avenue, Library meeting room",
        "hours": "Tuesdays 6:30 to 8:00 pm",
        "phone": "555-0152",
        "email": "hello@harborlight.example",
        "languages": "English",
        "description": "A weekly group for parents, partners and friends of people with "
        "substance use disorders. Facilitated by trained volunteers.",
    },
    {
        "name": "Cedar House Recovery Residences (fictional)",
        "kind": ResourceKind.HOUSING,
        "address": "1180 Cedar Road",
        "hours": "Intake calls weekdays 9:00 am to 4:00 pm",
        "phone": "555-0163",
        "website": "https://cedarhouse.example",
        "languages": "English, Portuguese",
        "description": "Structured, substance-free shared housing with house meetings and "
        "peer support. Sliding-scale rent.",
    },
    {
        "name": "Northside Community Pantry (fictional)",
        "kind": ResourceKind.FOOD,
        "address": "75 Elm Street, side entrance",
        "hours": "Mondays and Thursdays 10:00 am to 2:00 pm",
        "phone": "555-0174",
        "languages": "English, Spanish, Haitian Creole",
        "description": "Free groceries, fresh produce when available. Bring a bag; no ID needed.",
    },
    {
        "name": "Second Start Jobs Program (fictional)",
        "kind": ResourceKind.EMPLOYMENT,
        "address": "300 Commerce Plaza, Suite 12",
        "hours": "Weekdays 9:00 am to 5:00 pm",
        "phone": "555-0185",
        "email": "info@secondstart.example",
        "website": "https://secondstart.example",
        "languages": "English",
        "description": "Résumé help, interview practice and connections to recovery-friendly "
        "employers.",
    },
    {
        "name": "Riverside Legal Aid Clinic (fictional)",
        "kind": ResourceKind.LEGAL_AID,
        "address": "9 Court Street, 2nd floor",
        "hours": "Walk-in Wednesdays 1:00 to 5:00 pm",
        "phone": "555-0196",
        "languages": "English, Spanish, Vietnamese",
        "description": "Free civil legal help with housing, benefits, record sealing and "
        "family matters for people with low incomes.",
    },
    {
        "name": "Lifeline Naloxone Outreach (fictional)",
        "kind": ResourceKind.NALOXONE,
        "address": "Mobile van; stops posted weekly",
        "hours": "Tuesday to Saturday, noon to 6:00 pm",
        "phone": "555-0107",
        "languages": "English, Spanish",
        "description": "Free naloxone kits and a five-minute training on how to use them. "
        "No questions asked.",
    },
    {
        "name": "Open Door Peer Recovery Center (fictional)",
        "kind": ResourceKind.OTHER,
        "address": "58 Union Square",
        "hours": "Weekdays 10:00 am to 7:00 pm",
        "phone": "555-0118",
        "website": "https://opendoor.example",
        "languages": "English, Arabic",
        "description": "A drop-in space with recovery coaches, all-recovery meetings, "
        "computer access and coffee.",
    },
]


def _fill_spanish(obj: Article | CommunityResource, english: dict, spanish: dict) -> bool:
    """Give a seeded row its Spanish version if the clinic left it as seeded, with no Spanish."""
    unchanged = all(getattr(obj, name) == value for name, value in english.items())
    if not unchanged or any(getattr(obj, name) for name in spanish):
        return False
    for name, value in spanish.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*spanish, "updated_at"])
    return True


@transaction.atomic
def seed_education(clinic: Organization) -> int:
    """Add the starter articles (published, in English and Spanish) a clinic lacks; the number
    created."""
    created_count = 0
    for article in ARTICLES:
        spanish = ARTICLES_ES[article["slug"]]
        english = {k: v for k, v in article.items() if k != "slug"}
        obj, created = Article.objects.get_or_create(
            clinic=clinic,
            slug=article["slug"],
            defaults={**english, **spanish, "is_published": True},
        )
        if not created:
            _fill_spanish(obj, english, spanish)
        created_count += created
    return created_count


@transaction.atomic
def seed_community(clinic: Organization) -> int:
    """Add the fictional partners a clinic lacks (by name), in English and Spanish; the number
    created."""
    created_count = 0
    for resource in COMMUNITY_RESOURCES:
        spanish = COMMUNITY_RESOURCES_ES[resource["name"]]
        english = {k: v for k, v in resource.items() if k != "name"}
        obj, created = CommunityResource.objects.get_or_create(
            clinic=clinic, name=resource["name"], defaults={**english, **spanish}
        )
        if not created:
            _fill_spanish(obj, english, spanish)
        created_count += created
    return created_count


DEMO_ATTACHMENTS = [
    (ResourceKind.MUTUAL_HELP, "A welcoming evening meeting close to home."),
    (ResourceKind.NALOXONE, "Pick up a free kit for the household."),
]


def seed_resources(demos: list["DemoClinic"], rng: random.Random, today: date) -> None:
    """Articles and directory for each demo clinic; two entries attached to its first patient."""
    for demo in demos:
        seed_education(demo.clinic)
        seed_community(demo.clinic)
        if not demo.patients:
            continue
        patient = demo.patients[0]
        attached_by = demo.clinicians[0] if demo.clinicians else None
        for kind, note in DEMO_ATTACHMENTS:
            resource = (
                CommunityResource.objects.filter(clinic=demo.clinic, kind=kind, is_active=True)
                .order_by("pk")
                .first()
            )
            if resource is not None:
                PatientResource.objects.get_or_create(
                    patient=patient,
                    resource=resource,
                    defaults={"note": note, "attached_by": attached_by},
                )
