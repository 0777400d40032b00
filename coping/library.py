"""The clinic's coping-strategy library: the starter set every clinic gets, and its few writes.

`STRATEGY_LIBRARY` is a plain constant (category value -> [(title, description)]) so that the
data migration can import it without touching models. The wording is ours: plain language,
practical, person-first. Clinics add, reword and deactivate strategies from the library page.
Each starter strategy has its Spanish version in `coping.library_es.STRATEGY_LIBRARY_ES`.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from audit.models import Action
from audit.services import audit_record
from coping.library_es import STRATEGY_LIBRARY_ES
from coping.models import Strategy, StrategyCategory
from core.bilingual import check_spanish_complete

STRATEGY_LIBRARY: dict[str, list[tuple[str, str]]] = {
    "stress_management": [
        (
            "Box breathing",
            "Breathe in for 4, hold for 4, breathe out for 4, hold for 4. Repeat four times, "
            "or until your shoulders drop a little.",
        ),
        (
            "5-4-3-2-1 grounding",
            "Name 5 things you can see, 4 you can hear, 3 you can touch, 2 you can smell and 1 "
            "you can taste. It brings your attention back to the room you are in.",
        ),
        (
            "Progressive muscle relaxation",
            "Starting at your feet, tense each group of muscles for five seconds, then let go "
            "for ten. Work slowly up to your face.",
        ),
        (
            "Ten minutes on paper",
            "Set a timer for ten minutes and write whatever is on your mind, without fixing "
            "spelling or making sense. Close the notebook when the timer ends.",
        ),
        (
            "Worry time",
            "Pick 15 minutes a day for worrying. When a worry comes up at other times, jot it "
            "down and save it for then.",
        ),
        (
            "Cold water reset",
            "Splash cold water on your face or hold something cold for 30 seconds. It can slow "
            "a racing heart within a minute or two.",
        ),
    ],
    "trigger_management": [
        (
            "Urge surfing",
            "Notice a craving like a wave: it builds, peaks and passes, often within 20 to 30 "
            "minutes. Breathe and watch it without acting on it.",
        ),
        (
            "Play the tape forward",
            "When a craving comes, picture the whole story, not just the first moment: how you "
            "would feel tonight, tomorrow morning and next week.",
        ),
        (
            "Wait 15 minutes",
            "Tell yourself you will wait 15 minutes before deciding anything. Fill those minutes "
            "with something that keeps your hands or your mind busy.",
        ),
        (
            "Plan a way out",
            "Before going somewhere that might be hard, decide how you will leave, who you can "
            "text, and what you will say if someone offers you something.",
        ),
        (
            "Check HALT",
            "When an urge shows up, ask yourself: am I Hungry, Angry, Lonely or Tired? Take care "
            "of that need first.",
        ),
        (
            "Change the route",
            "If a place, street or shop brings up cravings, take another way for now. Steering "
            "around a trigger is a skill, not a weakness.",
        ),
    ],
    "routine": [
        (
            "Same wake-up time",
            "Get up at the same time every day, weekends too. A steady start makes the rest of "
            "the day easier to steer.",
        ),
        (
            "Plan tomorrow tonight",
            "Before bed, write down three things you will do tomorrow and when. Long stretches "
            "of unplanned time are often when things get hard.",
        ),
        (
            "Regular meals",
            "Eat something at breakfast, lunch and dinner, even if it is small. Hunger can feel "
            "a lot like a craving.",
        ),
        (
            "Wind-down hour",
            "In the hour before sleep, dim the lights, put the phone away and do something calm: "
            "a shower, a book, some stretching.",
        ),
        (
            "Daily check-in",
            "Take two minutes at the same time each day to note your mood, cravings and stress. "
            "Patterns become easier to see over a few weeks.",
        ),
        (
            "Weekly reset",
            "Once a week, tidy your space, look at the week ahead and plan one thing to look "
            "forward to.",
        ),
    ],
    "physical_activity": [
        (
            "Ten-minute walk",
            "Walk outside for ten minutes at any pace. Movement and daylight both lift mood and "
            "can take the edge off a craving.",
        ),
        (
            "Morning stretch",
            "Spend five minutes stretching before the day starts: neck, shoulders, back and legs.",
        ),
        (
            "Move to music",
            "Put on two or three songs you like and move to them: dance, clean, pace the room. "
            "It all counts.",
        ),
        (
            "Join a class or group",
            "A yoga, swimming or walking group adds movement and people to your week. Many "
            "community centres offer free or low-cost sessions.",
        ),
        (
            "Active chores",
            "Gardening, cleaning or fixing something keeps your body busy and leaves you with "
            "something done.",
        ),
        (
            "Build up slowly",
            "Start with what feels manageable and add a few minutes each week. Check with your "
            "doctor first if you have health concerns.",
        ),
    ],
    "healthy_relationships": [
        (
            "Reach out early",
            "Text or call someone supportive when you first notice a tough day, not only when "
            "things are at their hardest.",
        ),
        (
            "Go to a mutual-support meeting",
            "Groups such as AA, NA, SMART Recovery or Recovery Dharma connect you with people "
            "who understand. Many meet online too.",
        ),
        (
            "Practise saying no",
            "Have a short, friendly answer ready for when someone offers you something, like "
            '"No thanks, I\'m good." Say it out loud a few times so it comes easily.',
        ),
        (
            "Set a boundary",
            "It is okay to spend less time with people who use around you or make recovery "
            "harder. You can explain why, or simply step back.",
        ),
        (
            "Regular time with people who help",
            "Put a coffee, a walk or a call with someone supportive on your calendar each week.",
        ),
        (
            "Ask for specific help",
            "People often want to help but do not know how. Ask for something concrete: a lift "
            "to a meeting, a call at 8 pm, company on a hard day.",
        ),
    ],
    "skill_development": [
        (
            "Name the feeling",
            "When something feels off, try to name the emotion in one word: angry, ashamed, "
            "bored, anxious, sad. A named feeling is easier to handle.",
        ),
        (
            "Question the thought",
            'When a thought like "just one won\'t hurt" shows up, write it down and ask: what '
            "is the evidence? What would I tell a friend who said this?",
        ),
        (
            "Solve one problem at a time",
            "Write the problem down, list every option you can think of, pick one to try, and "
            "decide when you will look at how it went.",
        ),
        (
            "Learn something new",
            "Pick a hobby or skill, such as cooking, an instrument or a language, and give it a "
            "little time each week. It fills time and builds confidence.",
        ),
        (
            "Three good things",
            "Each evening, write down three things that went well today, however small.",
        ),
        (
            "Learn from a setback",
            "If a setback happens, look at it with curiosity rather than blame: what led up to "
            "it, what helped, what you would try next time. Talk it over with your care team.",
        ),
    ],
    "professional_guidance": [
        (
            "Keep your appointments",
            "Put counselling and medical appointments in your calendar with a reminder. If you "
            "cannot make one, call to rearrange it rather than missing it.",
        ),
        (
            "Contact your care team between sessions",
            "If things feel harder than usual, call your clinic. You do not need to wait for "
            "your next appointment.",
        ),
        (
            "Take medication as agreed",
            "If you take medication for recovery or mental health, take it as prescribed and "
            "talk to your prescriber before changing anything.",
        ),
        (
            "Bring your plan to sessions",
            "Bring this coping plan to your sessions and update it with your clinician as you "
            "learn what works for you.",
        ),
        (
            "Save the crisis numbers",
            "Save 988 (call or text), your local emergency number and your clinic's number in "
            "your phone today.",
        ),
        (
            "Ask about extra support",
            "Ask your care team about groups, peer support workers, family sessions or other "
            "services that could help right now.",
        ),
    ],
}


def seed_strategy_library(clinic: Organization) -> int:
    """Give a clinic the starter library, in English and Spanish; returns how many strategies
    were added. Safe to run again: a strategy already there (same category and title) is left
    as the clinic keeps it, except that a starter strategy still in its starter English words
    and without a Spanish version gets the starter Spanish version."""
    existing = {
        (s.category, s.title): s
        for s in Strategy.objects.filter(clinic=clinic).only(
            "category", "title", "description", "title_es", "description_es"
        )
    }  # one read, one insert, one update: this runs for every new clinic, so no per-row query
    missing, to_translate = [], []
    for category, strategies in STRATEGY_LIBRARY.items():
        for title, description in strategies:
            title_es, description_es = STRATEGY_LIBRARY_ES[title]
            found = existing.get((category, title))
            if found is None:
                missing.append(
                    Strategy(
                        clinic=clinic,
                        category=category,
                        title=title,
                        description=description,
                        title_es=title_es,
                        description_es=description_es,
                    )
                )
            elif found.description == description and not (found.title_es or found.description_es):
                found.title_es, found.description_es = title_es, description_es
                to_translate.append(found)
    # ignore_conflicts: a concurrent seeding of the same clinic is harmless (unique constraint).
    Strategy.objects.bulk_create(missing, ignore_conflicts=True)
    Strategy.objects.bulk_update(to_translate, ["title_es", "description_es"])
    return len(missing)


def library_for(clinic: Organization) -> list[tuple[str, str, list[Strategy]]]:
    """The clinic's library grouped by category, in the order of StrategyCategory."""
    groups: dict[str, list[Strategy]] = {value: [] for value in StrategyCategory.values}
    for strategy in Strategy.objects.filter(clinic=clinic).order_by("title", "pk"):
        groups.setdefault(strategy.category, []).append(strategy)
    return [
        (value, label, groups[value])
        for value, label in StrategyCategory.choices
        if value in groups
    ]


