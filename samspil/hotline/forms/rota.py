"""Forms of the rota: the period shown, generating a period, overriding a shift's person and
swapping two shifts. The shift forms carry the version of each shift the manager saw, and a
"change anyway" box to confirm a change that breaks a rule."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.core.forms import DateInput
from samspil.hotline.forms.hotlines import PersonChoiceField
from samspil.hotline.models import Shift

MAX_DAYS_SHOWN = 31


class PeriodShownForm(forms.Form):
    """?start=YYYY-MM-DD&days=7 on the rota page (today and a week when missing or wrong)."""

    start = forms.DateField(required=False)
    days = forms.IntegerField(required=False, min_value=1, max_value=MAX_DAYS_SHOWN)

    def period(self) -> tuple[dt.date, int]:
        if not self.is_valid():
            return timezone.localdate(), 7
        return (
            self.cleaned_data["start"] or timezone.localdate(),
            self.cleaned_data["days"] or 7,
        )


class GenerateForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=DateInput())
    last_day = forms.DateField(label=_("Until"), widget=DateInput())
    allow_gaps = forms.BooleanField(
        label=_("Leave hours nobody can take as gaps"),
        required=False,
        help_text=_("Otherwise nothing is stored when the period cannot be covered."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The period ends before it starts."))
        return cleaned


class OverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    person = PersonChoiceField(
        queryset=User.objects.none(),
        label=_("Person on duty"),
        required=False,
        empty_label=_("Nobody (leave a gap)"),
    )
    confirm = forms.BooleanField(
        label=_("Change anyway"),
        required=False,
        help_text=_("Make the change even if it breaks a rule (rest, another shift, maximum)."),
    )

    def __init__(self, *args: Any, shift: Shift, members: QuerySet[User], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": shift.version, "person": shift.person_id})
        kwargs["prefix"] = "override"
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


def _swap_label(shift: Shift) -> str:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    who = (shift.person.get_full_name() or shift.person.username) if shift.person else "—"
    return f"{start:%d.%m. %H:%M}–{end:%H:%M} · {who}"


class SwapForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    other = forms.ChoiceField(label=_("Swap with"))
    confirm = forms.BooleanField(
        label=_("Change anyway"),
        required=False,
        help_text=_("Make the change even if it breaks a rule (rest, another shift, maximum)."),
    )

    def __init__(self, *args: Any, shift: Shift, candidates: list[Shift], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": shift.version})
        kwargs["prefix"] = "swap"
        super().__init__(*args, **kwargs)
        other = self.fields["other"]
        assert isinstance(other, forms.ChoiceField)
        # The value names the version of the other shift the manager saw.
        other.choices = [(f"{s.uuid}:{s.version}", _swap_label(s)) for s in candidates]

    def other_shift(self) -> tuple[uuid.UUID, int]:
        value, version = str(self.cleaned_data["other"]).split(":")
        return uuid.UUID(value), int(version)
