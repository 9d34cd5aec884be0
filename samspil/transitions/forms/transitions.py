"""Forms of transitions: the list's filters, finding the child and the family, creating a
transition, editing it, changing its status, and the child's involvement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.core.forms import DateInput, VersionedForm
from samspil.organisations.models import Institution
from samspil.transitions.enums import InvolvementMethod, TransitionStatus
from samspil.transitions.models import ChildInvolvement, Transition


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class InstitutionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class TransitionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open")), *TransitionStatus.choices, ("all", _("All"))],
    )
    q = forms.CharField(
        label=_("Child, family or institution"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(),
    )
    mine = forms.BooleanField(label=_("Only where I am the consultant"), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )

    def query(self) -> str:
        return str(self.cleaned_data["q"]).strip() if self.is_valid() else ""


class TransitionCreateForm(forms.Form):
    """The child and the family are chosen before (by search) and carried in the address."""

    institution = InstitutionChoiceField(
        queryset=Institution.objects.none(),
        label=_("The institution the child moves from"),
    )
    planned_move_on = forms.DateField(
        label=_("Planned moving day"),
        required=False,
        widget=DateInput(),
        help_text=_("The plan's due dates are counted from it; you can set it later."),
    )
    consultant = PersonChoiceField(
        queryset=User.objects.none(), label=_("Responsible consultant"), required=False
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the professionals only: the foster family does not see them."),
    )

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        consultants: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["consultant"].queryset = consultants  # type: ignore[attr-defined]


class TransitionEditForm(VersionedForm):
    consultant = PersonChoiceField(
        queryset=User.objects.none(), label=_("Responsible consultant"), required=False
    )

    class Meta:
        model = Transition
        fields = ["planned_move_on", "consultant", "internal_notes"]
        widgets = {
            "planned_move_on": DateInput(),
            "internal_notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, consultants: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    """Move the transition on (the statuses offered are those that may follow)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("New status"), choices=[])
    on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DateInput(),
        help_text=_("The moving day, or the day the transition ends. Empty: today."),
    )
    reason = forms.CharField(label=_("Reason (when cancelling)"), required=False, max_length=300)

    def __init__(
        self, *args: Any, transition: Transition, statuses: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(TransitionStatus.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in statuses]  # type: ignore[attr-defined]
        self.fields["version"].initial = transition.version


class InvolvementForm(VersionedForm):
    methods = forms.MultipleChoiceField(
        label=_("Methods used"),
        required=False,
        choices=InvolvementMethod.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ChildInvolvement
        fields = ["methods", "other_methods", "child_views", "views_shared_with_family"]
        widgets = {
            "other_methods": forms.Textarea(attrs={"rows": 2}),
            "child_views": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "child_views": _("In the child's own words where possible: wishes, worries, hopes."),
        }