@transaction.atomic
def strategy_add(
    *,
    clinic: Organization,
    category: str,
    title: str,
    description: str,
    actor: User,
    title_es: str = "",
    description_es: str = "",
    request: HttpRequest | None = None,
) -> Strategy:
    title, description = title.strip(), description.strip()
    title_es, description_es = title_es.strip(), description_es.strip()
    if category not in StrategyCategory.values:
        raise ValidationError({"category": _("Choose a category.")})
    if not title:
        raise ValidationError({"title": _("Give the strategy a short title.")})
    if not description:
        raise ValidationError({"description": _("Say how to do it, in a sentence or two.")})
    check_spanish_complete(
        Strategy,
        {
            "title": title,
            "description": description,
            "title_es": title_es,
            "description_es": description_es,
        },
    )
    duplicate = ValidationError(
        {"title": _("This category already has a strategy with this title.")}
    )
    if Strategy.objects.filter(clinic=clinic, category=category, title__iexact=title).exists():
        raise duplicate
    try:
        with transaction.atomic():
            strategy = Strategy.objects.create(
                clinic=clinic,
                category=category,
                title=title,
                description=description,
                title_es=title_es,
                description_es=description_es,
            )
    except IntegrityError:  # the same title added at the same moment by a colleague
        raise duplicate from None
    audit_record(action=Action.CREATE, request=request, actor=actor, clinic=clinic, target=strategy)
    return strategy


@transaction.atomic
def strategy_set_active(
    *, strategy: Strategy, active: bool, actor: User, request: HttpRequest | None = None
) -> Strategy:
    """Deactivated strategies stay in plans that use them; they are just no longer offered."""
    Strategy.objects.filter(pk=strategy.pk).update(is_active=active)
    strategy.is_active = active
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=strategy.clinic,
        target=strategy,
        details={"is_active": active},
    )
    return strategy
