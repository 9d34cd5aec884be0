from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.accounts import forms, rules, selectors, services
from samspil.accounts.enums import Role
from samspil.accounts.models import ApiToken, Membership
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.organisations.models import Municipality


def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _record, new_token = services.create_api_token(
            user=request.user, name=form.cleaned_data["name"]
        )
        form = forms.ApiTokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": request.user.api_tokens.all(),
            "memberships": request.user.memberships.select_related("municipality", "institution"),
            "mfa_enabled": is_mfa_enabled(request.user),
        },
    )


@require_POST
def revoke_token(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(user=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


def _leader_municipalities(request: AuthenticatedHttpRequest):  # type: ignore[no-untyped-def]
    ids = rules.staff_municipalities(request.user)
    if not ids:
        raise Http404
    return Municipality.objects.filter(pk__in=ids)


def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _leader_municipalities(request)
    search = request.GET.get("q", "")[:100]
    page = Paginator(
        selectors.staff_for(request.user, search), settings.SAMSPIL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "accounts/staff_list.html", {"page": page, "q": search})


def staff_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipalities = _leader_municipalities(request)
    form = forms.StaffInviteForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_staff(
                actor=request.user,
                request=request,
                **{
                    k: form.cleaned_data[k]
                    for k in (
                        "municipality",
                        "role",
                        "username",
                        "first_name",
                        "last_name",
                        "email",
                    )
                },
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was created and e-mailed a link to choose a password.")
                % {"name": user},
            )
            return redirect("accounts:staff_detail", user.uuid)
    return render(
        request, "accounts/staff_form.html", {"form": form, "title": _("New staff member")}
    )


def staff_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    municipalities = _leader_municipalities(request)
    person = selectors.get_staff_for(request.user, uuid)
    form = forms.GrantRoleForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_role(
                actor=request.user,
                user=person,
                municipality=form.cleaned_data["municipality"],
                role=Role(form.cleaned_data["role"]),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The role was added."))
            return redirect("accounts:staff_detail", person.uuid)
    return render(request, "accounts/staff_detail.html", {"person": person, "form": form})


@require_POST
def revoke_membership(request: AuthenticatedHttpRequest, uuid: str, pk: int) -> HttpResponse:
    _leader_municipalities(request)
    person = selectors.get_staff_for(request.user, uuid)
    membership = get_object_or_404(Membership, pk=pk, user=person)
    try:
        services.revoke_role(actor=request.user, membership=membership)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role was removed."))
    return redirect("accounts:staff_detail", person.uuid)


@require_POST
def staff_set_active(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    _leader_municipalities(request)
    person = selectors.get_staff_for(request.user, uuid)
    active = request.POST.get("active") == "1"
    try:
        services.set_staff_active(actor=request.user, user=person, active=active)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s was reactivated.") % {"name": person}
            if active
            else _("%(name)s was deactivated.") % {"name": person},
        )
    return redirect("accounts:staff_detail", person.uuid)
