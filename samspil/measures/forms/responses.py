"""Typing in a paper form: first the questionnaire (and the child), then every question of its
current version as the answering page asks it — one radio group per item (with "not answered"
for a paper form left blank), a text box for free-text items. What was typed is kept when the
service refuses it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.core.forms import DateInput
from samspil.families.models import Child
from samspil.measures.enums import Respondent
from samspil.measures.models import InstrumentVersion, localised
from samspil.measures.selectors.responses import item_label, option_labels

SECTION_TITLES = {
    "items": gettext_lazy("Questions"),
    "impact": gettext_lazy("Impact supplement"),
}
NOT_ANSWERED = ""


def field_name(key: str) -> str:
    return f"item_{key}"


def _version_label(version: InstrumentVersion) -> str:
    return f"{version.name} ({version.get_respondent_display()})"


class ChooseQuestionnaireForm(forms.Form):
    """Step one (GET): which questionnaire, about which child."""

    instrument = forms.ChoiceField(label=gettext_lazy("Questionnaire"))
    child = forms.ChoiceField(label=gettext_lazy("Child"), required=False)

    def __init__(
        self,
        *args: Any,
        versions: Sequence[InstrumentVersion],
        children: Sequence[Child],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instrument"]).choices = [
            (v.instrument.code, _version_label(v)) for v in versions
        ]
        cast(forms.ChoiceField, self.fields["child"]).choices = [
            ("", _("— about the family, not a child —"))
        ] + [(str(c.uuid), f"{c.first_name} {c.last_name}") for c in children]


@dataclass(frozen=True)
class Question:
    key: str
    field: forms.BoundField
    label: str
    licensed: bool
    condition: str


@dataclass(frozen=True)
class QuestionSection:
    name: str
    title: str
    questions: list[Question]


class PaperResponseForm(forms.Form):
    """Step two: who answered, when, and every answer."""

    instrument = forms.CharField(widget=forms.HiddenInput)
    child = forms.ChoiceField(label=gettext_lazy("Child"), required=False)
    respondent = forms.ChoiceField(label=gettext_lazy("Answered by"), choices=Respondent.choices)
    answered_on = forms.DateField(label=gettext_lazy("Answered on"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        version: InstrumentVersion,
        children: Sequence[Child],
        texts: Mapping[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.texts = texts
        definition = version.definition
        child_field = cast(forms.ChoiceField, self.fields["child"])
        child_field.choices = [("", "—")] + [
            (str(c.uuid), f"{c.first_name} {c.last_name}") for c in children
        ]
        if version.subject == "child":
            child_field.required = True
        else:
            del self.fields["child"]
        self.fields["respondent"].help_text = _("This questionnaire is answered by: %(who)s.") % {
            "who": version.get_respondent_display()
        }
        for item in definition["items"]:
            key = str(item["key"])
            label = item_label(item, texts)
            if key.isdigit():
                label = f"{key}. {label}"
            required = bool(item.get("required"))
            if item.get("type") == "text":
                self.fields[field_name(key)] = forms.CharField(
                    label=label,
                    required=required,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
                continue
            choices: list[tuple[str, str]] = [
                (str(value), text if text == str(value) else f"{text} ({value})")
                for value, text in option_labels(definition, item).items()
            ]
            if not required:
                choices.append((NOT_ANSWERED, _("not answered")))
            self.fields[field_name(key)] = forms.ChoiceField(
                label=label,
                required=required,
                choices=choices,
                widget=forms.RadioSelect,
                initial=None if required else NOT_ANSWERED,
            )

    def clean_answered_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["answered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def answers(self) -> dict[str, int | str | None]:
        """The answers as the service takes them (unanswered items as None)."""
        result: dict[str, int | str | None] = {}
        for item in self.version.definition["items"]:
            key = str(item["key"])
            value = self.cleaned_data.get(field_name(key))
            if value in (None, NOT_ANSWERED):
                result[key] = None
            elif item.get("type") == "text":
                result[key] = str(value)
            else:
                result[key] = int(str(value))
        return result

    def sections(self) -> list[QuestionSection]:
        """The questions grouped as the questionnaire groups them, for the template."""
        definition = self.version.definition
        by_key = {str(item["key"]): item for item in definition["items"]}
        sections: dict[str, QuestionSection] = {}
        for key, item in by_key.items():
            name = str(item.get("section", "items"))
            if name not in sections:
                title = SECTION_TITLES.get(name)
                sections[name] = QuestionSection(
                    name, str(title) if title else name.replace("_", " ").capitalize(), []
                )
            shown_when = item.get("shown_when")
            condition = ""
            if shown_when:
                gate = by_key.get(str(shown_when["item"]), {})
                condition = _('Only when "%(item)s" is answered %(value)s or more.') % {
                    "item": item_label(gate, self.texts) if gate else shown_when["item"],
                    "value": shown_when["at_least"],
                }
            sections[name].questions.append(
                Question(
                    key=key,
                    field=self[field_name(key)],
                    label=item_label(item, self.texts),
                    licensed=key in self.texts,
                    condition=condition,
                )
            )
        return list(sections.values())

    @property
    def intro(self) -> str:
        return localised(self.version.definition.get("intro"))
