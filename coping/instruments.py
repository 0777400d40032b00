"""Validated instruments and their published scoring. Plain Python: importable without Django
settings (item wording is only marked for translation here and translated where it is shown).

    >>> from coping.instruments import score
    >>> r = score("phq9", [0, 1, 2, 3, 0, 1, 2, 3, 1])
    >>> (r.total, r.band, sorted(r.flags))
    (13, 'moderate', ['self_harm'])
"""

from dataclasses import dataclass, field


def gettext_noop(message: str) -> str:
    """Marks a string for translation (makemessages finds this name) without needing Django
    settings; the text is translated with gettext() where it is shown."""
    return message


FREQUENCY = (
    (0, gettext_noop("Not at all")),
    (1, gettext_noop("Several days")),
    (2, gettext_noop("More than half the days")),
    (3, gettext_noop("Nearly every day")),
)
AGREEMENT_5 = (
    (1, gettext_noop("Strongly disagree")),
    (2, gettext_noop("Disagree")),
    (3, gettext_noop("Neutral")),
    (4, gettext_noop("Agree")),
    (5, gettext_noop("Strongly agree")),
)
AGREEMENT_6 = (
    (1, gettext_noop("Strongly disagree")),
    (2, gettext_noop("Disagree")),
    (3, gettext_noop("Somewhat disagree")),
    (4, gettext_noop("Somewhat agree")),
    (5, gettext_noop("Agree")),
    (6, gettext_noop("Strongly agree")),
)


@dataclass(frozen=True)
class Band:
    slug: str
    label: str
    low: float  # inclusive lower bound of the total
    high: float  # inclusive upper bound of the total


@dataclass(frozen=True)
class Instrument:
    slug: str
    name: str
    short_name: str
    prompt: str
    items: tuple[str, ...]
    options: tuple[tuple[int, str], ...]
    bands: tuple[Band, ...]
    reverse_items: frozenset[int] = frozenset()  # 1-based item numbers scored in reverse
    mean: bool = False  # BRS: the total is the mean of the items
    higher_is_better: bool = False
    default_interval_days: int = 30

    @property
    def plain_name(self) -> str:
        """What the person in recovery reads on their own pages (see PLAIN_NAMES); marked for
        translation only, so translate it where it is shown."""
        return PLAIN_NAMES[self.slug]

    @property
    def minimum(self) -> int:
        return self.options[0][0]

    @property
    def maximum(self) -> int:
        return self.options[-1][0]

    def band_for(self, total: float) -> Band:
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        raise ValueError(f"{self.short_name}: no band for a total of {total}")  # unreachable


@dataclass(frozen=True)
class Result:
    instrument: str
    total: int | float
    band: str
    flags: set[str] = field(default_factory=set)


PHQ9 = Instrument(
    slug="phq9",
    name=gettext_noop("Patient Health Questionnaire (PHQ-9)"),
    short_name="PHQ-9",
    prompt=gettext_noop(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        gettext_noop("Little interest or pleasure in doing things"),
        gettext_noop("Feeling down, depressed, or hopeless"),
        gettext_noop("Trouble falling or staying asleep, or sleeping too much"),
        gettext_noop("Feeling tired or having little energy"),
        gettext_noop("Poor appetite or overeating"),
        gettext_noop(
            "Feeling bad about yourself — or that you are a failure or have let yourself or "
            "your family down"
        ),
        gettext_noop(
            "Trouble concentrating on things, such as reading the newspaper or watching television"
        ),
        gettext_noop(
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual"
        ),
        gettext_noop(
            "Thoughts that you would be better off dead or of hurting yourself in some way"
        ),
    ),
    options=FREQUENCY,
    bands=(
        Band("minimal", gettext_noop("Minimal"), 0, 4),
        Band("mild", gettext_noop("Mild"), 5, 9),
        Band("moderate", gettext_noop("Moderate"), 10, 14),
        Band("moderately_severe", gettext_noop("Moderately severe"), 15, 19),
        Band("severe", gettext_noop("Severe"), 20, 27),
    ),
    default_interval_days=14,
)

GAD7 = Instrument(
    slug="gad7",
    name=gettext_noop("Generalized Anxiety Disorder scale (GAD-7)"),
    short_name="GAD-7",
    prompt=gettext_noop(
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    ),
    items=(
        gettext_noop("Feeling nervous, anxious, or on edge"),
        gettext_noop("Not being able to stop or control worrying"),
        gettext_noop("Worrying too much about different things"),
        gettext_noop("Trouble relaxing"),
        gettext_noop("Being so restless that it is hard to sit still"),
        gettext_noop("Becoming easily annoyed or irritable"),
        gettext_noop("Feeling afraid, as if something awful might happen"),
    ),
    options=FREQUENCY,
    bands=(
        Band("minimal", gettext_noop("Minimal"), 0, 4),
        Band("mild", gettext_noop("Mild"), 5, 9),
        Band("moderate", gettext_noop("Moderate"), 10, 14),
        Band("severe", gettext_noop("Severe"), 15, 21),
    ),
    default_interval_days=14,
)

