"""Forms of a hotline's set-up: the hotline, a staffing rule, a rota member, unavailability, a
closure day. Choices are querysets the view computes from the policy (`selectors.hotlines`); the
services validate again. Forms that change the hotline carry the version the user saw."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.core.forms import DateInput
from samspil.hotline.enums import StaffedBy
from samspil.hotline.models import Hotline, boundaries_validator
from samspil.organisations.models import Collaboration, Institution, Municipality

_OPENING_LINE = re.compile(
    r"^\s*(?P<weekdays>[0-6]{1,7})\s+(?P<starts>\d{1,2}:\d{2})\s*[-–]\s*(?P<ends>\d{1,2}:\d{2})\s*$"
)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class VersionForm(forms.Form):
    """Carries the version of the hotline the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if version is not None:
            self.fields["version"].initial = version


def opening_text(entries: list[dict[str, Any]]) -> str:
    return "\n".join(f"{e['weekdays']} {e['starts']}-{e['ends']}" for e in entries)


def _time(value: str) -> str:
    hours, minutes = value.split(":")
    if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
        raise ValueError(value)
    return f"{int(hours):02d}:{int(minutes):02d}"


class HotlineForm(VersionForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    phone_number = forms.CharField(label=_("Phone number"), max_length=32)
    owner = forms.ChoiceField(
        label=_("Belongs to"), help_text=_("A municipality, or a collaboration of several.")
    )
    always_open = forms.BooleanField(label=_("Open 24/7"), required=False, initial=True)
    opening_hours = forms.CharField(
        label=_("Opening hours when not 24/7"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One line per period: weekdays as digits (0 = Monday … 6 = Sunday) and the hours, "
            "e.g. “01234 16:00-08:00” (until 08:00 the next morning) and “56 00:00-00:00” "
            "(all day)."
        ),
    )
    shift_boundaries = forms.CharField(
        label=_("Shift changes"),
        max_length=100,
        initial="08:00,16:00,23:00",
        validators=[boundaries_validator],
        help_text=_(
            "Times of day when one shift ends and the next begins, e.g. 08:00,16:00,23:00."
        ),
    )
    min_rest_hours = forms.IntegerField(
        label=_("Minimum rest between two shifts (hours)"), min_value=0, max_value=48, initial=11
    )
    max_shifts_per_period = forms.IntegerField(
        label=_("Maximum shifts per person in a rota period"), min_value=1, initial=20
    )
    team_leader = PersonChoiceField(
        queryset=User.objects.none(),
        label=_("Team leader"),
        required=False,
        help_text=_("Gets follow-ups of families without a fixed consultant, and escalations."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        municipalities: QuerySet[Municipality],
        collaborations: QuerySet[Collaboration],
        team_leaders: QuerySet[User],
        hotline: Hotline | None = None,
        **kwargs: Any,
    ) -> None:
        if hotline is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": hotline.name,
                    "phone_number": hotline.phone_number,
                    "owner": f"m:{hotline.municipality_id}"
                    if hotline.municipality_id
                    else f"c:{hotline.collaboration_id}",
                    "always_open": hotline.always_open,
                    "opening_hours": opening_text(hotline.opening_hours),
                    "shift_boundaries": hotline.shift_boundaries,
                    "min_rest_hours": hotline.min_rest_hours,
                    "max_shifts_per_period": hotline.max_shifts_per_period,
                    "team_leader": hotline.team_leader_id,
                    "active": hotline.active,
                },
            )
        super().__init__(*args, version=hotline.version if hotline else None, **kwargs)
        if hotline is None:
            del self.fields["version"]
        self._municipalities = {str(m.pk): m for m in municipalities}
        self._collaborations = {str(c.pk): c for c in collaborations}
        choices: list[tuple[str, str]] = [
            (f"m:{pk}", str(m.name)) for pk, m in self._municipalities.items()
        ]
        choices += [
            (f"c:{pk}", str(_("Collaboration: %(name)s") % {"name": c.name}))
            for pk, c in self._collaborations.items()
        ]
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = choices
        leader = self.fields["team_leader"]
        assert isinstance(leader, forms.ModelChoiceField)
        leader.queryset = team_leaders

    def clean_opening_hours(self) -> list[dict[str, str]]:
        entries = []
        for number, line in enumerate(str(self.cleaned_data["opening_hours"]).splitlines(), 1):
            if not line.strip():
                continue
            match = _OPENING_LINE.match(line)
            try:
                if match is None:
                    raise ValueError(line)
                entries.append(
                    {
                        "weekdays": "".join(sorted(set(match["weekdays"]))),
                        "starts": _time(match["starts"]),
                        "ends": _time(match["ends"]),
                    }
                )
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(number)d is not like “01234 16:00-08:00”.") % {"number": number}
                ) from None
        return entries

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opening = cleaned.get("opening_hours")
        if not cleaned.get("always_open") and not opening and "opening_hours" not in self.errors:
            self.add_error("opening_hours", _("Give the opening hours, or choose open 24/7."))
        return cleaned

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind, pk = str(data["owner"]).split(":")
        return {
            "name": data["name"],
            "phone_number": data["phone_number"].strip(),
            "municipality": self._municipalities[pk] if kind == "m" else None,
            "collaboration": self._collaborations[pk] if kind == "c" else None,
            "always_open": data["always_open"],
            "opening_hours": [] if data["always_open"] else data["opening_hours"],
            "shift_boundaries": ",".join(
                sorted({b.strip() for b in data["shift_boundaries"].split(",")})
            ),
            "min_rest_hours": data["min_rest_hours"],
            "max_shifts_per_period": data["max_shifts_per_period"],
            "team_leader": data["team_leader"],
            "active": data["active"],
        }


class StaffingRuleForm(VersionForm):
    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays"),
        choices=[(str(d), name) for d, name in WEEKDAYS.items()],
        widget=forms.CheckboxSelectMultiple,
        initial=[str(d) for d in range(7)],
    )
    starts = forms.TimeField(label=_("From"), widget=TimeInput())
    ends = forms.TimeField(
        label=_("Until"), widget=TimeInput(), help_text=_("Earlier than “from”: the next day.")
    )
    staffed_by = forms.ChoiceField(label=_("Staffed by"), choices=StaffedBy.choices)
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(),
        label=_("Institution"),
        required=False,
        help_text=_("When the institution staffs the hotline."),
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = institutions

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("staffed_by") == StaffedBy.INSTITUTION and not cleaned.get("institution"):
            self.add_error("institution", _("Choose the institution."))
        return cleaned


class RotaMemberForm(VersionForm):
    user = PersonChoiceField(queryset=User.objects.none(), label=_("Person"))
    max_shifts = forms.IntegerField(
        label=_("Maximum shifts per period"),
        required=False,
        min_value=0,
        help_text=_("Empty: the hotline's maximum."),
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates


class MemberUpdateForm(VersionForm):
    max_shifts = forms.IntegerField(
        label=_("Maximum shifts per period"), required=False, min_value=0
    )
    active = forms.BooleanField(label=_("On the rota"), required=False)


class UnavailabilityForm(forms.Form):
    user = PersonChoiceField(queryset=User.objects.none(), label=_("Person"))
    starts_at = forms.DateTimeField(label=_("From"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Until"), widget=DateTimeInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The period must end after it starts."))
        return cleaned


class ClosureDayForm(forms.Form):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(), label=_("Municipality")
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    every_year = forms.BooleanField(label=_("Every year"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities
        if municipalities.count() == 1:
            field.initial = municipalities.first()
