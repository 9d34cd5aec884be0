"""Forms of pools for network groups: creating a pool, adding families, recording a "must not be
together" pair, and the proposal's actions (pin, move, exclude, compute, accept). Choices are
querysets the view computes from the policy; the services validate again. Every form that
changes the pool carries the version the user saw (`version`), so a concurrent change is
refused rather than overwritten."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.families.models import FosterFamily
from samspil.organisations.models import Collaboration, Institution, Municipality


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class FamilyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class VersionForm(forms.Form):
    """Carries the version of the pool the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if version is not None:
            self.fields["version"].initial = version


class PoolForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("E.g. “Network groups, autumn 2026”."),
    )
    owner = forms.ChoiceField(label=_("Owner"))
    collaboration = forms.ModelChoiceField(
        queryset=Collaboration.objects.none(),
        label=_("Collaboration"),
        required=False,
        help_text=_(
            "Families from all the collaboration's municipalities may be grouped together."
        ),
    )
    min_size = forms.IntegerField(label=_("Smallest group"), min_value=2, max_value=30)
    max_size = forms.IntegerField(label=_("Largest group"), min_value=2, max_value=30)

    def __init__(
        self,
        *args: Any,
        municipalities: QuerySet[Municipality],
        institutions: QuerySet[Institution],
        collaborations: QuerySet[Collaboration],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._municipalities = {str(m.pk): m for m in municipalities}
        self._institutions = {str(i.pk): i for i in institutions}
        choices = [(f"m:{pk}", m.name) for pk, m in self._municipalities.items()]
        choices += [(f"i:{pk}", i.name) for pk, i in self._institutions.items()]
        owner = self.fields["owner"]
        owner.choices = choices  # type: ignore[attr-defined]
        if len(choices) == 1:
            owner.initial = choices[0][0]
            owner.widget = forms.HiddenInput()
        self.fields["collaboration"].queryset = collaborations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_size"), data.get("max_size")
        if low is not None and high is not None and high < low:
            self.add_error("max_size", _("The largest group cannot be smaller than the smallest."))
        return data

    def owner_records(self) -> tuple[Municipality | None, Institution | None]:
        kind, _sep, pk = str(self.cleaned_data["owner"]).partition(":")
        if kind == "m":
            return self._municipalities[pk], None
        return None, self._institutions[pk]


class AddFamiliesForm(VersionForm):
    families = forms.ModelMultipleChoiceField(
        queryset=FosterFamily.objects.none(),
        label=_("Families"),
        to_field_name="uuid",
        error_messages={"required": _("Choose at least one family.")},
    )

    def __init__(self, *args: Any, families: QuerySet[FosterFamily], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["families"].queryset = families  # type: ignore[attr-defined]

    def chosen(self) -> set[str]:
        """The uuids the user ticked (kept when the form is shown again with an error)."""
        return set(self.data.getlist("families")) if hasattr(self.data, "getlist") else set()


class FamilySearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name, city or postcode"), required=False)


class SeparationForm(forms.Form):
    family_a = FamilyChoiceField(
        queryset=FosterFamily.objects.none(), label=_("Family"), to_field_name="uuid"
    )
    family_b = FamilyChoiceField(
        queryset=FosterFamily.objects.none(),
        label=_("must not be in a group with"),
        to_field_name="uuid",
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text=_("Seen by the staff who compose groups, never by the families."),
    )

    def __init__(self, *args: Any, families: QuerySet[FosterFamily], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family_a"].queryset = families  # type: ignore[attr-defined]
        self.fields["family_b"].queryset = families  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("family_a") is not None and data.get("family_a") == data.get("family_b"):
            self.add_error("family_b", _("Choose two different families."))
        return data


class MoveForm(VersionForm):
    group = forms.TypedChoiceField(label=_("Move to"), coerce=int)

    def __init__(self, *args: Any, groups: int, current: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            (n, _("Group %(number)d") % {"number": n}) for n in range(1, groups + 1) if n != current
        ]


class AcceptForm(VersionForm):
    facilitator = PersonChoiceField(
        queryset=User.objects.none(),
        label=_("Facilitator"),
        help_text=_("Facilitates the first meetings of every group."),
    )

    def __init__(
        self,
        *args: Any,
        facilitators: QuerySet[User],
        names: list[str],
        actor: User,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators  # type: ignore[attr-defined]
        self.fields["facilitator"].initial = actor.pk
        for number, name in enumerate(names, start=1):
            self.fields[f"name_{number}"] = forms.CharField(
                label=_("Name of group %(number)d") % {"number": number},
                max_length=200,
                initial=name,
            )

    def group_names(self) -> list[str]:
        names = []
        number = 1
        while f"name_{number}" in self.fields:
            names.append(self.cleaned_data.get(f"name_{number}", ""))
            number += 1
        return names
