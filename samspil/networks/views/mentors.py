"""Views of mentor families: the list (the municipality's mentorships, consenting families and
"find a mentor" for consultants and leaders; a foster parent's own mentorships and consent),
the ranked suggestions, the mentorship page with its contact log and the start-up course, and
the POST endpoints that record consent, a mentorship, its end and contacts. Thin: form →
service or selector → template; the services check permissions again and write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.families import selectors as family_selectors
from samspil.families.models import FosterFamily
from samspil.networks import rules
from samspil.networks.enums import MentorReason
from samspil.networks.forms import mentors as forms
from samspil.networks.models import Mentorship
from samspil.networks.selectors import mentors as selectors
from samspil.networks.selectors import startup_course
from samspil.networks.services import mentors as services

# -- the list -----------------------------------------------------------------------------------


def mentor_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Consultants and leaders: the municipality's current and past mentorships, the families
    that consent to be mentors, "find a mentor" (the new families without a mentor, or the
    matches of ?q=; an HTMX request gets just those) and recording consent for ?consent=<uuid>.
    Foster parents: their own mentorships (with the other family's contact details) and their
    consent."""
    broker = selectors.can_broker_any(request.user)
    search = forms.FamilySearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    if broker and request.htmx:
        return render(
            request,
            "networks/mentor_list.html#find_results",
            {"find": selectors.families_to_find_mentor_for(request.user, query)},
        )
    own = selectors.own_profile(request.user)
    if not broker and own is None:
        raise Http404
    context: dict[str, Any] = {
        "broker": broker,
        "current": list(
            selectors.mentorships_for(request.user, current=True, parents=own is not None)
        ),
        "page": selectors.past_mentorships_page(request.user, request.GET.get("page")),
        "own": own[0] if own else None,
        "own_profile": own[1] if own else None,
    }
    if broker:
        context.update(_broker_context(request, search, query))
    if own is not None:
        family, profile = own
        consents = profile is not None and profile.consents
        context["own_consent_form"] = forms.ConsentForm(
            own=True,
            auto_id="own_%s",
            initial={"family": family.uuid, "consents": "no" if consents else "yes"},
        )
    return render(request, "networks/mentor_list.html", context)


def _broker_context(
    request: AuthenticatedHttpRequest, search: forms.FamilySearchForm, query: str
) -> dict[str, Any]:
    """The list's parts for consultants and leaders: the consenting families, "find a mentor"
    and, for ?consent=<uuid> of a family of their municipality, the form recording its consent."""
    context: dict[str, Any] = {
        "consenting": list(selectors.consenting_families_for(request.user)),
        "search_form": search,
        "find": selectors.families_to_find_mentor_for(request.user, query),
        "find_form": forms.FindMentorForm(),
    }
    chosen = request.GET.get("consent")
    family = selectors.brokerable_family(request.user, chosen) if chosen else None
    if family is not None:
        context["consent_family"] = family
        context["consent_form"] = forms.ConsentForm(initial={"family": family.uuid})
    return context


