"""The pronouns a person recorded, for every text written about them.

`Patient.pronouns` is free text ("she/her", "he/him", "they/them", "she/they", "ella", blank, or
anything else). `pronouns_of()` reads it into one of three sets (she, he, they); blank or
unknown text falls back to they/them/their, which never misgenders anyone. When two sets are
given ("she/they"), the first one written is used.

Sentences are written whole, once per set, rather than built by dropping a pronoun into a
sentence: in Spanish (and most languages) a pronoun changes more than one word, so a translator
needs the entire sentence. Write them with `ByPronoun`, each variant with the context
"pronoun: she/her" (etc.) so the translator knows which person it is about:

    INVITED = ByPronoun(
        she=pgettext_lazy("pronoun: she/her", "%(name)s has invited you to her network"),
        he=pgettext_lazy("pronoun: he/him", "%(name)s has invited you to his network"),
        they=pgettext_lazy("pronoun: they/them", "%(name)s has invited you to their network"),
    )
    INVITED.say(patient, name=first_name)

The single words (`Pronouns.subject`, `.object`, `.possessive`) are there for a label or a
test, not for assembling sentences.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


class PronounSet(StrEnum):
    SHE = "she"
    HE = "he"
    THEY = "they"


# Every word a person might write for a set, in the languages the product speaks (en, es).
WORDS: dict[str, PronounSet] = {
    **dict.fromkeys(("she", "her", "hers", "herself", "ella", "ellas"), PronounSet.SHE),
    **dict.fromkeys(("he", "him", "his", "himself", "él", "el"), PronounSet.HE),
    **dict.fromkeys(
        ("they", "them", "their", "theirs", "themself", "themselves", "elle", "elles"),
        PronounSet.THEY,
    ),
}
SEPARATORS = re.compile(r"[\s/,;|·+&()]+")


@dataclass(frozen=True)
class Pronouns:
    key: PronounSet
    subject: Promise  # she / he / they
    object: Promise  # her / him / them
    possessive: Promise  # her / his / their (before a noun: "her plan")
    recognised: bool = True  # False when the text was blank or unknown (the fallback)


FORMS = {
    PronounSet.SHE: (
        pgettext_lazy("subject pronoun", "she"),
        pgettext_lazy("object pronoun", "her"),
        pgettext_lazy("possessive pronoun, before a noun", "her"),
    ),
    PronounSet.HE: (
        pgettext_lazy("subject pronoun", "he"),
        pgettext_lazy("object pronoun", "him"),
        pgettext_lazy("possessive pronoun, before a noun", "his"),
    ),
    PronounSet.THEY: (
        pgettext_lazy("subject pronoun", "they"),
        pgettext_lazy("object pronoun", "them"),
        pgettext_lazy("possessive pronoun, before a noun", "their"),
    ),
}


def pronouns_from_text(text: str | None) -> Pronouns:
    """The set named first in `text`; they/them/their when nothing in it is recognised."""
    for word in SEPARATORS.split((text or "").strip().lower()):
        if word in WORDS:
            key = WORDS[word]
            return Pronouns(key, *FORMS[key])
    return Pronouns(PronounSet.THEY, *FORMS[PronounSet.THEY], recognised=False)


def pronouns_of(who: object) -> Pronouns:
    """`who` is a Patient (anything with `.pronouns`), a `Pronouns`, or the text itself."""
    if isinstance(who, Pronouns):
        return who
    if isinstance(who, str) or who is None:
        return pronouns_from_text(who)
    return pronouns_from_text(getattr(who, "pronouns", ""))


@dataclass(frozen=True)
class ByPronoun:
    """One sentence about a person, written whole for each pronoun set."""

    she: str | Promise
    he: str | Promise
    they: str | Promise

    def variant(self, who: object) -> str | Promise:
        return getattr(self, pronouns_of(who).key.value)

    def say(self, who: object, **values: object) -> str:
        """The sentence for `who`'s pronouns in the active language, `%(name)s` filled in."""
        text = str(self.variant(who))
        return text % values if values else text
