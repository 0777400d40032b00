"""Validated instruments and their published scoring. Plain Python: importable without Django
settings.

The wording a person answers (prompt, items, answer options) is quoted as published and lives
here, never in the translation catalog, so no translator can alter a validated text: English as
published, and each validated translation (`ValidatedText`, with its source) beside it.
`Instrument.text_in(language)` picks the one to show; an instrument without a validated version
in the reader's language is shown in English, marked `lang="en"`, with a note that says so.
Names, bands and headings are interface text: marked for translation (gettext_noop) and
translated where they are shown. Scores never depend on the language: answers are the options'
values, the same in every version.

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
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)
AGREEMENT_5 = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neutral"),
    (4, "Agree"),
    (5, "Strongly agree"),
)
AGREEMENT_6 = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Somewhat disagree"),
    (4, "Somewhat agree"),
    (5, "Agree"),
    (6, "Strongly agree"),
)


@dataclass(frozen=True)
class ValidatedText:
    """A published, validated translation of an instrument's wording, quoted as published."""

    language: str
    prompt: str
    items: tuple[str, ...]
    options: tuple[str, ...]  # labels, in the order of Instrument.options (same values)
    source: str  # where the text comes from: shown to no one, read by whoever checks it


@dataclass(frozen=True)
class InstrumentText:
    """The wording to show one reader: `lang` is the language it is in; `not_validated` is
    True when the reader's language has no validated version (so English is shown)."""

    lang: str
    prompt: str
    items: tuple[str, ...]
    options: tuple[tuple[int, str], ...]
    not_validated: bool = False


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
    validated: tuple[ValidatedText, ...] = ()  # published translations (see ValidatedText)

    def text_in(self, language: str) -> InstrumentText:
        """The wording for a reader of `language` ("es", "en"...): the published English, or a
        validated translation, never a translation of our own."""
        base = (language or "en").split("-")[0].lower()
        for version in self.validated:
            if version.language == base:
                options = tuple(
                    (value, label)
                    for (value, _english), label in zip(self.options, version.options, strict=True)
                )
                return InstrumentText(base, version.prompt, version.items, options)
        return InstrumentText("en", self.prompt, self.items, self.options, base != "en")

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


# --- Validated Spanish versions, quoted as published ------------------------------------------
# Interface words around them (names, bands, headings) are translated in the catalog; these are
# not, so no translator can reword a validated item. Keep the spelling, the "(a)" endings and the
# dashes exactly as published.

PHQ9_ES = ValidatedText(
    language="es",
    # The official US Spanish PHQ-9 ("Cuestionario sobre la salud del paciente-9"), from the PHQ
    # screeners developed by Drs. Spitzer, Williams, Kroenke and colleagues with an educational
    # grant from Pfizer Inc. (https://www.phqscreeners.com; no permission needed to reproduce,
    # translate, display or distribute). Wording checked against a copy of the official form.
    # Spanish validation of the PHQ: Diez-Quevedo C, Rangil T, Sanchez-Planell L, Kroenke K,
    # Spitzer RL. Validation and utility of the Patient Health Questionnaire in diagnosing mental
    # disorders in 1003 general hospital Spanish inpatients. Psychosom Med 2001;63:679-686.
    prompt=(
        "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
        "siguientes problemas?"
    ),
    items=(
        "Poco interés o placer en hacer cosas",
        "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
        "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado",
        "Se ha sentido cansado(a) o con poca energía",
        "Sin apetito o ha comido en exceso",
        "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal con "
        "usted mismo(a) o con su familia",
        "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el "
        "periódico o ver la televisión",
        "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo "
        "contrario – muy inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo "
        "normal",
        "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
    ),
    options=("Ningún día", "Varios días", "Más de la mitad de los días", "Casi todos los días"),
    source="PHQ-9 US Spanish (Pfizer, phqscreeners.com); Diez-Quevedo et al. 2001",
)

