"""The coping plan's content: one JSON document per version, normalised and validated here.

    {
      "triggers":      [{"id", "category", "description", "intensity" (1-5), "how_i_manage",
                         "shareable"}],
      "warning_signs": [{"id", "text", "shareable"}],
      "strategies":    [{"id", "category", "text", "strategy_id" (library, optional), "shareable"}],
      "routine":       [{"id", "start" "HH:MM", "end" "HH:MM", "activity", "shareable"}],
      "reasons":       [{"id", "text", "shareable"}],
      "people":        [{"id", "name", "relationship", "phone", "shareable"}],
      "crisis_plan":   {"steps": [str], "people": [{"name", "phone"}], "include_988": bool,
                        "local_emergency_number": str, "shareable": bool}
    }

Items keep a stable "id" across versions, so a diff can tell an edit from a removal, and the
supporters' view can refer to what the patient marked shareable.
"""

import difflib
import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coping.models import StrategyCategory, TriggerCategory

LIST_SECTIONS = ("triggers", "warning_signs", "strategies", "routine", "reasons", "people")
MAX_ITEMS = 50
MAX_TEXT = 500
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

SECTION_LABELS = {
    "crisis_plan": gettext_lazy("Crisis plan"),
    "triggers": gettext_lazy("Triggers"),
    "warning_signs": gettext_lazy("Early warning signs"),
    "strategies": gettext_lazy("Coping strategies"),
    "routine": gettext_lazy("Daily routine"),
    "reasons": gettext_lazy("Reasons for recovery"),
    "people": gettext_lazy("People I can call"),
}


def empty_plan(local_emergency_number: str = "911") -> dict:
    return {
        "triggers": [],
        "warning_signs": [],
        "strategies": [],
        "routine": [],
        "reasons": [],
        "people": [],
        "crisis_plan": {
            "steps": [],
            "people": [],
            "include_988": True,
            "local_emergency_number": local_emergency_number,
            "shareable": False,
        },
    }


def _text(value: object, field: str, errors: list[str], *, required: bool = True) -> str:
    if value is not None and not isinstance(value, str):  # a number or a list is not text
        errors.append(_("%(field)s must be text.") % {"field": field})
        value = ""
    text = (value or "").strip()
    if required and not text:
        errors.append(_("%(field)s is required.") % {"field": field})
    if len(text) > MAX_TEXT:
        errors.append(
            _("%(field)s is too long (at most %(n)s characters).") % {"field": field, "n": MAX_TEXT}
        )
    return text[:MAX_TEXT]


def _flag(raw: dict, key: str, default: bool, field: str, errors: list[str]) -> bool:
    """A true/false choice: JSON true or false (absent means the default), never "yes" or 1."""
    value = raw.get(key, default)
    if not isinstance(value, bool):
        errors.append(_("%(field)s must be true or false.") % {"field": field})
        return default
    return value


def _item_id(raw: dict) -> str:
    value = str(raw.get("id") or "")
    return value if re.fullmatch(r"[0-9a-f]{32}", value) else uuid.uuid4().hex


def normalize_plan(content: object) -> dict:
    """A clean plan document from user input; ValidationError naming the section otherwise."""
    if not isinstance(content, dict):
        raise ValidationError({"content": _("The plan must be an object with its sections.")})
    plan = empty_plan()
    errors: dict[str, list[str]] = {}
    for section in LIST_SECTIONS:
        items = content.get(section, [])
        section_errors: list[str] = []
        if not isinstance(items, list):
            errors[section] = [_("This section must be a list.")]
            continue
        if len(items) > MAX_ITEMS:
            section_errors.append(_("At most %(n)s items.") % {"n": MAX_ITEMS})
        seen: set[str] = set()
        for raw in items[:MAX_ITEMS]:
            if not isinstance(raw, dict):
                section_errors.append(_("Each item must be an object."))
                continue
            item_id = _item_id(raw)
            if item_id in seen:  # a copied item becomes a new one, so diffs stay truthful
                item_id = uuid.uuid4().hex
            seen.add(item_id)
            shareable = _flag(raw, "shareable", False, _("Share"), section_errors)
            item = {"id": item_id, "shareable": shareable}
            item.update(_normalize_item(section, raw, section_errors))
            plan[section].append(item)
        if section_errors:
            errors[section] = sorted(set(section_errors))
    crisis = content.get("crisis_plan", {})
    if not isinstance(crisis, dict):
        errors["crisis_plan"] = [_("The crisis plan must be an object.")]
    else:
        crisis_errors: list[str] = []
        steps = crisis.get("steps", [])
        people = crisis.get("people", [])
        if not isinstance(steps, list) or not isinstance(people, list):
            crisis_errors.append(_("Steps and people must be lists."))
            steps, people = [], []
        plan["crisis_plan"] = {
            "steps": [
                s
                for s in (
                    _text(step, _("A step"), crisis_errors, required=False)
                    for step in steps[:MAX_ITEMS]
                )
                if s
            ],
            "people": [
                {
                    "name": _text(p.get("name"), _("Name"), crisis_errors),
                    "phone": _text(p.get("phone"), _("Phone"), crisis_errors, required=False),
                }
                for p in people[:MAX_ITEMS]
                if isinstance(p, dict)
            ],
            "include_988": _flag(crisis, "include_988", True, _("Show 988"), crisis_errors),
            "local_emergency_number": _text(
                crisis.get("local_emergency_number") or "911",
                _("Local emergency number"),
                crisis_errors,
            )[:20],
            "shareable": _flag(crisis, "shareable", False, _("Share"), crisis_errors),
        }
        if crisis_errors:
            errors["crisis_plan"] = sorted(set(crisis_errors))
    if errors:
        raise ValidationError(errors)
    return plan


