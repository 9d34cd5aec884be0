"""Forms of supervision: opening individual and group courses, referrals and the institution's
answer, the session log, extensions and closing. Choices are querysets the view computes from
the policy; the services validate again (the forms only shape the input)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.competence.enums import SupervisionKind, SupervisionLocation, SupervisionStatus
from samspil.competence.models import SupervisionCourse, SupervisionSession, Theme
from samspil.families.models import FosterFamily
from samspil.organisations.models import Institution


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class FamilyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class FamilyMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def themes_for_consultative() -> QuerySet[Theme]:
    """All themes, those meant for consultative courses first."""
    return Theme.objects.annotate(
        first=Case(
            When(for_consultative_courses=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("first", "name")


class CourseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *SupervisionStatus.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *SupervisionKind.choices]
    )
    whose = forms.ChoiceField(
        label=_("Courses"),
        required=False,
        choices=[
            ("mine", _("Courses I supervise")),
            ("institution", _("All of my institution's courses")),
        ],
    )


class _OpenForm(forms.ModelForm):  # type: ignore[type-arg]
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), label=_("Institution")
    )
    supervisor = PersonChoiceField(
        queryset=User.objects.none(),
        label=_("Supervisor"),
        help_text=_("A specialist of the chosen institution."),
    )

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        supervisors: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["supervisor"].queryset = supervisors  # type: ignore[attr-defined]
        self.fields["theme"].required = False
        if len(institutions) == 1:
            self.fields["institution"].initial = institutions[0]


class SupervisionCourseForm(_OpenForm):
    """An individual supervision course for one family."""

    family = FamilyChoiceField(
        queryset=FosterFamily.objects.none(), label=_("Family"), to_field_name="uuid"
    )
    field_order = ["family", "institution", "supervisor"]

    class Meta:
        model = SupervisionCourse
        fields = [
            "title",
            "theme",
            "problem",
            "goal",
            "planned_sessions",
            "session_hours",
            "location",
            "consultant_takes_part",
        ]
        help_texts = {
            "planned_sessions": _("E.g. 5 sessions of 1.5 hours or 3 sessions of 2.5 hours."),
            "consultant_takes_part": _("Ask the family whether it wants its consultant there."),
        }

    def __init__(self, *args: Any, families: QuerySet[FosterFamily], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("planned_sessions", 5)
        kwargs["initial"].setdefault("session_hours", Decimal("1.5"))
        kwargs["initial"].setdefault("location", SupervisionLocation.HOME)
        super().__init__(*args, **kwargs)
        self.fields["family"].queryset = families  # type: ignore[attr-defined]
        self.fields["problem"].required = True
        self.fields["goal"].required = True


class GroupCourseForm(_OpenForm):
    """Group supervision for several families of one municipality."""

    families = FamilyMultipleChoiceField(
        queryset=FosterFamily.objects.none(),
        label=_("Families"),
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
    )
    location = forms.ChoiceField(
        label=_("Location"),
        choices=[
            (SupervisionLocation.INSTITUTION, SupervisionLocation.INSTITUTION.label),
            (SupervisionLocation.MUNICIPAL, SupervisionLocation.MUNICIPAL.label),
        ],
    )
    field_order = ["title", "families", "institution", "supervisor"]

    class Meta:
        model = SupervisionCourse
        fields = ["title", "theme", "goal", "planned_sessions", "session_hours", "location"]
        help_texts = {
            "session_hours": _("Group supervision sessions last 2–3 hours."),
            "planned_sessions": _("E.g. 3–4 sessions a year."),
        }

    def __init__(self, *args: Any, families: QuerySet[FosterFamily], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("planned_sessions", 4)
        kwargs["initial"].setdefault("session_hours", Decimal("2.5"))
        super().__init__(*args, **kwargs)
        self.fields["families"].queryset = families  # type: ignore[attr-defined]
        self.fields["title"].required = True


class ReferralForm(forms.ModelForm):  # type: ignore[type-arg]
    """A consultant refers a family to a consultative course."""

    family = FamilyChoiceField(
        queryset=FosterFamily.objects.none(), label=_("Family"), to_field_name="uuid"
    )
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(),
        label=_("Institution"),
        help_text=_("One of the institutions the municipality selected for consultative courses."),
    )
    planned_sessions = forms.IntegerField(
        label=_("Conversations"),
        min_value=4,
        max_value=6,
        initial=4,
        help_text=_("4–6 supportive conversations in the family's home."),
    )
    field_order = ["family", "institution", "theme", "problem", "planned_sessions"]

    class Meta:
        model = SupervisionCourse
        fields = ["theme", "problem", "planned_sessions", "session_hours", "consultant_takes_part"]
        labels = {"problem": _("The difficulty (what the institution sees before accepting)")}
        help_texts = {
            "problem": _(
                "The institution sees the family's name, the municipality, the theme and this "
                "text until it accepts. Write only what it needs to decide."
            )
        }

    def __init__(
        self,
        *args: Any,
        families: QuerySet[FosterFamily],
        institutions: QuerySet[Institution],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("session_hours", Decimal("2"))
        super().__init__(*args, **kwargs)
        self.fields["family"].queryset = families  # type: ignore[attr-defined]
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["theme"].queryset = themes_for_consultative()  # type: ignore[attr-defined]
        self.fields["theme"].required = True
        self.fields["problem"].required = True
        if len(institutions) == 1:
            self.fields["institution"].initial = institutions[0]


class _VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, course: SupervisionCourse, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("version", course.version)
        # Several of these forms share a page: element ids must stay unique.
        kwargs.setdefault("auto_id", f"{type(self).__name__.lower()}_%s")
        super().__init__(*args, **kwargs)


class AcceptReferralForm(_VersionForm):
    supervisor = PersonChoiceField(queryset=User.objects.none(), label=_("Supervisor"))
    goal = forms.CharField(
        label=_("Goal (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The goal can also be agreed with the family at the first conversation."),
    )

    def __init__(self, *args: Any, supervisors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors  # type: ignore[attr-defined]


class DeclineReferralForm(_VersionForm):
    decline_reason = forms.CharField(
        label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 3})
    )


class SessionForm(forms.ModelForm):  # type: ignore[type-arg]
    delivered_by = PersonChoiceField(queryset=User.objects.none(), label=_("Delivered by"))
    attended = FamilyMultipleChoiceField(
        queryset=FosterFamily.objects.none(),
        label=_("Families who attended"),
        required=False,
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SupervisionSession
        fields = [
            "starts_at",
            "hours",
            "location",
            "consultant_present",
            "shared_notes",
            "private_notes",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "shared_notes": forms.Textarea(attrs={"rows": 4}),
            "private_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args: Any,
        course: SupervisionCourse,
        families: QuerySet[FosterFamily],
        staff: QuerySet[User],
        actor: User,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("hours", course.session_hours)
        initial.setdefault("location", course.location)
        initial.setdefault("attended", [f.uuid for f in families])
        initial.setdefault("delivered_by", actor.pk)
        initial.setdefault("consultant_present", course.consultant_takes_part)
        super().__init__(*args, **kwargs)
        self.fields["delivered_by"].queryset = staff  # type: ignore[attr-defined]
        self.fields["attended"].queryset = families  # type: ignore[attr-defined]


class ExtendForm(_VersionForm):
    added_sessions = forms.IntegerField(label=_("Sessions to add"), min_value=1, max_value=52)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(_VersionForm):
    goal_rating = forms.TypedChoiceField(
        label=_("Goal attainment"),
        coerce=int,
        choices=[
            ("", "—"),
            (1, _("1 – not reached")),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, _("5 – fully reached")),
        ],
    )
    closing_summary = forms.CharField(
        label=_("Closing summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent to the family's fixed consultant."),
    )
