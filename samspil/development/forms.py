"""Forms of the development plan: the plan, a goal (with who is responsible as one choice), a
review, a progress note, linking a course, and the list's filters. They shape the input; the
services validate again and check permissions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import User
from samspil.competence.models import SupervisionCourse
from samspil.core.forms import DateInput, VersionedForm
from samspil.development.enums import CLOSED_STATUSES, GoalOwnerKind, GoalStatus
from samspil.development.models import DevelopmentPlan, Goal

FAMILY_OWNER = "family"


class PlanForm(VersionedForm):
    class Meta:
        model = DevelopmentPlan
        fields = ["purpose", "agreed_on"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 4}), "agreed_on": DateInput()}


def _person(user: User) -> str:
    return user.get_full_name() or user.get_username()


class GoalForm(VersionedForm):
    """A goal. "Responsible" is one choice: the foster family, or one of the people who may be
    responsible (`owners`); the goal's current owner stays a choice even if they no longer
    could be chosen."""

    responsible = forms.ChoiceField(label=_("Responsible"))

    class Meta:
        model = Goal
        fields = ["title", "description", "methods", "status", "review_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "methods": forms.Textarea(attrs={"rows": 4}),
            "review_on": DateInput(),
        }
        help_texts = {
            "review_on": _(
                "The consultant gets a task on the start page a week before. Not needed once "
                "the goal is achieved or dropped."
            )
        }

    field_order = ["title", "description", "methods", "responsible", "status", "review_on"]

    def __init__(self, *args: Any, owners: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = {user.pk: user for user in owners}
        current = self.instance.owner if self.instance.pk and self.instance.owner_id else None
        if current is not None:
            people.setdefault(current.pk, current)
        self._people = people
        responsible = self.fields["responsible"]
        assert isinstance(responsible, forms.ChoiceField)
        responsible.choices = [
            (FAMILY_OWNER, str(GoalOwnerKind.FAMILY.label)),
            *[(str(pk), _person(user)) for pk, user in people.items()],
        ]
        responsible.help_text = _(
            "The family itself, the consultant, or a specialist of an institution working "
            "with the family."
        )
        responsible.initial = str(current.pk) if current is not None else FAMILY_OWNER

    def owner_values(self) -> dict[str, Any]:
        """`owner_kind` and `owner` for the service, from the "responsible" choice."""
        choice = self.cleaned_data["responsible"]
        if choice == FAMILY_OWNER:
            return {"owner_kind": GoalOwnerKind.FAMILY, "owner": None}
        return {"owner_kind": GoalOwnerKind.PERSON, "owner": self._people[int(choice)]}

    def goal_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "methods": data["methods"],
            "status": data["status"],
            "review_on": data["review_on"],
            **self.owner_values(),
        }


class ReviewForm(forms.Form):
    """A review of one goal on the plan page: the status now, the next review, a note."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    review_on = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty when the goal is achieved or dropped."),
    )
    note = forms.CharField(
        label=_("How is it going? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Saved as a progress note, which the family and everyone on the plan read."),
    )

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", goal.version)
        initial.setdefault("status", goal.status)
        initial.setdefault("review_on", goal.review_on)
        kwargs.setdefault("auto_id", f"review-{goal.uuid}-%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status, review_on = cleaned.get("status"), cleaned.get("review_on")
        if status and status not in CLOSED_STATUSES and review_on is None:
            self.add_error("review_on", _("Set when the goal is reviewed next."))
        return cleaned


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Progress note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The family and everyone working with the plan can read it."),
    )

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"note-{goal.uuid}-%s")
        super().__init__(*args, **kwargs)


def _course_label(course: SupervisionCourse) -> str:
    title = course.title or str(course.get_kind_display())
    return f"{title} ({course.institution.name}, {course.get_status_display()})"


class LinkCourseForm(forms.Form):
    course = forms.ChoiceField(label=_("Supervision course"))

    def __init__(
        self, *args: Any, goal: Goal, courses: Iterable[SupervisionCourse], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", f"link-{goal.uuid}-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(course.uuid), _course_label(course)) for course in courses]


class PlanFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Family"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    mine = forms.BooleanField(label=_("Only my families"), required=False)
    due = forms.BooleanField(label=_("Reviews due within a week"), required=False)
