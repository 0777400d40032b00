"""`{{ instrument|plain_name }}`: a questionnaire named in everyday words for the person in
recovery ("mood questionnaire (PHQ-9)"), from the one mapping in coping/instruments.py. Use it on
every page the person reads about their own questionnaires; staff pages keep the published
names."""

from django import template
from django.utils.text import capfirst
from django.utils.translation import gettext

from coping.instruments import INSTRUMENTS, Instrument

register = template.Library()


def plain_name_of(instrument: Instrument | str) -> str:
    """The translated everyday name of an instrument (or its slug); "" for an unknown slug."""
    if not isinstance(instrument, Instrument):
        instrument = INSTRUMENTS.get(str(instrument))
        if instrument is None:
            return ""
    return gettext(instrument.plain_name)


@register.filter
def plain_name(instrument: Instrument | str) -> str:
    return plain_name_of(instrument)


@register.filter
def questionnaire(instrument: Instrument | str, access: object) -> str:
    """The questionnaire's name as a label for this reader: the published short name for the
    care team, the everyday name (capitalised) for the person in recovery."""
    if getattr(access, "is_staff", False):
        found = instrument if isinstance(instrument, Instrument) else INSTRUMENTS.get(instrument)
        return found.short_name if found else ""
    return capfirst(plain_name_of(instrument))
