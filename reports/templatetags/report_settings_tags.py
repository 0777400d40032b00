"""The report settings section of the clinic settings page. The page is rendered by more than
one view (the clinic's own settings, the ladder's and this form's posts); the section takes the
bound form from the context when a post failed, else shows the clinic's current value."""

from django import template

from reports.forms import report_settings_form

register = template.Library()


@register.inclusion_tag("reports/_report_settings_form.html", takes_context=True)
def report_settings_section(context: template.Context) -> dict:
    form = context.get("report_form")
    if form is None:
        request = context.get("request")
        clinic = getattr(request, "clinic", None)
        form = report_settings_form(clinic) if clinic is not None else None
    return {"report_form": form, "csrf_token": context.get("csrf_token")}
