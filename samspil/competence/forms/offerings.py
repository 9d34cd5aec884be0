"""Forms for offerings, sessions and catalogues."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.competence.enums import PlaceKind, TimeSlot
from samspil.competence.models import Offering, Theme
from samspil.core.forms import DateInput, VersionedForm
from samspil.organisations.models import Institution, Municipality


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class OfferingForm(VersionedForm):
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.none(),
        label=_("Themes"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Offering
        fields = [
            "kind",
            "title",
            "description",
            "target_group",
            "themes",
            "responsible",
            "follows",
            "published",
        ]

    def __init__(
        self,
        *args: Any,
        themes: QuerySet[Theme],
        responsible: QuerySet[User],
        follows: QuerySet[Offering],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = responsible  # type: ignore[attr-defined]
        self.fields["follows"].queryset = follows  # type: ignore[attr-defined]
        self.fields["follows"].help_text = _(
            "E.g. a group supervision on a case that follows a talk on the same theme."
        )


class OfferingCreateForm(OfferingForm):
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), label=_("Institution")
    )
    field_order = ["institution"]

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        if institutions.count() == 1:
            self.fields["institution"].initial = institutions.first()
            self.fields["institution"].widget = forms.HiddenInput()


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start = forms.TimeField(label=_("Starts"), widget=TimeInput())
    end = forms.TimeField(label=_("Ends"), widget=TimeInput())
    place_kind = forms.ChoiceField(label=_("Place"), choices=PlaceKind.choices)
    place = forms.CharField(label=_("Address or room"), required=False, max_length=200)
    link = forms.URLField(
        label=_("Link for virtual sessions"), required=False, assume_scheme="https"
    )
    capacity = forms.IntegerField(label=_("Capacity (families)"), min_value=1, max_value=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The session must end after it starts."))
        if data.get("place_kind") == PlaceKind.VIRTUAL and not data.get("link"):
            self.add_error("link", _("A virtual session needs a link."))
        return data

    def values(self) -> dict[str, Any]:
        """The session's fields, with local date and times made aware."""
        data = self.cleaned_data
        day: dt.date = data["date"]
        return {
            "starts_at": timezone.make_aware(dt.datetime.combine(day, data["start"])),
            "ends_at": timezone.make_aware(dt.datetime.combine(day, data["end"])),
            "place_kind": data["place_kind"],
            "place": data["place"],
            "link": data["link"],
            "capacity": data["capacity"],
        }


class CatalogueFilterForm(forms.Form):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(), label=_("Municipality"), required=False
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(), label=_("Theme"), required=False, empty_label=_("All themes")
    )
    slot = forms.MultipleChoiceField(
        label=_("When"),
        required=False,
        choices=TimeSlot.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        municipalities: QuerySet[Municipality],
        themes: QuerySet[Theme],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["municipality"].to_field_name = "code"  # type: ignore[attr-defined]
        self.fields["theme"].queryset = themes  # type: ignore[attr-defined]
        if len(municipalities) < 2:
            del self.fields["municipality"]


class CatalogueManageForm(forms.Form):
    """One row's action on the leader's catalogue page."""

    ACTIONS = [
        ("link", _("Add to the catalogue")),
        ("mandatory", _("Make mandatory")),
        ("optional", _("Make optional")),
        ("unlink", _("Remove from the catalogue")),
    ]

    offering = forms.UUIDField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=ACTIONS)
