"""Reads of discharge plan templates: the municipality's own template or, without one, the
shipped default (`default_plan.py`). Templates are not personal data: not audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from samspil.core.types import UserLike
from samspil.organisations.models import Municipality
from samspil.transitions import rules
from samspil.transitions.default_plan import StepSpec, default_steps
from samspil.transitions.models import DischargePlanTemplate


@dataclass(frozen=True)
class TemplateView:
    municipality: Municipality
    template: DischargePlanTemplate | None
    steps: list[StepSpec]

    @property
    def is_default(self) -> bool:
        return self.template is None

    @property
    def version(self) -> int:
        """The version an edit starts from: 0 while the default applies."""
        return self.template.version if self.template is not None else 0


def template_for(municipality: Municipality) -> TemplateView:
    """The template new plans in `municipality` are copied from (two queries at most)."""
    template = (
        DischargePlanTemplate.objects.filter(municipality=municipality)
        .select_related("updated_by")
        .first()
    )
    if template is None:
        return TemplateView(municipality=municipality, template=None, steps=default_steps())
    steps = [
        StepSpec(step.phase, step.text, step.responsible, step.offset_days)
        for step in template.steps.all()
    ]
    return TemplateView(municipality=municipality, template=template, steps=steps)


def template_municipalities(user: UserLike) -> QuerySet[Municipality]:
    """The municipalities whose template `user` may edit (leaders), by name."""
    return Municipality.objects.filter(pk__in=rules.template_municipalities(user)).order_by("name")


def get_template_municipality(user: UserLike, code: str) -> Municipality | None:
    """The municipality with `code` if `user` may edit its template, else None."""
    return template_municipalities(user).filter(code=code).first()
