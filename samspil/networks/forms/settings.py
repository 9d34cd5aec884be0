from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.networks.models import NetworkSettings
from samspil.networks.services.settings import FIELDS


class NetworkSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = NetworkSettings
        fields = FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_group_size"), data.get("max_group_size")
        if low is not None and high is not None and high < low:
            self.add_error(
                "max_group_size", _("The largest group cannot be smaller than the smallest.")
            )
        return data
