"""The escalation ladder on the chart's alerts tab: `{% ladder_panel %}` (two queries); the
clinic's ladder on the clinic settings page: `{% ladder_policy_section %}`."""

from typing import Any

from django import template

from engagement.forms import LadderPolicyForm
from engagement.ladder import policy_of
from engagement.selectors import ladder_for_chart

register = template.Library()


@register.inclusion_tag("engagement/_ladder_panel.html", takes_context=True)
def ladder_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The chart view already opened the patient through the access rules and audited the
    read; this shows their latest ladder, and the buttons only to who may act on the chart."""
    patient, access = context["patient"], context["access"]
    return {
        "patient": patient,
        "view": ladder_for_chart(patient),
        "can_act": access.can_edit,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("engagement/_ladder_policy_form.html", takes_context=True)
def ladder_policy_section(context: template.Context) -> dict[str, Any]:
    """The bound form from the context when its post failed, else the clinic's current ladder."""
    form = context.get("ladder_form")
    if form is None:
        clinic = getattr(context.get("request"), "clinic", None)
        form = LadderPolicyForm(instance=policy_of(clinic), clinic=clinic) if clinic else None
    return {"ladder_form": form, "csrf_token": context.get("csrf_token")}
