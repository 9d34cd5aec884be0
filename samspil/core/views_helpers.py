"""What every view that submits a form to a service repeats: validate the form, call the
service, and turn a refusal into something the user sees. A view keeps what differs (the
service's arguments, the message, where it goes next, how it shows the form again):

    form = forms.RenameForm(request.POST)
    done = run_form_action(
        form, lambda data: services.rename(actor=request.user, thing=thing, name=data["name"])
    )
    if done is not None:  # done.value is what the service returned
        messages.success(request, _("Renamed."))
        return redirect(...)
    return render(...)  # the form again, with what was typed and the errors
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error

T = TypeVar("T")


@dataclass(frozen=True)
class Done(Generic[T]):
    """The service ran and returned `value` (which may itself be None)."""

    value: T


def run_form_action(form: forms.BaseForm, action: Callable[[dict[str, Any]], T]) -> Done[T] | None:
    """Call `action(form.cleaned_data)` (a service call) if `form` is bound and valid.

    Returns `Done` with what the service returned, or None when nothing was done: the form is
    not bound (a GET) or not valid, or the service refused with a `ValidationError` or a
    `ConcurrentEditError`, which is then on the form (`core.forms.add_service_error`: per
    field, or for the whole form with the other editor's changes), so showing the form again
    keeps what the user typed. A `PermissionDeniedError` from the service becomes Django's
    `PermissionDenied` (403); anything else propagates.
    """
    if not form.is_valid():
        return None
    try:
        return Done(action(form.cleaned_data))
    except PermissionDeniedError:
        raise PermissionDenied from None
    except (ValidationError, ConcurrentEditError) as error:
        add_service_error(form, error)
        return None
