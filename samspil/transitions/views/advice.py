"""The view of the advice log: the institution's staff (and the municipality's consultants)
log advice given, the foster parents ask for advice. The log is on the transition's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.transitions import rules
from samspil.transitions.forms.advice import AdviceForm, RequestForm
from samspil.transitions.selectors import transitions as selectors
from samspil.transitions.services import advice as services


def advice_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    transition = selectors.get_transition_for(request.user, uuid, audit=False)
    gives_advice = rules.can_contribute(request.user, transition)
    if not (gives_advice or rules.can_request_advice(request.user, transition)):
        raise PermissionDenied
    data = request.POST or None
    form: Form
    if gives_advice:
        requests = selectors.open_requests(transition)
        answering = request.GET.get("request", "")
        form = AdviceForm(
            data,
            requests=requests,
            initial={"in_reply_to": answering} if answering else None,
        )
    else:
        form = RequestForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_advice(actor=request.user, transition=transition, values=form.cleaned_data)
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The advice was logged.") if gives_advice else _("Your request was sent."),
            )
            return redirect("transitions:detail", transition.uuid)
    return render(
        request,
        "transitions/advice_form.html",
        {"form": form, "transition": transition, "gives_advice": gives_advice},
    )


urlpatterns: list[URLPattern] = [
    path("transitions/<uuid:uuid>/advice/create/", advice_create, name="advice_create"),
]
