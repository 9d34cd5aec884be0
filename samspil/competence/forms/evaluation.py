"""The family's short evaluation: three ratings from 1 to 5 and an optional comment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SCORE_CHOICES = [
    (1, _("1 – not at all")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – very much")),
]


def _rating(label: StrOrPromise, help_text: StrOrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )


class EvaluationForm(forms.Form):
    delivery = _rating(_("Delivery"), _("Was it well presented and well organised?"))
    usefulness = _rating(
        _("Usefulness"), _("Can you use what you learned in your everyday life with the child?")
    )
    behaviour_change = _rating(
        _("Behaviour change"), _("Have you done something differently because of it?")
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional. Staff see comments without your name, and only together with at least "
            "two other families' answers."
        ),
    )