BRS = Instrument(
    slug="brs",
    name=gettext_noop("Brief Resilience Scale (BRS)"),
    short_name="BRS",
    prompt=gettext_noop(
        "Please indicate the extent to which you agree with each of the following."
    ),
    items=(
        gettext_noop("I tend to bounce back quickly after hard times."),
        gettext_noop("I have a hard time making it through stressful events."),
        gettext_noop("It does not take me long to recover from a stressful event."),
        gettext_noop("It is hard for me to snap back when something bad happens."),
        gettext_noop("I usually come through difficult times with little trouble."),
        gettext_noop("I tend to take a long time to get over set-backs in my life."),
    ),
    options=AGREEMENT_5,
    reverse_items=frozenset({2, 4, 6}),
    mean=True,
    higher_is_better=True,
    bands=(
        Band("low", gettext_noop("Low resilience"), 1.0, 2.99),
        Band("normal", gettext_noop("Normal resilience"), 3.0, 4.30),
        Band("high", gettext_noop("High resilience"), 4.31, 5.0),
    ),
)

BARC10 = Instrument(
    slug="barc10",
    name=gettext_noop("Brief Assessment of Recovery Capital (BARC-10)"),
    short_name="BARC-10",
    prompt=gettext_noop("Please indicate how much you agree with each statement."),
    items=(
        gettext_noop("There are more important things to me in life than using substances."),
        gettext_noop("In general I am happy with my life."),
        gettext_noop("I have enough energy to complete the tasks I set myself."),
        gettext_noop("I am proud of the community I live in and feel a part of it."),
        gettext_noop("I get lots of support from friends."),
        gettext_noop(
            "I regard my life as challenging and fulfilling without the need for using drugs "
            "or alcohol."
        ),
        gettext_noop("My living space has helped to drive my recovery journey."),
        gettext_noop("I take full responsibility for my actions."),
        gettext_noop("I am happy dealing with a range of professional people."),
        gettext_noop("I am making good progress on my recovery journey."),
    ),
    options=AGREEMENT_6,
    higher_is_better=True,
    bands=(
        Band("low", gettext_noop("Lower recovery capital"), 10, 46),
        Band("high", gettext_noop("Higher recovery capital"), 47, 60),
    ),
)

# The one mapping from an instrument to the words the person in recovery reads on their own
# pages: what the questionnaire is about, in everyday words, with the acronym their care team
# uses in brackets. Lower case, to sit inside a sentence; a heading capitalises it. Staff pages
# keep the published names (`name`, `short_name`).
PLAIN_NAMES = {
    "phq9": gettext_noop("mood questionnaire (PHQ-9)"),
    "gad7": gettext_noop("worry questionnaire (GAD-7)"),
    "brs": gettext_noop("resilience questionnaire (BRS)"),
    "barc10": gettext_noop("recovery strengths questionnaire (BARC-10)"),
}

INSTRUMENTS: dict[str, Instrument] = {i.slug: i for i in (PHQ9, GAD7, BRS, BARC10)}


def get_instrument(slug: str) -> Instrument:
    try:
        return INSTRUMENTS[slug]
    except (KeyError, TypeError):
        known = ", ".join(sorted(INSTRUMENTS))
        raise ValueError(f"Unknown instrument {slug!r}; choose one of {known}.") from None


def score(slug: str, answers: list[int] | tuple[int, ...]) -> Result:
    """Score answers given in item order, exactly as published. Raises ValueError with a clear
    message for an unknown instrument, a wrong number of answers, or an answer that is not an
    integer (booleans included) or out of range."""
    instrument = get_instrument(slug)
    if not isinstance(answers, list | tuple):
        raise ValueError(f"{instrument.short_name}: answers must be a list of integers.")
    if len(answers) != len(instrument.items):
        raise ValueError(
            f"{instrument.short_name} has {len(instrument.items)} items; "
            f"got {len(answers)} answers."
        )
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise ValueError(
                f"{instrument.short_name} item {number}: the answer must be a whole number, "
                f"not {answer!r}."
            )
        if not instrument.minimum <= answer <= instrument.maximum:
            raise ValueError(
                f"{instrument.short_name} item {number}: {answer} is outside "
                f"{instrument.minimum}-{instrument.maximum}."
            )
    scored = [
        (instrument.minimum + instrument.maximum - a) if n in instrument.reverse_items else a
        for n, a in enumerate(answers, start=1)
    ]
    total: int | float = round(sum(scored) / len(scored), 2) if instrument.mean else sum(scored)
    flags = set()
    if instrument.slug == "phq9" and answers[8] > 0:
        flags.add("self_harm")
    return Result(
        instrument=instrument.slug,
        total=total,
        band=instrument.band_for(total).slug,
        flags=flags,
    )
