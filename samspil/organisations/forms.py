from __future__ import annotations

from django import forms

from samspil.core.forms import DateInput, VersionedForm
from samspil.organisations.models import Collaboration, Institution
from samspil.organisations.services import COLLABORATION_FIELDS, INSTITUTION_FIELDS


class InstitutionForm(VersionedForm):
    class Meta:
        model = Institution
        fields = [*INSTITUTION_FIELDS, "competence_areas"]
        widgets = {"competence_areas": forms.CheckboxSelectMultiple}


class CollaborationForm(VersionedForm):
    class Meta:
        model = Collaboration
        fields = [*COLLABORATION_FIELDS, "municipalities", "institutions"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
