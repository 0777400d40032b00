"""Coping plan pages: the plan, its editor, versions and compare, restore, the printable plan and
the wallet card; and the clinic's strategy library. Views parse, call one service, and render;
who may do what is decided in coping/access.py."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import Role
from audit.models import Action
from audit.services import audit_record
from coping import library as strategy_library
from coping.access import CopingAccess, own_patient_record, patient_page
from coping.models import CopingPlanVersion, Strategy, StrategyCategory, TriggerCategory
from coping.plan import SECTION_LABELS, DiffRow, plan_diff
from coping.plan_forms import CompareForm, PlanEditor, StrategyForm
from coping.services import current_version, plan_content_or_empty, plan_restore, plan_save
from patients import selectors
from patients.forms import apply_service_errors
from patients.models import Patient

PlanView = Callable[..., HttpResponse]
CHANGE_LABELS = {
    "same": gettext_lazy("Unchanged"),
    "added": gettext_lazy("Added"),
    "removed": gettext_lazy("Removed"),
    "changed": gettext_lazy("Changed"),
}


plan_view = patient_page  # open, check, audit: see coping.access.patient_page


def _page(
    request: HttpRequest, patient: Patient, access: CopingAccess, template: str, **context: Any
) -> HttpResponse:
    """Staff see the page inside the chart (header and tabs); the person in recovery sees it in
    a plain layout of their own."""
    context.update(patient=patient, plan_access=access, tab="plan")
    if access.is_staff:
        context.update(
            layout="patients/_chart_base.html",
            access=access.chart,
            **selectors.chart_header(patient),
        )
    else:
        context["layout"] = "coping/_plan_patient_base.html"
    return render(request, template, context)


def plan_display(content: dict) -> dict[str, Any]:
    """The plan document shaped for the templates: labels resolved, strategies grouped by the
    seven categories. The stored document itself is never changed."""
    triggers = [
        {**item, "category_label": _label(TriggerCategory, item.get("category"))}
        for item in content.get("triggers", [])
    ]
    groups: dict[str, list[dict]] = {}
    for item in content.get("strategies", []):
        groups.setdefault(item.get("category"), []).append(item)
    strategy_groups = [
        {"category": value, "label": label, "items": groups[value]}
        for value, label in StrategyCategory.choices
        if value in groups
    ]
    return {
        "crisis": content.get("crisis_plan", {}),
        "triggers": triggers,
        "warning_signs": content.get("warning_signs", []),
        "strategies": content.get("strategies", []),
        "strategy_groups": strategy_groups,
        "routine": content.get("routine", []),
        "reasons": content.get("reasons", []),
        "people": content.get("people", []),
        "labels": SECTION_LABELS,
    }


def _label(choices: type, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _versions(patient: Patient) -> Any:
    # The list shows no content: leave the documents in the database.
    return (
        CopingPlanVersion.objects.filter(plan__patient=patient)
        .select_related("author", "restored_from")
        .defer("content", "restored_from__content")
        .order_by("-number")
    )


# --- The plan --------------------------------------------------------------------------------


@plan_view()
def plan(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    version = current_version(patient)
    context: dict[str, Any] = {"version": version}
    if version is not None:
        context["plan"] = plan_display(version.content)
    # The playbook: one step per person in the network; each supporter sees only their own.
    context["playbook"] = list(
        patient.contacts.exclude(status="removed").exclude(playbook_step="").order_by("name")
    )
    return _page(request, patient, access, "coping/plan.html", **context)


@plan_view(write=True)
def plan_edit(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    version = current_version(patient)
    content = version.content if version else plan_content_or_empty(patient)
    data = request.POST.copy() if request.method == "POST" else None
    # Someone saved a newer version while this form was open: show it and ask to save again,
    # rather than quietly replacing their changes (they would stay in the history anyway).
    conflict = None
    if data is not None and version and data.get("base_version") != str(version.number):
        conflict = version
        data["base_version"] = str(version.number)
    editor = PlanEditor(
        data,
        content=content,
        library=_library_for_editor(patient, content),
        base_version=version.number if version else 0,
        reader_language=lambda: patient.message_language,
    )
    if data is not None and editor.is_valid() and conflict is None:
        try:
            saved = plan_save(
                patient=patient,
                content=editor.content(),
                actor=request.user,
                change_summary=editor.change_summary,
                request=request,
            )
        except ValidationError as error:
            editor.add_service_errors(error)
        else:
            messages.success(
                request, _("Coping plan saved as version %(n)s.") % {"n": saved.number}
            )
            return redirect("coping:plan", patient.pk)
    return _page(
        request,
        patient,
        access,
        "coping/plan_edit.html",
        editor=editor,
        version=version,
        conflict=conflict,
    )


def _library_for_editor(patient: Patient, content: dict) -> dict[int, Strategy]:
    """The clinic's active strategies, plus any inactive one the plan still points at (so the
    plan can be saved again unchanged). One query."""
    used = [i["strategy_id"] for i in content.get("strategies", []) if i.get("strategy_id")]
    strategies = Strategy.objects.filter(clinic_id=patient.clinic_id).filter(
        Q(is_active=True) | Q(pk__in=used)
    )
    return {s.pk: s for s in strategies.order_by("category", "title")}


# --- Versions, compare, restore --------------------------------------------------------------


@plan_view()
def plan_versions(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    versions = list(_versions(patient))
    numbers = [v.number for v in versions]
    initial = {"a": numbers[1], "b": numbers[0]} if len(numbers) > 1 else {}
    form = CompareForm(initial=initial, numbers=numbers)
    return _page(
        request,
        patient,
        access,
        "coping/plan_versions.html",
        versions=versions,
        compare_form=form,
    )


@plan_view()
def plan_compare(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    numbers = list(
        CopingPlanVersion.objects.filter(plan__patient=patient)
        .order_by("-number")
        .values_list("number", flat=True)
    )
    form = CompareForm(request.GET, numbers=numbers)
    context: dict[str, Any] = {"compare_form": form, "has_versions": bool(numbers)}
    if form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        found = {
            v.number: v
            for v in CopingPlanVersion.objects.filter(
                plan__patient=patient, number__in={a, b}
            ).select_related("author")
        }
        old, new = found[a], found[b]
        context.update(old=old, new=new, sections=_diff_sections(old.content, new.content))
    return _page(request, patient, access, "coping/plan_compare.html", **context)


def _diff_sections(old: dict, new: dict) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": SECTION_LABELS[name],
            "rows": [_diff_row(row) for row in rows],
            "changes": sum(row.change != "same" for row in rows),
        }
        for name, rows in plan_diff(old, new)
    ]


def _diff_row(row: DiffRow) -> dict[str, str]:
    label = CHANGE_LABELS[row.change]
    return {"left": row.left, "right": row.right, "change": row.change, "change_label": label}


@plan_view(write=True)
@require_POST
def plan_restore_version(
    request: HttpRequest, patient: Patient, access: CopingAccess, number: int
) -> HttpResponse:
    version = get_object_or_404(
        CopingPlanVersion.objects.select_related("plan"), plan__patient=patient, number=number
    )
    try:
        restored = plan_restore(
            patient=patient, version=version, actor=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coping:plan_versions", patient.pk)
    messages.success(
        request,
        _("Version %(old)s was restored as version %(new)s.")
        % {"old": version.number, "new": restored.number},
    )
    return redirect("coping:plan", patient.pk)


# --- Printable plan and wallet card ----------------------------------------------------------


@plan_view()
def plan_print(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    return _printable(request, patient, access, "coping/plan_print.html")


@plan_view()
def plan_wallet_card(request: HttpRequest, patient: Patient, access: CopingAccess) -> HttpResponse:
    return _printable(request, patient, access, "coping/plan_wallet_card.html")


def _printable(
    request: HttpRequest, patient: Patient, access: CopingAccess, template: str
) -> HttpResponse:
    version = current_version(patient)
    content = version.content if version else plan_content_or_empty(patient)
    return render(
        request,
        template,
        {
            "patient": patient,
            "clinic": patient.clinic,
            "plan_access": access,
            "version": version,
            "plan": plan_display(content),
        },
    )


@role_required(Role.PATIENT)
def my_crisis_plan(request: HttpRequest) -> HttpResponse:
    """The person's own crisis plan alone, printable, and the one page the installable app
    keeps for use without a connection (recovery_hub/pwa.py). Its copy is refreshed by the
    service worker, which says so (X-Offline-Copy), and the audit record says so too."""
    patient = own_patient_record(request.membership)
    details: dict[str, Any] = {"page": "my_crisis_plan"}
    if request.headers.get("X-Offline-Copy") == "1":
        details["offline_copy"] = True
    audit_record(
        action=Action.VIEW, request=request, target=patient, patient=patient, details=details
    )
    version = current_version(patient)
    content = version.content if version else plan_content_or_empty(patient)
    context = {
        "patient": patient,
        "clinic": patient.clinic,
        "plan_access": CopingAccess(request.membership, patient),
        "version": version,
        "plan": plan_display(content),
    }
    return render(request, "coping/crisis_plan.html", context)


# --- The clinic's strategy library -----------------------------------------------------------


@role_required(Role.ADMIN, Role.CLINICIAN)
def library(request: HttpRequest) -> HttpResponse:
    form = StrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            strategy = strategy_library.strategy_add(
                clinic=request.clinic, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("“%(title)s” was added to the library.") % {"title": strategy.title}
            )
            return redirect("coping:library")
    groups = strategy_library.library_for(request.clinic)
    return render(
        request,
        "coping/library.html",
        {"groups": groups, "form": form, "total": sum(len(g[2]) for g in groups)},
    )


@role_required(Role.ADMIN, Role.CLINICIAN)
@require_POST
def library_toggle(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = get_object_or_404(Strategy, clinic=request.clinic, pk=strategy_id)
    active = request.POST.get("active") == "1"  # explicit, so a double submit changes nothing
    strategy_library.strategy_set_active(
        strategy=strategy, active=active, actor=request.user, request=request
    )
    text = _("“%(title)s” is offered again.") if active else _("“%(title)s” is no longer offered.")
    messages.success(request, text % {"title": strategy.title})
    return redirect("coping:library")
