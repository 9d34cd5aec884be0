"""Forms of the advice log: advice given by the institution, a request from the family."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.transitions.enums import AdviceChannel
from samspil.transitions.forms.meetings import DateTimeInput
from samspil.transitions.models import Advice


class RequestChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.given_at:%d.%m.%Y}: {obj.topic}"


class AdviceForm(forms.Form):
    given_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Empty: now."),
    )
    channel = forms.ChoiceField(label=_("How"), choices=AdviceChannel.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    text = forms.CharField(label=_("The advice"), widget=forms.Textarea(attrs={"rows": 4}))
    in_reply_to = RequestChoiceField(
        queryset=Advice.objects.none(),
        label=_("Answers the family's request"),
        required=False,
        to_field_name="uuid",
    )

    def __init__(self, *args: Any, requests: list[Advice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["in_reply_to"]
        if requests:
            field.queryset = Advice.objects.filter(pk__in=[r.pk for r in requests])  # type: ignore[attr-defined]
        else:
            del self.fields["in_reply_to"]


class RequestForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    text = forms.CharField(
        label=_("What would you like advice about?"), widget=forms.Textarea(attrs={"rows": 4})
    )
