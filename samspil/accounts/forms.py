from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.accounts.enums import MUNICIPAL_ROLES, Role
from samspil.organisations.models import Municipality

MUNICIPAL_ROLE_CHOICES = [(r.value, r.label) for r in Role if r in MUNICIPAL_ROLES]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_("E.g. the system that will use it."),
    )


class _MunicipalityRoleForm(forms.Form):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(), label=_("Municipality")
    )
    role = forms.ChoiceField(choices=MUNICIPAL_ROLE_CHOICES, label=_("Role"))

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        if municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first()


class StaffInviteForm(_MunicipalityRoleForm):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and . @ + - _ only.")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The person gets a link to choose a password.")
    )


class GrantRoleForm(_MunicipalityRoleForm):
    pass
