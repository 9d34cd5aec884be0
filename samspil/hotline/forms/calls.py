"""Forms of hotline calls: the family search, registering a call (phone first: few fields,
big touch targets) and completing a stub or linking a family later."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.families.models import FosterFamily
from samspil.hotline.enums import CallAction, CallerRole, Urgency
from samspil.hotline.models import Call, CallTopic

LOCAL_MINUTES = "%Y-%m-%dT%H:%M"


class FamilySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the family"),
        required=False,
        max_length=100,
        help_text=_("Name, phone number or address."),
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "autocapitalize": "off"}
        ),
    )


class CallForm(forms.Form):
    """What the person on duty records. The family is chosen by the search above the form
    (a hidden field; empty for an unknown number)."""

    family = forms.ModelChoiceField(
        queryset=FosterFamily.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose the family again: it was not found.")},
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=CallTopic.objects.none(), empty_label=_("Choose a topic")
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    caller_role = forms.ChoiceField(
        label=_("Who called"),
        choices=CallerRole.choices,
        initial=CallerRole.FOSTER_PARENT,
        widget=forms.RadioSelect,
    )
    advice = forms.CharField(
        label=_("Advice given"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    actions = forms.MultipleChoiceField(
        label=_("Further action taken"),
        required=False,
        choices=CallAction.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    received_at = forms.DateTimeField(
        label=_("Received"),
        required=False,
        input_formats=[LOCAL_MINUTES, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTES),
        help_text=_("Now, unless you register a call from earlier."),
    )
    caller_name = forms.CharField(label=_("Caller's name"), required=False, max_length=200)
    caller_phone = forms.CharField(
        label=_("Caller's number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    # Fields shown folded under "More details" (opened when one of them has an error).
    more_fields: tuple[str, ...] = ("received_at", "caller_name", "caller_phone", "notes")

    def __init__(
        self,
        *args: Any,
        families: QuerySet[FosterFamily],
        topics: QuerySet[CallTopic],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family"].queryset = families  # type: ignore[attr-defined]
        self.fields["topic"].queryset = topics  # type: ignore[attr-defined]
        if "received_at" in self.fields and not self.is_bound:
            self.fields["received_at"].initial = timezone.localtime().replace(
                second=0, microsecond=0
            )

    @property
    def more_open(self) -> bool:
        return any(name in self.errors for name in self.more_fields)

    def values(self) -> dict[str, Any]:
        """The call's fields for `services.calls.register_call`/`complete_call`."""
        data = self.cleaned_data
        return {
            "topic": data["topic"],
            "urgency": data["urgency"],
            "caller_role": data["caller_role"],
            "caller_name": data["caller_name"],
            "caller_phone": data["caller_phone"],
            "advice": data["advice"],
            "actions": list(data["actions"]),
            "notes": data["notes"],
        }

    def received(self) -> dt.datetime:
        """When the call came in: as typed, else now."""
        received: dt.datetime | None = self.cleaned_data.get("received_at")
        return received or timezone.now()


class CompleteCallForm(CallForm):
    """Completing a stub (or a call without a family): the time is the telephony system's and
    stays; the version guards against two people completing it at once."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    more_fields = ("caller_name", "caller_phone", "notes")

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        if not args or args[0] is None:
            kwargs.setdefault(
                "initial",
                {
                    "version": call.version,
                    "topic": call.topic_id,
                    "urgency": call.urgency,
                    "caller_role": call.caller_role or CallerRole.FOSTER_PARENT,
                    "caller_name": call.caller_name,
                    "caller_phone": call.caller_phone,
                    "advice": call.advice,
                    "actions": call.actions,
                    "notes": call.notes,
                },
            )
        super().__init__(*args, **kwargs)
        del self.fields["received_at"]
