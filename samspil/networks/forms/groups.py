"""Forms of network groups: creating a group by hand, its settings, members, contact family,
phase and end, meetings with attendance and minutes, topics, and a family's consent. Choices
are querysets the view computes from the policy, or records the page has read already
(`RecordChoiceField`, so rendering them takes no query); families to add are found with
`FamilySearchForm` rather than listed. The services validate again (the forms only shape the
input)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.competence.enums import TimeSlot
from samspil.core.forms import DateInput, VersionedForm
from samspil.families.models import FosterFamily
from samspil.networks.models import Meeting, NetworkGroup
from samspil.organisations.models import Municipality


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class FamilyMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Families by uuid; `labels` (family id → text) replaces the name where the user may not
    see it (attendance of members who did not share their details)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.labels: dict[int, str] = {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.labels.get(obj.pk, str(obj.name))


class FamilyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RecordChoiceField(forms.ChoiceField):
    """One of records already read (`set_records`), by uuid: rendering takes no query, and
    the cleaned value is the record (None when empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.records: dict[str, Any] = {}
        super().__init__(*args, **kwargs)

    def set_records(self, records: Iterable[Any], label: Callable[[Any], str]) -> None:
        self.records = {str(record.uuid): record for record in records}
        self.choices = [("", "---------")] + [(key, label(r)) for key, r in self.records.items()]

    def clean(self, value: Any) -> Any:
        key = super().clean(value)
        return self.records.get(str(key)) if key else None


class FamilySearchForm(forms.Form):
    """Finds families by name, city or postcode (a short list; see `selectors.choices`)."""

    q = forms.CharField(
        label=_("Search by name, city or postcode"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )

    def query(self) -> str:
        return str(self.cleaned_data["q"]) if self.is_valid() else ""


class GroupFilterForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("Phase"),
        required=False,
        choices=[
            ("", _("All phases")),
            ("facilitated", _("Facilitated")),
            ("self_running", _("Self-running")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("ended", _("Ended")), ("all", _("All"))],
    )


class GroupCreateForm(forms.Form):
    """A network group composed by hand (the optimiser's proposals create groups too)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(), label=_("Municipality")
    )
    # Validated against the families `user` may add; the page renders the chosen ones and a
    # search (never every family, hence no widget that lists the choices).
    families = FamilyMultipleChoiceField(
        queryset=FosterFamily.objects.none(),
        label=_("Families"),
        to_field_name="uuid",
        widget=forms.MultipleHiddenInput,
        help_text=_("Families you can see that are not in an active network group."),
    )
    facilitator = PersonChoiceField(
        queryset=User.objects.none(),
        label=_("Facilitator"),
        help_text=_(
            "A consultant of the municipality or staff of an institution collaborating with it."
        ),
    )
    meeting_slot = forms.ChoiceField(label=_("Meeting time"), choices=TimeSlot.choices)
    cadence_days = forms.IntegerField(
        label=_("Days between meetings"),
        min_value=7,
        max_value=365,
        help_text=_("30 is monthly."),
    )
    started_on = forms.DateField(label=_("Start"), widget=DateInput(), required=False)

    def __init__(
        self,
        *args: Any,
        municipalities: QuerySet[Municipality],
        families: QuerySet[FosterFamily],
        facilitators: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["families"].queryset = families  # type: ignore[attr-defined]
        self.fields["facilitator"].queryset = facilitators  # type: ignore[attr-defined]
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0]


class _GroupActionForm(forms.Form):
    """A form acting on a group, carrying the version the user saw. Several share a page, so
    element ids are prefixed with the form's name."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, group: NetworkGroup, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("version", group.version)
        kwargs.setdefault("auto_id", f"{type(self).__name__.lower()}_%s")
        super().__init__(*args, **kwargs)


class GroupSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = NetworkGroup
        fields = ["name", "cadence_days", "facilitated_meetings", "meeting_slot"]
        help_texts = {
            "cadence_days": _("30 is monthly."),
            "facilitated_meetings": _(
                "Once this many meetings were held, the page suggests letting the group run itself."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "settings_%s")
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def _post_clean(self) -> None:
        # The service applies and validates the values; the group stays as it is until then.
        pass


class AddMemberForm(_GroupActionForm):
    """Validates the family chosen from a search's results (each has its own button)."""

    family = FamilyChoiceField(
        queryset=FosterFamily.objects.none(),
        label=_("Family"),
        to_field_name="uuid",
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, families: QuerySet[FosterFamily], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family"].queryset = families  # type: ignore[attr-defined]


class RemoveMemberForm(_GroupActionForm):
    family = forms.UUIDField(widget=forms.HiddenInput)
    left_on = forms.DateField(label=_("Left on"), widget=DateInput(), required=False)


class ContactFamilyForm(_GroupActionForm):
    family = RecordChoiceField(
        label=_("Contact family"),
        required=False,
        help_text=_("Runs the meetings once the group runs itself."),
    )

    def __init__(self, *args: Any, families: Iterable[FosterFamily], **kwargs: Any) -> None:
        """`families`: the current members (read already)."""
        families = list(families)
        group: NetworkGroup = kwargs["group"]
        if group.contact_family_id is not None:
            kwargs.setdefault("initial", {}).setdefault(
                "family",
                next((str(f.uuid) for f in families if f.pk == group.contact_family_id), None),
            )
        super().__init__(*args, **kwargs)
        self.fields["family"].set_records(families, _family_name)  # type: ignore[attr-defined]


class SelfRunningForm(_GroupActionForm):
    pass


class EndGroupForm(_GroupActionForm):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput(), required=False)


class MeetingForm(VersionedForm):
    """Plan or change a meeting: when, physical with a place or virtual with a link, agenda."""

    link = forms.URLField(
        label=_("Link for virtual meetings"),
        required=False,
        assume_scheme="https",
        help_text=_("For a virtual meeting."),
    )

    class Meta:
        model = Meeting
        fields = ["starts_at", "ends_at", "mode", "place", "link", "agenda"]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "mode": forms.RadioSelect,
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"place": _("For a physical meeting.")}

    def _post_clean(self) -> None:
        # The service validates the instance (with the group); the form only shapes the input.
        pass


class AttendanceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    attendees = FamilyMultipleChoiceField(
        queryset=FosterFamily.objects.none(),
        label=_("Families present"),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(
        label=_("Short minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the group talked about; the members read it."),
    )

    def __init__(
        self,
        *args: Any,
        meeting: Meeting,
        families: QuerySet[FosterFamily],
        labels: dict[int, str],
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", meeting.version)
        initial.setdefault("minutes", meeting.minutes)
        if meeting.attendance_recorded:
            initial.setdefault("attendees", [f.uuid for f in meeting.attendees.all()])
        kwargs.setdefault("auto_id", "attendance_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        field.queryset = families  # type: ignore[attr-defined]
        field.labels = labels  # type: ignore[attr-defined]


class CancelMeetingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("version", meeting.version)
        kwargs.setdefault("auto_id", "cancel_%s")
        super().__init__(*args, **kwargs)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    meeting = RecordChoiceField(label=_("For the meeting"), required=False)

    def __init__(
        self, *args: Any, meetings: Iterable[Meeting] | None = None, **kwargs: Any
    ) -> None:
        """`meetings`: the group's open meetings (read already), or None for a member family
        suggesting a topic."""
        kwargs.setdefault("auto_id", "topic_%s")
        super().__init__(*args, **kwargs)
        if meetings is None:
            del self.fields["meeting"]
        else:
            self.fields["meeting"].set_records(meetings, _meeting_label)  # type: ignore[attr-defined]


class ChooseTopicForm(forms.Form):
    meeting = RecordChoiceField(label=_("For the meeting"), required=False)

    def __init__(self, *args: Any, meetings: Iterable[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].set_records(meetings, _meeting_label)  # type: ignore[attr-defined]


class ConsentForm(forms.Form):
    shares = forms.BooleanField(required=False)


def _family_name(family: FosterFamily) -> str:
    return str(family.name)


def _meeting_label(meeting: Meeting) -> str:
    return f"{timezone.localtime(meeting.starts_at):%d.%m.%Y %H:%M}"
