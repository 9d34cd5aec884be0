"""The form of a collaboration meeting: when and where, who took part (staff, the family's
foster parents, others as text), what was shared about the child, the division of work and
the minutes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.core.forms import VersionedForm
from samspil.families.models import FosterParent
from samspil.transitions.models import CollaborationMeeting


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class StaffField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class ParentField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.first_name} {obj.last_name}"


class MeetingForm(VersionedForm):
    staff = StaffField(
        queryset=User.objects.none(),
        label=_("Staff present"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parents = ParentField(
        queryset=FosterParent.objects.none(),
        label=_("Foster parents present"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CollaborationMeeting
        fields = [
            "held_at",
            "place",
            "staff",
            "parents",
            "other_participants",
            "shared_about_child",
            "division_of_work",
            "minutes",
        ]
        widgets = {
            "held_at": DateTimeInput(),
            "other_participants": forms.Textarea(attrs={"rows": 2}),
            "shared_about_child": forms.Textarea(attrs={"rows": 5}),
            "division_of_work": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "shared_about_child": _(
                "Interests, needs, routines, what makes the child feel safe. The foster family sees it."
            ),
            "division_of_work": _("Who does what before, during and after the move."),
        }

    def __init__(
        self,
        *args: Any,
        staff: QuerySet[User],
        parents: QuerySet[FosterParent],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        self.fields["parents"].queryset = parents  # type: ignore[attr-defined]
        self.fields["held_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
