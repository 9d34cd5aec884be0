"""The period of the hotline statistics (`?start=&end=`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DateInput


class PeriodForm(forms.Form):
    """Both ends optional: missing ones default to the last 12 months
    (`selectors.statistics.make_period` checks the order and the length)."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To (included)"), required=False, widget=DateInput())
