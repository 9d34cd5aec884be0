"""The family's short evaluation, rendered from the `course-evaluation` instrument's definition:
one field per item, named by the item's key and labelled in the active language — a rating item
(a range or an option set) as radio buttons, a text item as a text area. A new version of the
instrument changes the form without code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.measures import scoring
from samspil.measures.models import InstrumentVersion, localised

COMMENT_MAX_LENGTH = 2000
COMMENT_HELP = _(
    "Optional. Staff see comments without your name, and only together with at least "
    "two other families' answers."
)


def _choices(definition: dict[str, Any], item: dict[str, Any]) -> list[tuple[int, str]]:
    """The item's values with their labels: an option set's own labels, else the numbers."""
    options = item.get("options")
    if isinstance(options, str):
        return [
            (int(option["value"]), f"{option['value']} – {localised(option.get('label'))}")
            for option in definition.get("option_sets", {})[options]
        ]
    values = scoring.item_values({"items": [item]})[item["key"]] or ()
    return [(value, str(value)) for value in values]


def _field(definition: dict[str, Any], item: dict[str, Any]) -> forms.Field:
    label = localised(item.get("label")) or item["key"]
    required = bool(item.get("required"))
    if item.get("type") == "text":
        return forms.CharField(
            label=label,
            required=required,
            max_length=COMMENT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="" if required else COMMENT_HELP,
        )
    return forms.TypedChoiceField(
        label=label,
        required=required,
        choices=_choices(definition, item),
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )


class EvaluationForm(forms.Form):
    """One field per item of `version`; `answers()` gives what the engine takes."""

    def __init__(self, *args: Any, version: InstrumentVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        definition = version.definition
        for item in definition["items"]:
            self.fields[item["key"]] = _field(definition, item)

    def answers(self) -> dict[str, int | str]:
        """The answered items (unanswered ones left out), once the form is valid."""
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
