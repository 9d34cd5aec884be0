"""Forms of discharge plans: adding a step, ticking a step, and editing the municipality's
template as a list of steps (a formset: rows to fill in, a box to remove a row)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DateInput
from samspil.transitions.default_plan import StepSpec
from samspil.transitions.enums import Party, Phase


class StepForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    text = forms.CharField(
        label=_("Step"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.ChoiceField(label=_("Responsible"), choices=Party.choices)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput())


class TickForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    done = forms.BooleanField(required=False)


class TemplateStepForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    text = forms.CharField(
        label=_("Step"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responsible = forms.ChoiceField(label=_("Responsible"), choices=Party.choices)
    offset_days = forms.IntegerField(
        label=_("Days from the moving day"),
        required=False,
        min_value=-365,
        max_value=365,
    )


class BaseTemplateStepFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def steps(self) -> list[StepSpec]:
        """The rows filled in and not removed, in order."""
        steps = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or not str(data.get("text") or "").strip():
                continue
            steps.append(
                StepSpec(data["phase"], data["text"], data["responsible"], data["offset_days"])
            )
        return steps


TemplateStepFormSet = forms.formset_factory(
    TemplateStepForm, formset=BaseTemplateStepFormSet, extra=3, can_delete=True, max_num=60
)


class TemplateVersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def template_initial(steps: list[StepSpec]) -> list[dict[str, Any]]:
    return [
        {
            "phase": step.phase,
            "text": str(step.text),
            "responsible": step.responsible,
            "offset_days": step.offset_days,
        }
        for step in steps
    ]
