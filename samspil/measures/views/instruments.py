"""The instrument catalogue (staff), importing the licensed item texts (a system
administrator), a leader's burden rating, and typing in a paper form (the municipality's
consultants and leaders). Thin: form → service or selector → template; the services check
permissions again and write the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.families import selectors as family_selectors
from samspil.measures import rules
from samspil.measures.forms import instruments as forms
from samspil.measures.forms import responses as response_forms
from samspil.measures.selectors import instruments as selectors
from samspil.measures.selectors import responses as response_selectors
from samspil.measures.services import instruments as services
from samspil.measures.services import responses as response_services


def instrument_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The shipped instruments and the user's municipalities' own versions."""
    if not rules.can_read_instruments(request.user):
        raise PermissionDenied
    page = Paginator(selectors.instruments_for(request.user), settings.SAMSPIL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "measures/instrument_list.html",
        {
            "page": page,
            "rows": [
                (instrument, next(iter(getattr(instrument, "current_list", [])), None))
                for instrument in page.object_list
            ],
            "can_configure": bool(rules.configurable_municipalities(request.user)),
            "can_import": rules.can_import_item_texts(request.user),
        },
    )


def instrument_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """One instrument in a version (`?version=`, the current one by default)."""
    if not rules.can_read_instruments(request.user):
        raise PermissionDenied
    instrument = selectors.get_instrument_for(request.user, code)
    number = request.GET.get("version", "")
    page = selectors.instrument_page(instrument, int(number) if number.isdigit() else None)
    return render(request, "measures/instrument_detail.html", {"page": page})


def item_text_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload the licensed item texts (all or nothing: every problem with its line)."""
    if not rules.can_import_item_texts(request.user):
        raise PermissionDenied
    form = forms.ItemTextImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            stored = services.import_item_texts(
                actor=request.user, content=form.cleaned_data["file"]
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            problems = list(error.messages)
        else:
            messages.success(
                request, _("%(count)d licensed texts were imported.") % {"count": stored}
            )
            return redirect("measures:item_text_import")
    return render(
        request,
        "measures/instrument_texts_import.html",
        {"form": form, "problems": problems, "imported": selectors.imported_texts()},
    )


def rating_configure(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A leader's own burden rating: the shipped questions to ask, in their own words, and up
    to three own questions; saved as a new version (earlier answers keep theirs)."""
    municipalities = selectors.configurable_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied
    code = request.POST.get("municipality") or request.GET.get("municipality")
    municipality = next((m for m in municipalities if m.code == code), municipalities[0])
    state = selectors.rating_state(municipality)
    form = forms.RatingConfigureForm(
        request.POST or None,
        base=state.base.definition,
        current=state.current.definition if state.current else None,
        current_number=state.current.number if state.current else 0,
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.configure_burden_rating(
                actor=request.user,
                municipality=municipality,
                items=form.items(),
                own_items=form.own_items(),
                expected_version=form.expected_version,
                name_da=form.cleaned_data["name_da"],
                name_en=form.cleaned_data["name_en"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The burden rating was saved as version %(number)d of %(code)s.")
                % {"number": version.number, "code": state.code},
            )
            return redirect(
                f"{reverse('measures:rating_configure')}?municipality={municipality.code}"
            )
    return render(
        request,
        "measures/instrument_rating_form.html",
        {
            "form": form,
            "state": state,
            "municipality": municipality,
            "municipalities": municipalities,
        },
    )


def response_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """Type in a paper form about the family or one of its children: first the
    questionnaire, then its questions."""
    family = family_selectors.get_family_for(request.user, uuid, audit=False)
    if not rules.can_manage_measurements(request.user, family.municipality_id):
        raise PermissionDenied
    children = [
        placement.child
        for placement in family_selectors.current_placements()
        .filter(family=family)
        .order_by("child__first_name", "child__id")
    ]
    versions = {v.instrument.code: v for v in selectors.paper_form_versions(request.user, family)}
    code = request.POST.get("instrument") or request.GET.get("instrument") or ""
    version = versions.get(code)
    if version is None:
        chooser = response_forms.ChooseQuestionnaireForm(
            initial={"child": request.GET.get("child", "")},
            versions=list(versions.values()),
            children=children,
        )
        return render(
            request,
            "measures/response_form.html",
            {"family": family, "chooser": chooser, "form": None},
        )
    form = response_forms.PaperResponseForm(
        request.POST or None,
        version=version,
        children=children,
        texts=response_selectors.licensed_texts(version),
        initial={
            "instrument": code,
            "child": request.GET.get("child", ""),
            "respondent": version.respondent,
            "answered_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        by_uuid = {str(child.uuid): child for child in children}
        try:
            response = response_services.record_response(
                actor=request.user,
                family=family,
                code=code,
                respondent=form.cleaned_data["respondent"],
                answers=form.answers(),
                child=by_uuid.get(form.cleaned_data.get("child") or ""),
                answered_on=form.cleaned_data["answered_on"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The answers were saved and scored."))
            return redirect("measures:response_detail", response.uuid)
    return render(
        request,
        "measures/response_form.html",
        {"family": family, "chooser": None, "form": form, "version": version},
    )


urlpatterns: list[URLPattern] = [
    path("instruments/", instrument_list, name="instrument_list"),
    path("instruments/texts/import/", item_text_import, name="item_text_import"),
    path("instruments/burden-rating/configure/", rating_configure, name="rating_configure"),
    path("instruments/<slug:code>/", instrument_detail, name="instrument_detail"),
    path("families/<uuid:uuid>/measures/enter/", response_create, name="response_create"),
]
