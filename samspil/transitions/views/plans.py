"""Views of discharge plans: adding a step (from the transition's page), ticking a step done
or undoing it (a plain form, or HTMX replacing the step alone), and the leaders' page for the
municipality's template. Thin: form → service → redirect or partial."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.transitions import rules
from samspil.transitions.forms import plans as forms
from samspil.transitions.selectors import plans as plan_selectors
from samspil.transitions.selectors import transitions as selectors
from samspil.transitions.services import plans as services
from samspil.transitions.views.transitions import render_detail

# -- steps --------------------------------------------------------------------------------------


@require_POST
def step_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    transition = selectors.get_transition_for(request.user, uuid, audit=False)
    if not rules.can_change(request.user, transition):
        raise PermissionDenied
    form = forms.StepForm(request.POST, auto_id="step-%s")
    if form.is_valid():
        try:
            step = services.add_step(
                actor=request.user, transition=transition, values=form.cleaned_data
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The step was added to the plan."))
            url = reverse("transitions:detail", args=[transition.uuid])
            return redirect(f"{url}#step-{step.uuid}")
    selectors.audit_read(request.user, transition)
    return render_detail(request, transition, step_form=form)


@require_POST
def step_tick(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """Tick a step done (`done=1`) or undo it; a stale `version` shows who changed it."""
    step = selectors.get_step_for(request.user, uuid)
    transition = step.plan.transition
    if not rules.can_tick_step(request.user, step, transition):
        raise PermissionDenied
    form = forms.TickForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("The step could not be changed: reload the page.")
    else:
        try:
            services.set_step_done(
                actor=request.user,
                step=step,
                done=form.cleaned_data["done"],
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ConcurrentEditError:
            error = _("Someone else changed this step meanwhile: here it is as it is now.")
            step.refresh_from_db()
    if request.htmx:
        view = selectors.StepView(
            step=step,
            can_tick=rules.can_tick_step(request.user, step, transition),
            overdue=step.is_overdue(timezone.localdate()),
        )
        return render(
            request,
            "transitions/transition_detail.html#step",
            {"view": view, "transition": transition, "step_error": error},
        )
    if error:
        messages.error(request, error)
    url = reverse("transitions:detail", args=[transition.uuid])
    return redirect(f"{url}#step-{step.uuid}")


# -- the municipality's template -----------------------------------------------------------------


def template_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The leader's municipality's template (or, for a leader of several, the choice)."""
    municipalities = list(plan_selectors.template_municipalities(request.user))
    if not municipalities:
        raise Http404
    if len(municipalities) == 1:
        return redirect("transitions:template", municipalities[0].code)
    return render(request, "transitions/template_index.html", {"municipalities": municipalities})


def template_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    municipality = plan_selectors.get_template_municipality(request.user, code)
    if municipality is None:
        raise Http404
    view = plan_selectors.template_for(municipality)
    version_form = forms.TemplateVersionForm(
        request.POST or None, initial={"version": view.version}
    )
    formset = forms.TemplateStepFormSet(
        request.POST or None, initial=forms.template_initial(view.steps), prefix="steps"
    )
    if request.method == "POST" and version_form.is_valid() and formset.is_valid():
        try:
            services.save_template(
                actor=request.user,
                municipality=municipality,
                steps=formset.steps(),  # type: ignore[attr-defined]
                expected_version=version_form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(version_form, error)
        else:
            messages.success(
                request,
                _(
                    "The template was saved. New transitions get its steps; existing plans stay as they are."
                ),
            )
            return redirect("transitions:template", municipality.code)
    return render(
        request,
        "transitions/template_form.html",
        {
            "municipality": municipality,
            "view": view,
            "formset": formset,
            "version_form": version_form,
            "reset_form": forms.TemplateVersionForm(initial={"version": view.version}),
        },
    )


@require_POST
def template_reset(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    municipality = plan_selectors.get_template_municipality(request.user, code)
    if municipality is None:
        raise Http404
    form = forms.TemplateVersionForm(request.POST)
    if form.is_valid():
        try:
            services.reset_template(
                actor=request.user,
                municipality=municipality,
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ConcurrentEditError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("New transitions use the default template again."))
    return redirect("transitions:template", municipality.code)


urlpatterns: list[URLPattern] = [
    path("transitions/<uuid:uuid>/steps/create/", step_create, name="step_create"),
    path("transitions/steps/<uuid:uuid>/done/", step_tick, name="step_tick"),
    path("transitions/template/", template_index, name="template_index"),
    path("transitions/template/<str:code>/", template_edit, name="template"),
    path("transitions/template/<str:code>/reset/", template_reset, name="template_reset"),
]
