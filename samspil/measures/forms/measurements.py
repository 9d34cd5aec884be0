"""Forms of due measurements: the list's filters, an extra measurement, an answer link, and
cancelling."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DateInput
from samspil.families.models import Child
from samspil.measures.enums import MeasurementStatus
from samspil.measures.models import Instrument


class MeasurementFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("open", _("Due or link sent")),
            (MeasurementStatus.DUE, _("Due (no link yet)")),
            (MeasurementStatus.SENT, _("Link sent")),
            (MeasurementStatus.ANSWERED, _("Answered")),
            (MeasurementStatus.CANCELLED, _("Cancelled")),
            ("all", _("All")),
        ],
    )
    mine = forms.BooleanField(label=_("Only my families"), required=False)


class ExtraMeasurementForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Questionnaire"))
    child = forms.ChoiceField(
        label=_("About the child"),
        required=False,
        help_text=_("For a questionnaire about a child."),
    )
    due_on = forms.DateField(label=_("Due"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        instruments: list[tuple[Instrument, str, str]],
        children: list[Child],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instruments = {str(i.pk): i for i, _name, _subject in instruments}
        self.children = {str(c.uuid): c for c in children}
        self.fields["instrument"].choices = [  # type: ignore[attr-defined]
            ("", "---------"),
            *((str(i.pk), name) for i, name, _subject in instruments),
        ]
        self.fields["child"].choices = [  # type: ignore[attr-defined]
            ("", "---------"),
            *((str(c.uuid), f"{c.first_name} {c.last_name}") for c in children),
        ]

    def clean_instrument(self) -> Instrument:
        return self.instruments[self.cleaned_data["instrument"]]

    def clean_child(self) -> Child | None:
        value = self.cleaned_data.get("child")
        return self.children.get(value) if value else None


class LinkForm(forms.Form):
    recipient_name = forms.CharField(label=_("Name of the person who answers"), max_length=200)
    recipient_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Leave it empty for a child: you get the link to hand over."),
    )
    send = forms.BooleanField(label=_("Send the link by e-mail"), required=False)


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
