"""Forms of the measurement plan: its settings (versioned) and its points (a formset: one row
per instrument and respondent, an empty row to add one, a box to remove one)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import VersionedForm
from samspil.measures.enums import Respondent
from samspil.measures.models import Instrument, MeasurementPlan
from samspil.measures.services.plans import PointSpec


class PlanSettingsForm(VersionedForm):
    class Meta:
        model = MeasurementPlan
        fields = ["reminder_days", "link_valid_days"]


class InstrumentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Instruments by their name in the active language (given by the view)."""

    def __init__(self, *args: Any, names: dict[int, str], **kwargs: Any) -> None:
        self.names = names
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Instrument) -> str:
        return self.names.get(obj.pk, obj.code)


class PointForm(forms.Form):
    instrument = InstrumentChoiceField(
        queryset=Instrument.objects.none(), names={}, label=_("Questionnaire"), required=False
    )
    respondent = forms.ChoiceField(
        label=_("Answered by"), choices=[("", "---------"), *Respondent.choices], required=False
    )
    at_entry = forms.BooleanField(label=_("At entry into the model"), required=False)
    every_months = forms.IntegerField(
        label=_("Then every (months)"), min_value=1, max_value=36, required=False
    )
    at_end = forms.BooleanField(label=_("At the end"), required=False)

    def __init__(
        self,
        *args: Any,
        instruments: QuerySet[Instrument],
        names: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, InstrumentChoiceField)
        field.queryset = instruments
        field.names = names

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("instrument") and not data.get("respondent"):
            self.add_error("respondent", _("Choose who answers."))
        if data.get("respondent") and not data.get("instrument"):
            self.add_error("instrument", _("Choose the questionnaire."))
        return data

    def spec(self) -> PointSpec | None:
        """The point this row describes; None for an empty or removed row."""
        data = self.cleaned_data
        if not data or data.get("DELETE") or not data.get("instrument"):
            return None
        return PointSpec(
            instrument=data["instrument"],
            respondent=data["respondent"],
            at_entry=bool(data.get("at_entry")),
            every_months=data.get("every_months"),
            at_end=bool(data.get("at_end")),
        )


PointFormSet = forms.formset_factory(PointForm, extra=1, can_delete=True)


def point_formset(
    data: Any,
    *,
    initial: list[dict[str, Any]],
    instruments: QuerySet[Instrument],
    names: dict[int, str],
) -> Any:
    return PointFormSet(
        data,
        initial=initial,
        prefix="points",
        form_kwargs={"instruments": instruments, "names": names},
    )
