"""Forms for enrolment and attendance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samspil.competence.enums import Attendance
from samspil.competence.models import Enrolment
from samspil.families.models import FosterFamily


class EnrolForm(forms.Form):
    """Whom to enrol: a consultant or leader chooses the family; a foster parent's own family
    is implied."""

    family = forms.ModelChoiceField(
        queryset=FosterFamily.objects.none(),
        label=_("Family"),
        to_field_name="uuid",
        error_messages={"invalid_choice": _("You cannot enrol this family.")},
    )

    def __init__(self, *args: Any, families: QuerySet[FosterFamily], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family"].queryset = families  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    """One choice per family with a place: attended, did not show up, or not registered."""

    def __init__(self, *args: Any, enrolments: list[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        for enrolment in enrolments:
            self.fields[self.field_name(enrolment)] = forms.ChoiceField(
                label=enrolment.family.name,
                required=False,
                choices=[("", _("Not registered")), *Attendance.choices],
                initial=enrolment.attendance,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def field_name(enrolment: Enrolment) -> str:
        return f"attendance_{enrolment.uuid}"

    def rows(self) -> list[tuple[Enrolment, forms.BoundField]]:
        return [(e, self[self.field_name(e)]) for e in self.enrolments]

    def marks(self) -> dict[Any, str]:
        return {e.uuid: self.cleaned_data[self.field_name(e)] for e in self.enrolments}
