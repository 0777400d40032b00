"""The coping plan editor: one formset per list section, the crisis plan, and the summary.

`PlanEditor` bundles them, reads a plan document into initial rows and builds the document back
from a valid submission; the rules of the content itself stay in coping/plan.py
(normalize_plan, via plan_save). Each row carries its item's hidden id, so a version diff can
tell an edited item from a replaced one. Blank extra rows are ignored (formsets skip unchanged
extra forms).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext_lazy as _

from coping.models import Strategy, StrategyCategory, TriggerCategory
from coping.plan import LIST_SECTIONS, MAX_ITEMS, MAX_TEXT, SECTION_LABELS

EXTRA_ROWS = 2
TIME_FORMAT = "%H:%M"
INTENSITY_CHOICES = [
    ("", _("Choose")),
    (1, _("1 (mild)")),
    (2, "2"),
    (3, _("3 (moderate)")),
    (4, "4"),
    (5, _("5 (very strong)")),
]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format=TIME_FORMAT, **kwargs)


def _text(label: str, *, required: bool = True, rows: int = 0, **attrs: str) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs)
    return forms.CharField(label=label, max_length=MAX_TEXT, required=required, widget=widget)


class ItemForm(forms.Form):
    """A row of a list section. `columns` gives each visible field its grid width."""

    columns: dict[str, str] = {}

    id = forms.CharField(widget=forms.HiddenInput, required=False)
    shareable = forms.BooleanField(label=_("Share with my network"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name != "shareable"])  # it goes last
        for name, column in self.columns.items():
            self.fields[name].column = column
        self.fields["shareable"].column = "col-md-auto"

    def item(self) -> dict:
        """The item of the plan document (what normalize_plan expects)."""
        return {name: self.cleaned_data.get(name) for name in self.fields if name != "DELETE"}


class TriggerForm(ItemForm):
    columns = {
        "category": "col-md-3",
        "description": "col-md-5",
        "intensity": "col-md-4",
        "how_i_manage": "col-12",
    }
    category = forms.ChoiceField(
        label=_("Kind of trigger"), choices=[("", _("Choose")), *TriggerCategory.choices]
    )
    description = _text(_("Trigger"))
    intensity = forms.TypedChoiceField(
        label=_("How strong (1 to 5)"), choices=INTENSITY_CHOICES, coerce=int, empty_value=None
    )
    how_i_manage = _text(_("How I manage it"), required=False, rows=2)


class TextItemForm(ItemForm):
    columns = {"text": "col-md"}
    text = _text(_("Text"))

    def __init__(self, *args: object, text_label: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if text_label:
            self.fields["text"].label = text_label


class StrategyItemForm(ItemForm):
    columns = {"category": "col-md-4", "library": "col-md-8", "text": "col-12"}
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("Choose")), *StrategyCategory.choices],
    )
    library = forms.ChoiceField(label=_("Pick from the library"), required=False)
    text = _text(
        _("Or write it in your own words"),
        required=False,
        rows=2,
    )

    def __init__(
        self,
        *args: object,
        library: dict[int, Strategy],
        reader_language: Callable[[], str] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.library = library
        self.reader_language = reader_language
        self.fields["library"].choices = library_choices(library.values())
        self.fields["text"].help_text = _("Leave it empty to use the library strategy's own words.")

    def clean(self) -> dict:
        data = super().clean()
        pick = data.get("library")
        strategy = self.library.get(int(pick)) if pick else None
        text = (data.get("text") or "").strip()
        if strategy is not None and not text:
            # In the words of the person whose plan it is (a clinician writing in English for a
            # person who reads Spanish copies the Spanish version), else the editor's language.
            if self.reader_language is not None:
                shown = strategy.shown_in(self.reader_language())
            else:
                shown = strategy.shown
            text = f"{shown.title} — {shown.description}"[:MAX_TEXT]
        if not text:
            self.add_error("text", _("Write a strategy or pick one from the library."))
        category = data.get("category") or (strategy.category if strategy else "")
        if not category:
            self.add_error("category", _("Choose a category."))
        data.update(text=text, category=category, strategy_id=strategy.pk if strategy else None)
        return data

    def item(self) -> dict:
        data = self.cleaned_data
        return {
            "id": data.get("id"),
            "category": data["category"],
            "text": data["text"],
            "strategy_id": data["strategy_id"],
            "shareable": data.get("shareable", False),
        }


class RoutineForm(ItemForm):
    columns = {"start": "col-6 col-md-2", "end": "col-6 col-md-2", "activity": "col-md-8"}
    start = forms.TimeField(label=_("From"), widget=TimeInput(), input_formats=[TIME_FORMAT])
    end = forms.TimeField(
        label=_("Until"), required=False, widget=TimeInput(), input_formats=[TIME_FORMAT]
    )
    activity = _text(_("Activity"))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("A time block must end after it starts."))
        return data

    def item(self) -> dict:
        data = self.cleaned_data
        return {
            "id": data.get("id"),
            "start": data["start"].strftime(TIME_FORMAT),
            "end": data["end"].strftime(TIME_FORMAT) if data.get("end") else "",
            "activity": data["activity"],
            "shareable": data.get("shareable", False),
        }


class PersonForm(ItemForm):
    columns = {"name": "col-md-4", "relationship": "col-md-4", "phone": "col-md-4"}
    name = _text(_("Name"), autocomplete="off")
    relationship = _text(_("Who they are to me"), required=False)
    phone = _text(_("Phone"), required=False, type="tel", autocomplete="off")


class CrisisPersonForm(forms.Form):
    name = _text(_("Name"), autocomplete="off")
    phone = _text(_("Phone"), required=False, type="tel", autocomplete="off")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].column = "col-md-6"
        self.fields["phone"].column = "col-md-6"


class CrisisPlanForm(forms.Form):
    steps = forms.CharField(
        label=_("Steps to take in a crisis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One step per line, in the order to take them."),
    )
    include_988 = forms.BooleanField(
        label=_("Include the 988 Suicide & Crisis Lifeline (call or text 988)"), required=False
    )
    local_emergency_number = forms.CharField(label=_("Local emergency number"), max_length=20)
    shareable = forms.BooleanField(label=_("Share the crisis plan with my network"), required=False)

    def clean_steps(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["steps"].splitlines()]
        steps = [line for line in lines if line]
        if len(steps) > MAX_ITEMS:
            raise ValidationError(_("At most %(n)s steps.") % {"n": MAX_ITEMS})
        too_long = [s for s in steps if len(s) > MAX_TEXT]
        if too_long:
            raise ValidationError(
                _("Each step can have at most %(n)s characters.") % {"n": MAX_TEXT}
            )
        return steps


class ChangeSummaryForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_summary = forms.CharField(
        label=_("What changed?"),
        max_length=300,
        help_text=_("A short note for the version history, e.g. “Added two warning signs”."),
    )


def library_choices(strategies: object) -> list:
    """A select's choices grouped by category (optgroups), with an empty first option."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for strategy in strategies:
        groups.setdefault(strategy.category, []).append((str(strategy.pk), strategy.shown.title))
    return [("", _("Nothing picked"))] + [
        (label, groups[value]) for value, label in StrategyCategory.choices if value in groups
    ]


