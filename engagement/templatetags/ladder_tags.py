"""The escalation ladder on the chart's alerts tab: `{% ladder_panel %}` (two queries)."""

from typing import Any

from django import template

from engagement.ladder import ladder_for_chart

register = template.Library()


@register.inclusion_tag("engagement/_ladder_panel.html", takes_context=True)
def ladder_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The chart view already opened the patient through the access rules and audited the
    read; this shows their latest ladder, and the buttons only to who may act on the chart."""
    patient, access = context["patient"], context["access"]
    return {"patient": patient, "view": ladder_for_chart(patient),
            "can_act": access.can_edit, "csrf_token": context.get("csrf_token")}  # fmt: skip