GAD7_ES = ValidatedText(
    language="es",
    # The official US Spanish GAD-7 of the same PHQ screeners family (Pfizer Inc.,
    # https://www.phqscreeners.com).
    # Spanish validation: García-Campayo J, Zamorano E, Ruiz MA, Pardo A, Pérez-Páramo M,
    # López-Gómez V, Freire O, Rejas J. Cultural adaptation into Spanish of the generalized
    # anxiety disorder-7 (GAD-7) scale as a screening tool. Health Qual Life Outcomes 2010;8:8.
    # The item wording below is the US Spanish form as we have it on file; the search corpus had
    # no copy of the official PDF, so compare it with that PDF before a clinical audit.
    prompt=(
        "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
        "siguientes problemas?"
    ),
    items=(
        "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
        "No ha sido capaz de parar o controlar su preocupación",
        "Se ha preocupado demasiado por motivos diferentes",
        "Ha tenido dificultad para relajarse",
        "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
        "Se ha molestado o irritado fácilmente",
        "Ha tenido miedo de que algo terrible fuera a pasar",
    ),
    options=("Ningún día", "Varios días", "Más de la mitad de los días", "Casi todos los días"),
    source="GAD-7 US Spanish (Pfizer, phqscreeners.com); García-Campayo et al. 2010",
)

BRS_ES = ValidatedText(
    language="es",
    # The Spanish Brief Resilience Scale: Rodríguez-Rey R, Alonso-Tapia J, Hernansaiz-Garrido H.
    # Reliability and validity of the Brief Resilience Scale (BRS) Spanish Version. Psychol
    # Assess 2016;28(5):e101-e110. Items and anchors as in the article's appendix, in the
    # original order (items 2, 4 and 6 are scored in reverse, as in English). The search corpus
    # had no copy of the appendix; compare with it before a clinical audit.
    prompt=(
        "Por favor, indique en qué medida está de acuerdo con cada una de las siguientes "
        "afirmaciones."
    ),
    items=(
        "Tiendo a recuperarme rápidamente después de haberlo pasado mal.",
        "Lo paso mal cuando tengo que enfrentarme a situaciones estresantes.",
        "No tardo mucho en recuperarme después de una situación estresante.",
        "Es difícil para mí recuperarme cuando me ocurre algo malo.",
        "Aunque pase por situaciones difíciles, normalmente no lo paso demasiado mal.",
        "Suelo tardar mucho tiempo en recuperarme de los contratiempos que me ocurren en mi vida.",
    ),
    options=(
        "Totalmente en desacuerdo",
        "En desacuerdo",
        "Neutral",
        "De acuerdo",
        "Totalmente de acuerdo",
    ),
    source="BRS Spanish version, Rodríguez-Rey et al. 2016",
)

# The BARC-10 (Vilsaint CL et al., Drug Alcohol Depend 2017;177:71-76) has no published,
# validated Spanish version we know of: it is shown in English to every reader, marked as such
# in the Spanish interface, rather than translated by us.


PHQ9 = Instrument(
    slug="phq9",
    name=gettext_noop("Patient Health Questionnaire (PHQ-9)"),
    short_name="PHQ-9",
    prompt=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or "
        "your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the "
        "opposite — being so fidgety or restless that you have been moving around a lot "
        "more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    options=FREQUENCY,
    validated=(PHQ9_ES,),
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
    prompt="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=(
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid, as if something awful might happen",
    ),
    options=FREQUENCY,
    validated=(GAD7_ES,),
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
    prompt="Please indicate the extent to which you agree with each of the following.",
    items=(
        "I tend to bounce back quickly after hard times.",
        "I have a hard time making it through stressful events.",
        "It does not take me long to recover from a stressful event.",
        "It is hard for me to snap back when something bad happens.",
        "I usually come through difficult times with little trouble.",
        "I tend to take a long time to get over set-backs in my life.",
    ),
    options=AGREEMENT_5,
    validated=(BRS_ES,),
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
    prompt="Please indicate how much you agree with each statement.",
    items=(
        "There are more important things to me in life than using substances.",
        "In general I am happy with my life.",
        "I have enough energy to complete the tasks I set myself.",
        "I am proud of the community I live in and feel a part of it.",
        "I get lots of support from friends.",
        "I regard my life as challenging and fulfilling without the need for using drugs "
        "or alcohol.",
        "My living space has helped to drive my recovery journey.",
        "I take full responsibility for my actions.",
        "I am happy dealing with a range of professional people.",
        "I am making good progress on my recovery journey.",
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
