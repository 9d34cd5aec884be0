"""Forms of hotline follow-ups: completing one (what was done), and the list's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.hotline.enums import FollowUpStatus


class CompleteFollowUpForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("E.g. called the foster mother, agreed on a visit on Thursday."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FollowUpFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[*FollowUpStatus.choices, ("all", _("All"))],
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)