class ItemFormSet(BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")


def _formset(form: type[forms.Form]) -> type[BaseFormSet]:
    # Blank extra rows need no "remove" box: they are left out anyway.
    return forms.formset_factory(
        form,
        formset=ItemFormSet,
        extra=EXTRA_ROWS,
        can_delete=True,
        can_delete_extra=False,
        max_num=MAX_ITEMS,
        validate_max=True,
    )


SECTION_FORMS: dict[str, type[forms.Form]] = {
    "triggers": TriggerForm,
    "warning_signs": TextItemForm,
    "strategies": StrategyItemForm,
    "routine": RoutineForm,
    "reasons": TextItemForm,
    "people": PersonForm,
}
TEXT_LABELS = {"warning_signs": _("Warning sign"), "reasons": _("Reason")}
SECTION_HELP = {
    "triggers": _("People, places, feelings or situations that can make recovery harder."),
    "warning_signs": _("Early signs that a hard time may be coming."),
    "strategies": _(
        "What helps. Pick from the clinic's library or write your own. A library pick with no "
        "words of your own uses the library's wording, and its category when none is chosen."
    ),
    "routine": _("Time blocks that give the day a shape."),
    "reasons": _("What recovery is for."),
    "people": _("People to talk to on a hard day."),
}


@dataclass
class Section:
    name: str
    label: str
    help_text: str
    formset: BaseFormSet
    errors: list[str] = field(default_factory=list)  # from the plan service


def _initial(section: str, item: dict) -> dict:
    row = dict(item)
    if section == "routine":
        row["start"] = _time(item.get("start"))
        row["end"] = _time(item.get("end"))
    if section == "strategies":
        row["library"] = str(item["strategy_id"]) if item.get("strategy_id") else ""
    return row


def _time(value: object) -> time | None:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        return None


class PlanEditor:
    """All the forms of the editor page, bound together."""

    def __init__(
        self,
        data: object | None,
        *,
        content: dict,
        library: dict[int, Strategy],
        base_version: int = 0,
        reader_language: Callable[[], str] | None = None,
    ) -> None:
        crisis = content.get("crisis_plan", {})
        self.crisis = CrisisPlanForm(
            data,
            prefix="crisis",
            initial={
                "steps": "\n".join(crisis.get("steps", [])),
                "include_988": crisis.get("include_988", True),
                "local_emergency_number": crisis.get("local_emergency_number", ""),
                "shareable": crisis.get("shareable", False),
            },
        )
        self.crisis_people = _formset(CrisisPersonForm)(
            data, prefix="crisis_people", initial=crisis.get("people", [])
        )
        self.crisis_errors: list[str] = []
        self.sections = []
        for name in LIST_SECTIONS:
            form_kwargs: dict[str, object] = {}
            if name == "strategies":
                form_kwargs["library"] = library
                form_kwargs["reader_language"] = reader_language
            if name in TEXT_LABELS:
                form_kwargs["text_label"] = TEXT_LABELS[name]
            formset = _formset(SECTION_FORMS[name])(
                data,
                prefix=name,
                initial=[_initial(name, item) for item in content.get(name, [])],
                form_kwargs=form_kwargs,
            )
            self.sections.append(Section(name, SECTION_LABELS[name], SECTION_HELP[name], formset))
        # The version this form was opened on, to notice a save made in the meantime.
        self.summary = ChangeSummaryForm(data, initial={"base_version": base_version})
        self.other_errors: list[str] = []

    def is_valid(self) -> bool:
        # Validate everything (no short-circuit), so every error shows at once.
        results = [
            self.crisis.is_valid(),
            self.crisis_people.is_valid(),
            self.summary.is_valid(),
            *(section.formset.is_valid() for section in self.sections),
        ]
        return all(results)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.crisis.errors
            or self.crisis_people.total_error_count()
            or self.summary.errors
            or self.crisis_errors
            or self.other_errors
            or any(s.errors or s.formset.total_error_count() for s in self.sections)
        )

    def content(self) -> dict:
        """The plan document from a valid submission."""
        seen: set[str] = set()
        content: dict[str, object] = {}
        for section in self.sections:
            items = []
            for form in _kept_forms(section.formset):
                item = form.item()
                if item.get("id") in seen:  # a copied row: a new item, not the same one twice
                    item["id"] = ""
                seen.add(item.get("id") or "")
                items.append(item)
            content[section.name] = items
        crisis = self.crisis.cleaned_data
        content["crisis_plan"] = {
            "steps": crisis["steps"],
            "people": [
                {"name": f.cleaned_data["name"], "phone": f.cleaned_data.get("phone", "")}
                for f in _kept_forms(self.crisis_people)
            ],
            "include_988": crisis["include_988"],
            "local_emergency_number": crisis["local_emergency_number"],
            "shareable": crisis["shareable"],
        }
        return content

    @property
    def change_summary(self) -> str:
        return self.summary.cleaned_data["change_summary"]

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the plan service's errors (keyed by section) next to their section."""
        by_section = error.message_dict if hasattr(error, "error_dict") else {}
        if not by_section:
            self.other_errors.extend(error.messages)
        for name, messages in by_section.items():
            section = next((s for s in self.sections if s.name == name), None)
            if section is not None:
                section.errors.extend(messages)
            elif name == "crisis_plan":
                self.crisis_errors.extend(messages)
            else:
                self.other_errors.extend(messages)


def _kept_forms(formset: BaseFormSet) -> list[forms.Form]:
    """Filled rows not marked for removal (blank extra rows have empty cleaned_data)."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
    ]


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("Compare version"), min_value=1)
    b = forms.IntegerField(label=_("with version"), min_value=1)

    def __init__(self, *args: object, numbers: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.numbers = set(numbers)
        choices = [(n, _("Version %(n)s") % {"n": n}) for n in numbers]
        for name in ("a", "b"):
            self.fields[name].widget = forms.Select(choices=choices)

    def _known(self, name: str) -> int:
        number = self.cleaned_data[name]
        if number not in self.numbers:
            raise ValidationError(
                _("There is no version %(n)s of this plan.") % {"n": number}, code="unknown"
            )
        return number

    def clean_a(self) -> int:
        return self._known("a")

    def clean_b(self) -> int:
        return self._known("b")


class StrategyForm(forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["category", "title", "description", "title_es", "description_es"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "title_es": forms.TextInput(attrs={"lang": "es"}),
            "description_es": forms.Textarea(attrs={"rows": 3, "lang": "es"}),
        }
        help_texts = {
            "title_es": _("Optional. Without it, Spanish readers see the English, marked.")
        }