def _normalize_item(section: str, raw: dict, errors: list[str]) -> dict:
    if section == "triggers":
        category = raw.get("category")
        if category not in TriggerCategory.values:
            errors.append(_("Choose a trigger category."))
        intensity = raw.get("intensity")
        if isinstance(intensity, bool) or not isinstance(intensity, int) or not 1 <= intensity <= 5:
            errors.append(_("Intensity is a whole number from 1 to 5."))
            intensity = 3
        return {
            "category": category if category in TriggerCategory.values else "situations",
            "description": _text(raw.get("description"), _("Trigger"), errors),
            "intensity": intensity,
            "how_i_manage": _text(
                raw.get("how_i_manage"), _("How I manage it"), errors, required=False
            ),
        }
    if section == "strategies":
        category = raw.get("category")
        if category not in StrategyCategory.values:
            errors.append(_("Choose a strategy category."))
        library = raw.get("strategy_id")
        if library is not None and (isinstance(library, bool) or not isinstance(library, int)):
            errors.append(_("A library strategy is named by its number."))
        return {
            "category": category if category in StrategyCategory.values else "stress_management",
            "text": _text(raw.get("text"), _("Strategy"), errors),
            "strategy_id": library
            if isinstance(library, int) and not isinstance(library, bool)
            else None,
        }
    if section == "routine":
        start, end = raw.get("start") or "", raw.get("end") or ""
        if not isinstance(start, str) or not isinstance(end, str):
            start, end = "", ""  # refused just below: times are text such as "07:30"
        if not TIME.match(start) or (end and not TIME.match(end)):
            errors.append(_("Times are written as HH:MM."))
        elif end and end <= start:
            errors.append(_("A time block must end after it starts."))
        return {
            "start": start,
            "end": end,
            "activity": _text(raw.get("activity"), _("Activity"), errors),
        }
    if section == "people":
        return {
            "name": _text(raw.get("name"), _("Name"), errors),
            "relationship": _text(
                raw.get("relationship"), _("Relationship"), errors, required=False
            ),
            "phone": _text(raw.get("phone"), _("Phone"), errors, required=False),
        }
    return {"text": _text(raw.get("text"), _("Text"), errors)}


def item_line(section: str, item: dict) -> str:
    """One readable line for an item: what the printable plan and the diff show."""
    if section == "triggers":
        line = f"{TriggerCategory(item['category']).label}: {item['description']} " + _(
            "(intensity %(n)s)"
        ) % {"n": item["intensity"]}
        return line + (f" — {item['how_i_manage']}" if item["how_i_manage"] else "")
    if section == "strategies":
        return f"{StrategyCategory(item['category']).label}: {item['text']}"
    if section == "routine":
        span = f"{item['start']}–{item['end']}" if item["end"] else item["start"]
        return f"{span} {item['activity']}"
    if section == "people":
        extra = ", ".join(x for x in (item["relationship"], item["phone"]) if x)
        return f"{item['name']}" + (f" ({extra})" if extra else "")
    return item["text"]


def section_lines(content: dict, section: str) -> list[str]:
    if section == "crisis_plan":
        crisis = content.get("crisis_plan", {})
        lines = [_("Step: %(text)s") % {"text": step} for step in crisis.get("steps", [])]
        lines += [
            _("Call: %(name)s %(phone)s") % {"name": p["name"], "phone": p.get("phone", "")}
            for p in crisis.get("people", [])
        ]
        if crisis.get("include_988"):
            lines.append(_("988 Suicide & Crisis Lifeline: call or text 988"))
        lines.append(
            _("Local emergency number: %(n)s") % {"n": crisis.get("local_emergency_number", "")}
        )
        return lines
    return [item_line(section, item) for item in content.get(section, [])]


@dataclass(frozen=True)
class DiffRow:
    left: str
    right: str
    change: str  # "same", "added", "removed", "changed"


def plan_diff(old: dict, new: dict) -> list[tuple[str, list[DiffRow]]]:
    """Side-by-side rows per section, with each difference marked. Items are matched by their
    stable id, so an edited item shows as "changed" and a replaced one as removed plus added."""
    result = []
    for section in ("crisis_plan", *LIST_SECTIONS):
        left, right = section_lines(old, section), section_lines(new, section)
        if section == "crisis_plan":
            left_keys, right_keys = left, right
        else:
            left_keys = [item.get("id") for item in old.get(section, [])]
            right_keys = [item.get("id") for item in new.get(section, [])]
        rows: list[DiffRow] = []
        matcher = difflib.SequenceMatcher(a=left_keys, b=right_keys, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                rows += [
                    DiffRow(a, b, "same" if a == b else "changed")
                    for a, b in zip(left[i1:i2], right[j1:j2], strict=True)
                ]
                continue
            rows += [DiffRow(a, "", "removed") for a in left[i1:i2]]
            rows += [DiffRow("", b, "added") for b in right[j1:j2]]
        result.append((section, rows))
    return result


def shareable_items(content: dict) -> dict[str, list[dict]]:
    """What the patient marked "shareable with my network", per section."""
    shared = {
        section: [item for item in content.get(section, []) if item.get("shareable")]
        for section in LIST_SECTIONS
    }
    crisis = content.get("crisis_plan", {})
    shared["crisis_plan"] = [crisis] if crisis.get("shareable") else []
    return shared
