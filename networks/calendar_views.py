"""The supporter's help calendar: a list, a week or a month of the occasions they may take or
took, across everyone they support who shares help tasks with them, and its three actions
(take an occasion, give one back, hand one to someone else). The writes are the help
calendar's services (networks.help_calendar); a refusal comes back as a message on the page."""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.feedback import feedback
from accounts.models import Role
from audit.services import audit_list
from networks import help_calendar
from networks.models import SupportContact
from networks.supporter_calendar import (
    VIEW_LABELS,
    VIEWS,
    calendar_page,
    claim_of_supporter,
    contact_for_task,
    swap_candidates,
)

TOP = "help-calendar"


def parse_day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


class ClaimForm(forms.Form):
    """Which occasion: the task and its day, as the page writes them ("12:2026-12-08")."""

    occasion = forms.RegexField(
        regex=r"^\d{1,12}:\d{4}-\d{2}-\d{2}$",
        error_messages={"invalid": gettext_lazy("That occasion could not be read.")},
    )

    def clean_occasion(self) -> tuple[int, date]:
        task_id, _colon, raw_day = self.cleaned_data["occasion"].partition(":")
        day = parse_day(raw_day)
        if day is None:
            raise ValidationError(gettext_lazy("That occasion could not be read."))
        return int(task_id), day


class SwapForm(forms.Form):
    to_contact = forms.TypedChoiceField(
        label=gettext_lazy("Hand it to"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose who takes it over."),
            "invalid_choice": gettext_lazy("Choose someone from the list."),
        },
    )

    def __init__(self, *args: object, candidates: list[SupportContact], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {c.pk: c for c in candidates}
        self.fields["to_contact"].choices = [(c.pk, c.first_name) for c in candidates]


def back_to(request: HttpRequest, data: QueryDict | None = None) -> str:
    """The calendar in the view and at the place the person was (kept from the form)."""
    data = data if data is not None else request.GET
    query = {}
    if data.get("view") in VIEWS:
        query["view"] = data["view"]
    if parse_day(data.get("start")):
        query["start"] = data["start"]
    url = reverse("networks:supporter_calendar")
    return f"{url}?{urlencode(query)}" if query else url


def done(
    request: HttpRequest, text: str, anchor: str = TOP, level: int = messages.SUCCESS
) -> HttpResponse:
    feedback(request, text, at=anchor, level=level)
    return HttpResponseRedirect(f"{back_to(request, request.POST)}#{anchor}")


def refused(request: HttpRequest, error: ValidationError, anchor: str = TOP) -> HttpResponse:
    for text in error.messages:
        feedback(request, text, at=anchor, level=messages.WARNING)
    return HttpResponseRedirect(f"{back_to(request, request.POST)}#{anchor}")


def occasion_anchor(task_id: int, day: date) -> str:
    return f"occasion-{task_id}-{day.isoformat()}"


@role_required(Role.SUPPORTER)
def supporter_calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()  # the supporter's own day (the middleware's zone)
    requested = request.GET.get("start")
    start = parse_day(requested) if requested else None
    if requested and start is None:
        messages.warning(request, _("That date could not be read; showing today."))
    page = calendar_page(
        request.user, request.clinic, view=request.GET.get("view", "list"), start=start, today=today
    )
    audit_list(
        list_name="supporter_help_calendar",
        request=request,
        clinic=request.clinic,
        patient_ids=page.patient_ids,
        filters={"view": page.view, "from": page.first.isoformat(), "to": page.last.isoformat()},
        rows=len(page.entries),
    )
    views = [(name, VIEW_LABELS[name]) for name in VIEWS]
    return render(
        request,
        "networks/supporter_calendar.html",
        {"page": page, "views": views, "top": TOP},
    )


@role_required(Role.SUPPORTER)
@require_POST
def calendar_claim(request: HttpRequest) -> HttpResponse:
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return refused(request, ValidationError(form.errors["occasion"]))
    task_id, day = form.cleaned_data["occasion"]
    contact, task = contact_for_task(request.user, request.clinic, task_id)
    anchor = occasion_anchor(task.pk, day)
    try:
        help_calendar.claim_slot(
            task=task, day=day, contact=contact, actor=request.user, request=request
        )
    except ValidationError as error:
        return refused(request, error, anchor)
    text = _("Thank you for taking this on. %(name)s will see it is covered.") % {
        "name": contact.patient.first_name
    }
    return done(request, text, anchor)


@role_required(Role.SUPPORTER)
@require_POST
def calendar_give_back(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_of_supporter(request.user, request.clinic, claim_id)
    anchor = occasion_anchor(claim.task_id, claim.occurs_on)
    try:
        help_calendar.give_back_slot(claim=claim, actor=request.user, request=request)
    except ValidationError as error:
        return refused(request, error, anchor)
    text = _("No problem. We let %(name)s know, and someone else can take it.") % {
        "name": claim.contact.patient.first_name
    }
    return done(request, text, anchor)


@role_required(Role.SUPPORTER)
@require_POST
def calendar_swap(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_of_supporter(request.user, request.clinic, claim_id)
    anchor = occasion_anchor(claim.task_id, claim.occurs_on)
    candidates = swap_candidates([claim.contact]).get(claim.contact.patient_id, [])
    form = SwapForm(request.POST, candidates=candidates)
    if not form.is_valid():
        return refused(request, ValidationError(form.errors["to_contact"]), anchor)
    to_contact = form.candidates[form.cleaned_data["to_contact"]]
    try:
        help_calendar.swap_slot(
            claim=claim, to_contact=to_contact, actor=request.user, request=request
        )
    except ValidationError as error:
        return refused(request, error, anchor)
    text = _("Thank you. %(other)s takes it now, and %(name)s has been told.") % {
        "other": to_contact.first_name,
        "name": claim.contact.patient.first_name,
    }
    return done(request, text, anchor)
