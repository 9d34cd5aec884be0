"""Shared form pieces: date inputs, versioned forms, and turning service errors into form
errors so that a refused save keeps what the user typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from samspil.core.concurrency import ConcurrentEditError


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionedForm(forms.ModelForm):  # type: ignore[type-arg]
    """A form for a versioned record: carries the version the editor started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]


def add_service_error(form: forms.BaseForm, error: ValidationError | ConcurrentEditError) -> None:
    if isinstance(error, ConcurrentEditError):
        form.add_error(None, str(error))
        form.conflict = error  # type: ignore[attr-defined]
        # Let the user save again deliberately, on top of the version they have now seen.
        if "version" in form.fields:
            data = form.data.copy()  # type: ignore[attr-defined]
            data["version"] = str(error.current_version)
            form.data = data
        return
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(
                field if field in form.fields and field != NON_FIELD_ERRORS else None, messages
            )
    else:
        form.add_error(None, error.messages)
