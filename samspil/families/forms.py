from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.core.forms import DateInput, VersionedForm
from samspil.families.cpr import normalise_cpr
from samspil.families.enums import FamilyKind
from samspil.families.models import Child, FosterFamily, FosterParent, Placement
from samspil.families.services import CHILD_FIELDS, FAMILY_FIELDS, PARENT_FIELDS, PLACEMENT_FIELDS
from samspil.organisations.models import Municipality


class FamilyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *FamilyKind.choices]
    )
    preference = forms.ChoiceField(
        label=_("Preferred time"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("weekday_daytime", _("Weekday daytime")),
            ("evenings", _("Evenings")),
            ("weekends", _("Weekends")),
        ],
    )
    mine = forms.BooleanField(label=_("Only my families"), required=False)


class FamilyForm(VersionedForm):
    class Meta:
        model = FosterFamily
        fields = FAMILY_FIELDS
        widgets = {
            "approved_on": DateInput(),
            "in_model_since": DateInput(),
            "in_model_until": DateInput(),
        }


class FamilyCreateForm(FamilyForm):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(), label=_("Municipality")
    )
    consultant = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Fixed consultant"))

    field_order = ["municipality", "consultant"]

    def __init__(self, *args: Any, municipalities: Any, consultants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["consultant"].queryset = consultants  # type: ignore[attr-defined]
        if municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first()


class ParentForm(VersionedForm):
    class Meta:
        model = FosterParent
        fields = PARENT_FIELDS


class ChildForm(VersionedForm):
    cpr = forms.CharField(
        label=_("CPR number"),
        required=False,
        max_length=11,
        help_text=_("Optional. Stored encrypted. Leave empty to keep the current number."),
    )
    clear_cpr = forms.BooleanField(label=_("Remove the CPR number"), required=False)

    class Meta:
        model = Child
        fields = CHILD_FIELDS
        widgets = {"date_of_birth": DateInput()}

    def __init__(self, *args: Any, case_workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_worker"].queryset = case_workers  # type: ignore[attr-defined]
        if not self.instance.pk:
            del self.fields["clear_cpr"]

    def clean_cpr(self) -> str:
        value: str = self.cleaned_data.get("cpr", "").strip()
        return normalise_cpr(value) if value else ""

    def cpr_value(self) -> str | None:
        """None keeps the stored number, "" removes it, ten digits set it."""
        if self.cleaned_data.get("clear_cpr"):
            return ""
        return self.cleaned_data.get("cpr") or None


class ChildCreateForm(ChildForm):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(), label=_("Acting municipality")
    )
    field_order = ["municipality"]

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        if municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first()


class PlacementForm(VersionedForm):
    class Meta:
        model = Placement
        fields = PLACEMENT_FIELDS
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("ends_on") and not data.get("end_reason"):
            self.add_error("end_reason", _("Give the reason the placement ended."))
        if data.get("end_reason") and not data.get("ends_on"):
            self.add_error("ends_on", _("A placement with an end reason needs an end date."))
        return data


class PlacementCreateForm(PlacementForm):
    child = forms.ModelChoiceField(queryset=Child.objects.none(), label=_("Child"))
    field_order = ["child"]

    def __init__(self, *args: Any, children: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children  # type: ignore[attr-defined]


class ReassignConsultantForm(forms.Form):
    consultant = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("New fixed consultant")
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args: Any, consultants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants  # type: ignore[attr-defined]
