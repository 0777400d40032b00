# ruff: noqa: E501  (template lines, kept as the page writes them)
"""The supporter's page writes its form fields out (networks/_field_*.html) instead of asking
crispy for them, as the page is timed: the markup must stay what crispy gives (the same ids,
labels, help text, errors and chosen answers), empty, filled in and refused."""

from datetime import date, time

import pytest
from django.template import engines
from django.test.html import parse_html
from django.utils import translation

from engagement.forms import DigestSubscriptionForm
from networks.forms import EncouragementForm, ReachOutForm, WellbeingForm

CRISPY = """{% load crispy_forms_tags %}
{{ encouragement_form.message|as_crispy_field }}
{{ reach_out_form.channel|as_crispy_field }}
{{ reach_out_form.happened_on|as_crispy_field }}
{{ reach_out_form.note|as_crispy_field }}
{{ wellbeing_form|crispy }}"""

PLAIN = """
{% include "networks/_field_text.html" with field=encouragement_form.message textarea=True %}
{% include "networks/_field_radio.html" with field=reach_out_form.channel %}
{% include "networks/_field_text.html" with field=reach_out_form.happened_on input_class="dateinput" %}
{% include "networks/_field_text.html" with field=reach_out_form.note textarea=True %}
{% if wellbeing_form.non_field_errors %}<div class="alert alert-block alert-danger"><ul class="m-0">{{ wellbeing_form.non_field_errors|unordered_list }}</ul></div>{% endif %}
{% include "networks/_field_radio.html" with field=wellbeing_form.holding_up %}
{% include "networks/_field_radio.html" with field=wellbeing_form.has_support %}"""

CASES = {
    "empty": None,
    "initial date": {},
    "refused": {
        "message": "",
        "channel": "",
        "happened_on": "x",
        "note": "y" * 600,
        "holding_up": "9",
    },
    "filled in": {
        "message": "Thinking of you <b>today</b>",
        "channel": "visit",
        "happened_on": "2026-03-04",
        "note": "A walk & a talk",
        "holding_up": "4",
        "has_support": "no",
    },
    "partly": {"message": "x" * 300, "channel": "call", "happened_on": "", "has_support": "yes"},
}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("case", list(CASES))
def test_the_written_out_fields_are_crispys_markup(case, language):
    data = CASES[case]

    def forms():
        initial = {"happened_on": date(2026, 5, 6)} if data == {} else None
        bound = data or None
        made = {
            "encouragement_form": EncouragementForm(bound),
            "reach_out_form": ReachOutForm(bound, initial=initial),
            "wellbeing_form": WellbeingForm(bound),
        }
        for form in made.values():
            if form.is_bound:
                form.is_valid()
        if case == "refused":  # a service's refusal, on top of the form
            made["wellbeing_form"].add_error(None, "Already saved this month.")
        return made

    engine = engines["django"]
    with translation.override(language):
        crispy = engine.from_string(CRISPY).render(forms())
        plain = engine.from_string(PLAIN).render(forms())
    assert parse_html(plain) == parse_html(crispy)


DIGEST_CRISPY = """{% load crispy_forms_tags %}{{ form.enabled|as_crispy_field }}
<div class="row g-2">
<div class="col-sm-6">{{ form.weekday|as_crispy_field }}</div>
<div class="col-sm-6">{{ form.send_time|as_crispy_field }}</div>
</div>"""


@pytest.mark.parametrize(
    "initial",
    [
        {"enabled": True, "weekday": 6, "send_time": time(18, 0)},
        {"enabled": False, "weekday": 0, "send_time": time(7, 30)},
        {"enabled": True, "weekday": "3", "send_time": time(23, 59, 30)},
    ],
)
def test_the_digest_cards_written_out_fields_are_crispys_markup(initial):
    engine = engines["django"]
    with translation.override("es"):
        crispy = engine.from_string(DIGEST_CRISPY).render(
            {"form": DigestSubscriptionForm(initial=initial)}
        )
        plain = engine.get_template("engagement/_digest_fields.html").render(
            {"form": DigestSubscriptionForm(initial=initial)}
        )
    assert parse_html(plain) == parse_html(crispy)
