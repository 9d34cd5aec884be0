"""Views, the API and commands never start a query for personal data from `Model.objects`:
they go through the app's selectors, which apply the access policy and write the audit log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "samspil"
PERSONAL_MODELS = (
    "FosterFamily",
    "FosterParent",
    "Child",
    "Placement",
    "Engagement",
    "ConsultantAssignment",
    "AuditEntry",
    "DevelopmentPlan",
    "Goal",
    "ProgressNote",
    "Transition",
    "PlanStep",
    "CollaborationMeeting",
    "ChildInvolvement",
    "Advice",
    "Measurement",
    "Response",
    "Score",
    "AnswerLink",
)
ENTRY_POINTS = sorted(
    [
        *ROOT.glob("*/views.py"),
        *ROOT.glob("*/views/*.py"),
        *ROOT.glob("*/api.py"),
        *ROOT.glob("*/api/*.py"),
        ROOT / "api.py",
    ]
)


@pytest.mark.parametrize(
    "module", ENTRY_POINTS, ids=[str(p.relative_to(ROOT)) for p in ENTRY_POINTS]
)
def test_entry_points_reach_personal_data_only_through_selectors(module: Path) -> None:
    pattern = re.compile(r"\b(" + "|".join(PERSONAL_MODELS) + r")\.(objects|_default_manager)\b")
    offenders = [
        f"{module.name}:{number}"
        for number, line in enumerate(module.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
