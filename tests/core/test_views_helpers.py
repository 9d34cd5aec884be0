"""`run_form_action`: validate a form, call a service, and put what the service refuses on the
form (or turn it into a 403)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.views_helpers import Done, run_form_action


class NoteForm(forms.Form):
    text = forms.CharField()
    version = forms.IntegerField()


def bound(**data: str) -> NoteForm:
    return NoteForm({"text": "Ringede tilbage", "version": "2", **data})


class Recorder:
    """A stand-in service: records what it was called with, returns or raises as told."""

    def __init__(self, result: Any = "saved", error: Exception | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.result = result
        self.error = error

    def __call__(self, data: dict[str, Any]) -> Any:
        self.calls.append(dict(data))
        if self.error is not None:
            raise self.error
        return self.result


def test_a_valid_form_calls_the_service_with_the_cleaned_data() -> None:
    service = Recorder()
    done = run_form_action(bound(), service)
    assert (done, service.calls) == (Done("saved"), [{"text": "Ringede tilbage", "version": 2}])


def test_a_service_returning_none_is_still_done() -> None:
    assert run_form_action(bound(), Recorder(result=None)) == Done(None)


def test_an_unbound_form_does_nothing() -> None:
    service = Recorder()
    form = NoteForm()
    assert (run_form_action(form, service), service.calls, form.errors) == (None, [], {})


def test_an_invalid_form_keeps_its_errors_and_does_not_call_the_service() -> None:
    service = Recorder()
    form = bound(text="")
    assert (run_form_action(form, service), service.calls) == (None, [])
    assert list(form.errors) == ["text"]


def test_a_refusal_per_field_goes_on_that_field_and_keeps_the_input() -> None:
    form = bound()
    error = ValidationError({"text": ["Too short."], "elsewhere": ["Not possible now."]})
    assert run_form_action(form, Recorder(error=error)) is None
    assert (form.errors["text"], form.non_field_errors(), form["text"].value()) == (
        ["Too short."],
        ["Not possible now."],
        "Ringede tilbage",
    )


def test_a_refusal_without_fields_goes_on_the_form() -> None:
    form = bound()
    assert run_form_action(form, Recorder(error=ValidationError("Closed."))) is None
    assert form.non_field_errors() == ["Closed."]


def test_a_concurrent_edit_is_said_on_the_form_with_the_current_version() -> None:
    form = bound()
    conflict = ConcurrentEditError(current_version=5, changes=[])
    assert run_form_action(form, Recorder(error=conflict)) is None
    assert (form.non_field_errors(), form.data["version"], form.conflict) == (  # type: ignore[attr-defined]
        [str(conflict)],
        "5",
        conflict,
    )


def test_a_service_refusing_permission_answers_403() -> None:
    with pytest.raises(PermissionDenied):
        run_form_action(bound(), Recorder(error=PermissionDeniedError()))


def test_other_errors_propagate() -> None:
    with pytest.raises(KeyError):
        run_form_action(bound(), Recorder(error=KeyError("text")))