@require_POST
def mentor_consent(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Give or withdraw consent: the family itself, or its consultant on its behalf."""
    family = family_selectors.get_family_for(
        request.user, request.POST.get("family", ""), audit=False
    )
    if not rules.can_change_mentor_consent(request.user, family):
        raise PermissionDenied
    form = forms.ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the family consents."))
        return redirect("networks:mentor_list")
    try:
        profile = services.set_mentor_consent(
            actor=request.user,
            family=family,
            consents=form.cleaned_data["consents"],
            note=form.cleaned_data.get("note") if "note" in request.POST else None,
        )
    except PermissionDeniedError:
        raise PermissionDenied from None
    if profile.consents:
        messages.success(
            request,
            _("%(family)s consents to be a mentor family.") % {"family": family.name},
        )
    else:
        messages.success(
            request,
            _("%(family)s no longer consents to be a mentor family.") % {"family": family.name},
        )
    return redirect("networks:mentor_list")


# -- suggestions and recording -----------------------------------------------------------------


def _reason(value: str | None) -> str:
    return value if value in MentorReason.values else MentorReason.NEW_FAMILY


def _render_suggestions(
    request: AuthenticatedHttpRequest,
    mentee: FosterFamily,
    reason: str,
    form: forms.MentorshipForm | None = None,
) -> HttpResponse:
    try:
        found = selectors.suggestions_for(request.user, mentee, reason)
    except PermissionDeniedError:
        raise PermissionDenied from None
    mentors = [(str(c.family.uuid), f"{c.rank}. {c.family.name}") for c in found.ranked]
    if form is None:
        form = forms.MentorshipForm(
            mentors=mentors, initial={"mentee": mentee.uuid, "reason": reason}
        )
    else:
        form.fields["mentor"].widget.choices = mentors
    return render(
        request,
        "networks/mentor_suggestions.html",
        {
            "found": found,
            "mentee": mentee,
            "find_form": forms.FindMentorForm(initial={"family": mentee.uuid, "reason": reason}),
            "form": form,
        },
    )


def mentor_suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ranked mentor suggestions for ?family=<uuid>&reason=…: 404 when the family is not
    visible, 403 when it is but the user may not broker a mentor for it."""
    family_uuid = request.GET.get("family")
    if not family_uuid:
        if not selectors.can_broker_any(request.user):
            raise Http404
        return redirect("networks:mentor_list")
    mentee = family_selectors.get_family_for(request.user, family_uuid, audit=False)
    if not rules.can_broker_mentorship(request.user, mentee):
        raise PermissionDenied
    return _render_suggestions(request, mentee, _reason(request.GET.get("reason")))


@require_POST
def mentorship_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    mentee = family_selectors.get_family_for(
        request.user, request.POST.get("mentee", ""), audit=False
    )
    if not rules.can_broker_mentorship(request.user, mentee):
        raise PermissionDenied
    form = forms.MentorshipForm(request.POST, mentors=[])
    reason = _reason(request.POST.get("reason"))
    if form.is_valid():
        try:
            mentor = selectors.visible_family(request.user, form.cleaned_data["mentor"])
            if mentor is None:
                raise ValidationError({"mentor": [services.unknown_mentor_message()]})
            mentorship = services.record_mentorship(
                actor=request.user,
                mentor=mentor,
                mentee=mentee,
                reason=form.cleaned_data["reason"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                note=form.cleaned_data["note"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(mentor)s is now mentor family for %(mentee)s.")
                % {"mentor": mentor.name, "mentee": mentee.name},
            )
            return redirect("networks:mentorship_detail", mentorship.uuid)
    return _render_suggestions(request, mentee, reason, form)


# -- one mentorship -----------------------------------------------------------------------------


def mentorship_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    mentorship = selectors.get_mentorship_for(request.user, uuid)
    return _render_detail(request, mentorship)


def _render_detail(
    request: AuthenticatedHttpRequest, mentorship: Mentorship, **bound: Any
) -> HttpResponse:
    """The mentorship page; `bound` replaces an empty form with the one the user just
    submitted (so their input and the errors stay)."""
    detail = selectors.mentorship_detail(request.user, mentorship)
    context: dict[str, Any] = {"detail": detail, "mentorship": mentorship}
    if detail.can_change:
        context["end_form"] = forms.EndForm(mentorship=mentorship)
    if detail.can_log:
        context["contact_form"] = forms.ContactForm()
    context.update(bound)
    return render(request, "networks/mentor_detail.html", context)


@require_POST
def mentorship_end(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    mentorship = selectors.get_mentorship_for(request.user, uuid, audit=False)
    if not rules.can_change_mentorship(request.user, mentorship):
        raise PermissionDenied
    data = request.POST.copy()
    if "end_now" in data:
        data["ends_on"] = timezone.localdate().isoformat()
    form = forms.EndForm(data, mentorship=mentorship)
    if form.is_valid():
        try:
            services.set_mentorship_end(
                actor=request.user,
                mentorship=mentorship,
                ends_on=form.cleaned_data["ends_on"],
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
            mentorship = selectors.get_mentorship_for(request.user, uuid, audit=False)
        else:
            messages.success(request, _("The end of the mentorship was saved."))
            return redirect("networks:mentorship_detail", mentorship.uuid)
    return _render_detail(request, mentorship, end_form=form)


@require_POST
def mentor_contact_log(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    mentorship = selectors.get_mentorship_for(request.user, uuid, audit=False)
    if not rules.can_log_mentor_contact(request.user, mentorship):
        raise PermissionDenied
    form = forms.ContactForm(request.POST)
    if form.is_valid():
        try:
            contact = services.log_mentor_contact(
                actor=request.user,
                mentorship=mentorship,
                happened_on=form.cleaned_data["happened_on"],
                kind=form.cleaned_data["kind"],
                minutes=form.cleaned_data["minutes"],
                note=form.cleaned_data["note"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The contact was logged."))
            for warning in startup_course.contact_clashes(mentorship, [contact]).get(
                contact.pk, []
            ):
                messages.warning(request, warning)
            return redirect("networks:mentorship_detail", mentorship.uuid)
    return _render_detail(request, mentorship, contact_form=form)


urlpatterns: list[URLPattern] = [
    path("networks/mentors/", mentor_list, name="mentor_list"),
    path("networks/mentors/suggestions/", mentor_suggestions, name="mentor_suggestions"),
    path("networks/mentors/create/", mentorship_create, name="mentorship_create"),
    path("networks/mentors/consent/", mentor_consent, name="mentor_consent"),
    path("networks/mentors/<uuid:uuid>/", mentorship_detail, name="mentorship_detail"),
    path("networks/mentors/<uuid:uuid>/end/", mentorship_end, name="mentorship_end"),
    path("networks/mentors/<uuid:uuid>/contacts/", mentor_contact_log, name="mentor_contact_log"),
]
