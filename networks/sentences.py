"""Sentences about the person in recovery that a supporter (or an invitee) reads, written whole
for each pronoun set the person may have recorded (see patients/pronouns.py). Each is filled in
with `%(name)s`, the person's first name, through `SENTENCE.say(patient, name=...)`."""

from django.utils.translation import pgettext_lazy

from patients.pronouns import ByPronoun

INVITED = ByPronoun(
    she=pgettext_lazy("pronoun: she/her", "%(name)s has invited you to her support network"),
    he=pgettext_lazy("pronoun: he/him", "%(name)s has invited you to his support network"),
    they=pgettext_lazy("pronoun: they/them", "%(name)s has invited you to their support network"),
)

# The invitation email: its subject (no clinic, diagnosis or treatment in it) and first lines.
INVITATION_SUBJECT = ByPronoun(
    she=pgettext_lazy("pronoun: she/her", "%(name)s invited you to her support network"),
    he=pgettext_lazy("pronoun: he/him", "%(name)s invited you to his support network"),
    they=pgettext_lazy("pronoun: they/them", "%(name)s invited you to their support network"),
)
INVITATION_BODY = ByPronoun(
    she=pgettext_lazy(
        "pronoun: she/her",
        "%(name)s would like you to be part of her support network in Recovery Hub, so that you "
        "can see how to help and celebrate the good days together. You will only ever see what "
        "%(name)s chooses to share with you.",
    ),
    he=pgettext_lazy(
        "pronoun: he/him",
        "%(name)s would like you to be part of his support network in Recovery Hub, so that you "
        "can see how to help and celebrate the good days together. You will only ever see what "
        "%(name)s chooses to share with you.",
    ),
    they=pgettext_lazy(
        "pronoun: they/them",
        "%(name)s would like you to be part of their support network in Recovery Hub, so that "
        "you can see how to help and celebrate the good days together. You will only ever see "
        "what %(name)s chooses to share with you.",
    ),
)

NOTHING_SHARED_YET = ByPronoun(
    she=pgettext_lazy(
        "pronoun: she/her",
        "Nothing is shared with you yet. When %(name)s chooses what to share with you, her "
        "milestones, ways to help and sessions you are invited to will appear here.",
    ),
    he=pgettext_lazy(
        "pronoun: he/him",
        "Nothing is shared with you yet. When %(name)s chooses what to share with you, his "
        "milestones, ways to help and sessions you are invited to will appear here.",
    ),
    they=pgettext_lazy(
        "pronoun: they/them",
        "Nothing is shared with you yet. When %(name)s chooses what to share with you, their "
        "milestones, ways to help and sessions you are invited to will appear here.",
    ),
)

# A setback the person chose to tell this supporter about.
SETBACK_TOLD = ByPronoun(
    she=pgettext_lazy(
        "pronoun: she/her",
        "%(name)s chose to let you know she has had a setback. A setback is part of many "
        "recoveries and does not erase the progress made. She did not share the details, and "
        "you do not need them to help.",
    ),
    he=pgettext_lazy(
        "pronoun: he/him",
        "%(name)s chose to let you know he has had a setback. A setback is part of many "
        "recoveries and does not erase the progress made. He did not share the details, and "
        "you do not need them to help.",
    ),
    they=pgettext_lazy(
        "pronoun: they/them",
        "%(name)s chose to let you know they have had a setback. A setback is part of many "
        "recoveries and does not erase the progress made. They did not share the details, and "
        "you do not need them to help.",
    ),
)
SETBACK_GLAD = ByPronoun(
    she=pgettext_lazy(
        "pronoun: she/her", "Say you are glad she told you; avoid blame, lectures or asking why."
    ),
    he=pgettext_lazy(
        "pronoun: he/him", "Say you are glad he told you; avoid blame, lectures or asking why."
    ),
    they=pgettext_lazy(
        "pronoun: they/them", "Say you are glad they told you; avoid blame, lectures or asking why."
    ),
)
SAFETY = ByPronoun(
    she=pgettext_lazy(
        "pronoun: she/her", "If you fear for her safety, call or text 988, or the emergency number."
    ),
    he=pgettext_lazy(
        "pronoun: he/him", "If you fear for his safety, call or text 988, or the emergency number."
    ),
    they=pgettext_lazy(
        "pronoun: they/them",
        "If you fear for their safety, call or text 988, or the emergency number.",
    ),
)

# The coping plan section.
PLAN_HEADING = ByPronoun(
    she=pgettext_lazy("pronoun: she/her", "What %(name)s shares from her coping plan"),
    he=pgettext_lazy("pronoun: he/him", "What %(name)s shares from his coping plan"),
    they=pgettext_lazy("pronoun: they/them", "What %(name)s shares from their coping plan"),
)
PLAN_EMPTY = ByPronoun(
    she=pgettext_lazy(
        "pronoun: she/her",
        "%(name)s has not marked any part of her plan to share yet. You can still ask her what "
        "helps on a hard day.",
    ),
    he=pgettext_lazy(
        "pronoun: he/him",
        "%(name)s has not marked any part of his plan to share yet. You can still ask him what "
        "helps on a hard day.",
    ),
    they=pgettext_lazy(
        "pronoun: they/them",
        "%(name)s has not marked any part of their plan to share yet. You can still ask them "
        "what helps on a hard day.",
    ),
)
MILESTONES_EMPTY = ByPronoun(
    she=pgettext_lazy(
        "pronoun: she/her",
        "No milestones in the next two months. You will see her next one here as it comes "
        "closer; a few words of encouragement are welcome at any time.",
    ),
    he=pgettext_lazy(
        "pronoun: he/him",
        "No milestones in the next two months. You will see his next one here as it comes "
        "closer; a few words of encouragement are welcome at any time.",
    ),
    they=pgettext_lazy(
        "pronoun: they/them",
        "No milestones in the next two months. You will see their next one here as it comes "
        "closer; a few words of encouragement are welcome at any time.",
    ),
)


def about(patient: object, name: str) -> dict[str, str]:
    """Every sentence of the supporter's page about this person, in the active language."""
    sentences = {
        "invited": INVITED,
        "nothing_shared": NOTHING_SHARED_YET,
        "setback_told": SETBACK_TOLD,
        "setback_glad": SETBACK_GLAD,
        "safety": SAFETY,
        "plan_heading": PLAN_HEADING,
        "plan_empty": PLAN_EMPTY,
        "milestones_empty": MILESTONES_EMPTY,
    }
    return {key: sentence.say(patient, name=name) for key, sentence in sentences.items()}
