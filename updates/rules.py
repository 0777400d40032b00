"""The "no clinical content" rule of updates, written once (the page, the API and a clinician
posting on the person's behalf all go through updates.services, which asks `looks_clinical`).

An update is shared with family and friends: it says how the person is and what would help.
Health details (medicines and doses, diagnoses, questionnaire scores, test results) stay with
the care team. The list is short on purpose and catches the obvious; it is guidance, not a
filter anyone could not get around, and its message is gentle. Words match whole words, any
case; a number followed by "mg" or "ml" matches too ("20mg").
"""

import re

from django.utils.translation import gettext_lazy as _

# Medicines, doses and treatment words; diagnoses; questionnaires and tests. English and
# Spanish (the two languages of the app).
CLINICAL_WORDS = (
    # medicines and doses
    "mg",
    "ml",
    "milligram",
    "milligrams",
    "dose",
    "dosage",
    "dosis",
    "medication",
    "medications",
    "meds",
    "medicamento",
    "medicamentos",
    "medicación",
    "prescription",
    "prescribed",
    "receta",
    "methadone",
    "metadona",
    "buprenorphine",
    "buprenorfina",
    "suboxone",
    "subutex",
    "sublocade",
    "naltrexone",
    "naltrexona",
    "vivitrol",
    "antabuse",
    "disulfiram",
    "acamprosate",
    # diagnoses
    "diagnosis",
    "diagnosed",
    "diagnóstico",
    "disorder",
    "trastorno",
    "ptsd",
    "bipolar",
    "schizophrenia",
    "esquizofrenia",
    # questionnaires, scores and tests
    "phq",
    "phq-9",
    "phq9",
    "gad-7",
    "gad7",
    "uds",
    "urine test",
    "drug test",
    "drug screen",
    "tox screen",
    "lab results",
)

CLINICAL_MESSAGE = _(
    "This sounds like a health detail (a medicine, a dose, a diagnosis or a test). Please keep "
    "those for your care team, and share how you are and what would help."
)
GUIDANCE = _("Share how you are and what would help; keep health details for your care team.")

_WORDS = "|".join(re.escape(word) for word in sorted(CLINICAL_WORDS, key=len, reverse=True))
_PATTERN = re.compile(rf"(?<![\w-])(?:{_WORDS})(?![\w-])|\d\s*(?:mg|ml)\b", re.IGNORECASE)


def looks_clinical(text: str) -> bool:
    """Whether the text names a medicine, a dose, a diagnosis or a test (CLINICAL_WORDS)."""
    return bool(_PATTERN.search(text or ""))
