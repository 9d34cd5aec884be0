"""The answering form, built from an instrument version's definition: one radio group per
question (its options, or the numbers of a range), a text box for a free-text item, in the
definition's sections. Follow-up questions (`shown_when`: the SDQ's impact questions after the
first one is answered 1 or more) are decided here, on the server: a hidden follow-up is not
shown, and its answer is cleared.

Every field is optional: partial answers are saved as the respondent goes, and the submit's
own check (`responses.submit_response`) refuses what the instrument requires.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from samspil.measures.models import localised

SECTION_TITLES = {"items": _("Questions"), "impact": _("Overall")}
TEXT_MAX = 2000


def field_name(key: str) -> str:
    return f"item_{key}"


@dataclass(frozen=True)
class Question:
    key: str
    field: BoundField
    is_text: bool
    is_gate: bool


@dataclass(frozen=True)
class Block:
    """Questions shown together: plain ones (`gate` None), or the follow-ups of `gate`, shown
    only when `visible`."""

    gate: str | None
    questions: list[Question]
    visible: bool = True


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: list[Block]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _shown(item: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    rule = item.get("shown_when")
    if not rule:
        return True
    value = _int(values.get(rule["item"]))
    return value is not None and value >= int(rule["at_least"])


class AnswerForm(forms.Form):
    """`definition`: the response's instrument version's; `texts`: licensed item texts in the
    active language (item key → text), used instead of the neutral labels; `saved`: the
    answers saved so far. Bind it with `merged_data(saved, request.POST)` so that a re-render
    keeps every answer, saved and posted."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        definition: Mapping[str, Any],
        texts: Mapping[str, str],
        saved: Mapping[str, Any],
    ) -> None:
        super().__init__(data, initial={field_name(k): v for k, v in saved.items()})
        self.definition = definition
        option_sets: Mapping[str, Any] = definition.get("option_sets", {})
        self.items: list[Mapping[str, Any]] = list(definition["items"])
        self.gates = {item["shown_when"]["item"] for item in self.items if item.get("shown_when")}
        for item in self.items:
            key = item["key"]
            label = texts.get(key) or localised(item.get("label"))
            if item.get("type") == "text":
                self.fields[field_name(key)] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
                continue
            options = item.get("options")
            if isinstance(options, str):
                choices = [
                    (str(o["value"]), localised(o.get("label"))) for o in option_sets[options]
                ]
            else:
                low, high = item["range"]
                choices = [(str(n), str(n)) for n in range(int(low), int(high) + 1)]
            self.fields[field_name(key)] = forms.ChoiceField(
                label=label, required=False, choices=choices, widget=forms.RadioSelect
            )

    def current_values(self) -> dict[str, Any]:
        """What each question shows now: the bound data, or the saved answers."""
        if self.is_bound:
            return {item["key"]: self.data.get(field_name(item["key"])) for item in self.items}
        return {item["key"]: self.initial.get(field_name(item["key"])) for item in self.items}

    def sections(self) -> list[Section]:
        """The questions by section, follow-ups grouped after their gate."""
        values = self.current_values()
        sections: dict[str, list[Block]] = {}
        for item in self.items:
            section = sections.setdefault(item.get("section") or "items", [])
            question = Question(
                key=item["key"],
                field=self[field_name(item["key"])],
                is_text=item.get("type") == "text",
                is_gate=item["key"] in self.gates,
            )
            gate = item["shown_when"]["item"] if item.get("shown_when") else None
            if section and section[-1].gate == gate:
                section[-1].questions.append(question)
            else:
                section.append(Block(gate=gate, questions=[question], visible=_shown(item, values)))
        return [
            Section(key=key, title=str(SECTION_TITLES.get(key, "")), blocks=blocks)
            for key, blocks in sections.items()
        ]

    def block_after(self, gate: str) -> Block | None:
        for section in self.sections():
            for block in section.blocks:
                if block.gate == gate:
                    return block
        return None

    def answers(self) -> dict[str, int | str | None]:
        """Every item's answer from a valid form (None: unanswered, or a follow-up that is
        not shown, so that its earlier answer is cleared)."""
        values: dict[str, int | str | None] = {}
        for item in self.items:
            raw = self.cleaned_data.get(field_name(item["key"]))
            if item.get("type") == "text":
                values[item["key"]] = (raw or "").strip() or None
            else:
                values[item["key"]] = _int(raw) if raw not in (None, "") else None
        for item in self.items:
            if not _shown(item, values):
                values[item["key"]] = None
        return values

    def newly_shown(self, answers: Mapping[str, Any], shown: list[str]) -> list[str]:
        """Gates whose follow-ups the answers now show but the page did not (a browser without
        scripts): the respondent must see them before submitting."""
        gates: list[str] = []
        for item in self.items:
            rule = item.get("shown_when")
            if (
                rule
                and _shown(item, answers)
                and rule["item"] not in shown
                and rule["item"] not in gates
            ):
                gates.append(rule["item"])
        return gates


def merged_data(saved: Mapping[str, Any], posted: Mapping[str, Any]) -> dict[str, Any]:
    """Form data: the saved answers, overridden by what was posted (radios not ticked are not
    posted, so the saved answer stays)."""
    data: dict[str, Any] = {field_name(k): str(v) for k, v in saved.items() if v is not None}
    for name in posted:
        if name.startswith("item_"):
            data[name] = posted.get(name)
    return data
