"""Views of hotlines and their set-up: the list with who is on duty now, creating and editing a
hotline, its page (on duty now, upcoming gaps, staffing rules, rota members, unavailability,
closure days) and the POST endpoints that change the set-up. Thin: form → service or selector →
template; the services check permissions again and write the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.accounts.scopes import scope_for
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import AuthenticatedHttpRequest
from samspil.core.views_helpers import run_form_action
from samspil.hotline import rules
from samspil.hotline.forms import hotlines as forms
from samspil.hotline.models import ClosureDay, Hotline, RotaMember, StaffingRule, Unavailability
from samspil.hotline.selectors import hotlines as selectors
from samspil.hotline.selectors import rota as rota_selectors
from samspil.hotline.services import hotlines as services

# -- the list and creating -------------------------------------------------------------------


def hotline_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not scope_for(request.user).is_staff_member:
        raise Http404  # foster parents have no hotline pages
    page = Paginator(selectors.hotlines_for(request.user), settings.SAMSPIL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    duty = selectors.on_duty(list(page.object_list))
    return render(
        request,
        "hotline/hotline_list.html",
        {
            "page": page,
            "rows": [(hotline, duty[hotline.pk]) for hotline in page.object_list],
            "can_create": rules.can_create_hotline(request.user),
        },
    )


def _hotline_form(request: AuthenticatedHttpRequest, hotline: Hotline | None) -> forms.HotlineForm:
    owners = selectors.owners_for(request.user)
    return forms.HotlineForm(
        request.POST or None,
        municipalities=owners.municipalities,
        collaborations=owners.collaborations,
        team_leaders=owners.team_leaders,
        hotline=hotline,
    )


def hotline_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not rules.can_create_hotline(request.user):
        raise PermissionDenied
    form = _hotline_form(request, None)
    created = run_form_action(
        form, lambda data: services.create_hotline(actor=request.user, values=form.values())
    )
    if created is not None:
        messages.success(
            request, _("The hotline was created. Now add the rota members and staffing.")
        )
        return redirect("hotline:hotline_detail", created.value.uuid)
    return render(request, "hotline/hotline_form.html", {"form": form, "hotline": None})


def _to_manage(request: AuthenticatedHttpRequest, uuid: str) -> Hotline:
    hotline = selectors.get_hotline_for(request.user, uuid)
    if not rules.can_manage_hotline(request.user, hotline):
        raise PermissionDenied
    return hotline


def hotline_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    hotline = _to_manage(request, uuid)
    form = _hotline_form(request, hotline)
    saved = run_form_action(
        form,
        lambda data: services.update_hotline(
            actor=request.user,
            hotline=hotline,
            values=form.values(),
            expected_version=data["version"],
        ),
    )
    if saved is not None:
        messages.success(
            request, _("Saved. Generate the rota again for changed hours to take effect.")
        )
        return redirect("hotline:hotline_detail", hotline.uuid)
    return render(request, "hotline/hotline_form.html", {"form": form, "hotline": hotline})


# -- one hotline -------------------------------------------------------------------------------


def _detail_context(
    request: AuthenticatedHttpRequest, hotline: Hotline, **bound: Any
) -> dict[str, Any]:
    can_manage = rules.can_manage_hotline(request.user, hotline)
    members = selectors.rota_members(hotline)
    context: dict[str, Any] = {
        "hotline": hotline,
        "on_duty": selectors.on_duty([hotline])[hotline.pk],
        "gaps": selectors.upcoming_gaps(hotline),
        "gap_days": selectors.UPCOMING_GAP_DAYS,
        "rota_until": selectors.rota_until(hotline),
        "opening": selectors.opening_lines(hotline),
        "staffing": [
            (rule, selectors.weekday_names(rule.weekdays))
            for rule in selectors.staffing_rules(hotline)
        ],
        "members": members,
        "can_manage": can_manage,
        "latest_run": rota_selectors.latest_run(hotline) if can_manage else None,
    }
    if can_manage:
        member_users = selectors.member_users(hotline, active_only=False)
        context.update(
            {
                "unavailabilities": selectors.unavailabilities(hotline),
                "closure_days": selectors.closure_days(hotline),
                "version_form": forms.VersionForm(version=hotline.version),
                "staffing_form": forms.StaffingRuleForm(
                    version=hotline.version,
                    institutions=selectors.institution_candidates(hotline),
                ),
                "member_form": forms.RotaMemberForm(
                    version=hotline.version,
                    candidates=selectors.member_candidates(hotline).exclude(
                        pk__in=[m.user_id for m in members if m.active]
                    ),
                ),
                "member_forms": [
                    (
                        member,
                        forms.MemberUpdateForm(
                            version=hotline.version,
                            initial={"max_shifts": member.max_shifts, "active": member.active},
                            auto_id=f"id_member_{member.pk}_%s",
                        ),
                    )
                    for member in members
                ],
                "unavailability_form": forms.UnavailabilityForm(members=member_users),
                "closure_form": forms.ClosureDayForm(
                    municipalities=selectors.managed_municipalities(request.user, hotline)
                ),
            }
        )
    context.update(bound)
    return context


def hotline_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    hotline = selectors.get_hotline_for(request.user, uuid)
    return render(request, "hotline/hotline_detail.html", _detail_context(request, hotline))


def _to_detail(hotline: Hotline, anchor: str) -> HttpResponse:
    return redirect(reverse("hotline:hotline_detail", args=[hotline.uuid]) + f"#{anchor}")


def _submit(
    request: AuthenticatedHttpRequest,
    hotline: Hotline,
    form: Any,
    name: str,
    action: Callable[[dict[str, Any]], object],
    done: str,
    anchor: str,
) -> HttpResponse:
    """`run_form_action(form, action)`, then redirect with `done`; when nothing was done,
    render the page again with the bound form as `name`."""
    if run_form_action(form, action) is not None:
        messages.success(request, done)
        return _to_detail(hotline, anchor)
    hotline.refresh_from_db()
    context = _detail_context(request, hotline, **{name: form})
    return render(request, "hotline/hotline_detail.html", context)


@require_POST
def staffing_rule_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    hotline = _to_manage(request, uuid)
    form = forms.StaffingRuleForm(
        request.POST, institutions=selectors.institution_candidates(hotline)
    )
    return _submit(
        request,
        hotline,
        form,
        "staffing_form",
        lambda data: services.add_staffing_rule(
            actor=request.user,
            hotline=hotline,
            weekdays="".join(data["weekdays"]),
            starts=data["starts"],
            ends=data["ends"],
            staffed_by=data["staffed_by"],
            institution=data["institution"],
            expected_version=data["version"],
        ),
        _("The staffing rule was added. Generate the rota again for it to take effect."),
        "staffing",
    )


def _record(queryset: QuerySet[Any], pk: int) -> Any:
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


@require_POST
def staffing_rule_delete(request: AuthenticatedHttpRequest, uuid: str, pk: int) -> HttpResponse:
    hotline = _to_manage(request, uuid)
    rule = _record(StaffingRule.objects.filter(hotline=hotline), pk)
    form = forms.VersionForm(request.POST)
    return _submit(
        request,
        hotline,
        form,
        "action_form",
        lambda data: services.remove_staffing_rule(
            actor=request.user, rule=rule, expected_version=data["version"]
        ),
        _("The staffing rule was removed."),
        "staffing",
    )


@require_POST
def member_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    hotline = _to_manage(request, uuid)
    form = forms.RotaMemberForm(request.POST, candidates=selectors.member_candidates(hotline))
    return _submit(
        request,
        hotline,
        form,
        "member_form",
        lambda data: services.add_rota_member(
            actor=request.user,
            hotline=hotline,
            user=data["user"],
            max_shifts=data["max_shifts"],
            expected_version=data["version"],
        ),
        _("The person was put on the rota."),
        "members",
    )


@require_POST
def member_update(request: AuthenticatedHttpRequest, uuid: str, pk: int) -> HttpResponse:
    hotline = _to_manage(request, uuid)
    member = _record(RotaMember.objects.filter(hotline=hotline).select_related("user"), pk)
    form = forms.MemberUpdateForm(request.POST)
    return _submit(
        request,
        hotline,
        form,
        "action_form",
        lambda data: services.update_rota_member(
            actor=request.user,
            member=member,
            max_shifts=data["max_shifts"],
            active=data["active"],
            expected_version=data["version"],
        ),
        _("Saved."),
        "members",
    )


@require_POST
def member_remove(request: AuthenticatedHttpRequest, uuid: str, pk: int) -> HttpResponse:
    hotline = _to_manage(request, uuid)
    member = _record(RotaMember.objects.filter(hotline=hotline).select_related("user"), pk)
    form = forms.VersionForm(request.POST)
    return _submit(
        request,
        hotline,
        form,
        "action_form",
        lambda data: services.remove_rota_member(
            actor=request.user, member=member, expected_version=data["version"]
        ),
        _("The person was taken off the rota; their coming shifts are now gaps."),
        "members",
    )


@require_POST
def unavailability_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    hotline = _to_manage(request, uuid)
    form = forms.UnavailabilityForm(
        request.POST, members=selectors.member_users(hotline, active_only=False)
    )
    return _submit(
        request,
        hotline,
        form,
        "unavailability_form",
        lambda data: services.add_unavailability(
            actor=request.user,
            hotline=hotline,
            user=data["user"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reason=data["reason"],
        ),
        _("The unavailability was recorded."),
        "unavailability",
    )


@require_POST
def unavailability_delete(request: AuthenticatedHttpRequest, uuid: str, pk: int) -> HttpResponse:
    hotline = _to_manage(request, uuid)
    item = _record(
        Unavailability.objects.filter(
            user__in=RotaMember.objects.filter(hotline=hotline).values("user")
        ).select_related("user"),
        pk,
    )
    try:
        services.remove_unavailability(actor=request.user, hotline=hotline, item=item)
    except PermissionDeniedError:
        raise PermissionDenied from None
    messages.success(request, _("The unavailability was removed."))
    return _to_detail(hotline, "unavailability")


@require_POST
def closure_day_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    hotline = _to_manage(request, uuid)
    form = forms.ClosureDayForm(
        request.POST, municipalities=selectors.managed_municipalities(request.user, hotline)
    )
    return _submit(
        request,
        hotline,
        form,
        "closure_form",
        lambda data: services.add_closure_day(
            actor=request.user,
            hotline=hotline,
            municipality=data["municipality"],
            day=data["date"],
            every_year=data["every_year"],
            reason=data["reason"],
        ),
        _("The closure day was recorded."),
        "closure-days",
    )


@require_POST
def closure_day_delete(request: AuthenticatedHttpRequest, uuid: str, pk: int) -> HttpResponse:
    hotline = _to_manage(request, uuid)
    closure = _record(
        ClosureDay.objects.filter(
            municipality__in=selectors.managed_municipalities(request.user, hotline)
        ).select_related("municipality"),
        pk,
    )
    try:
        services.remove_closure_day(actor=request.user, hotline=hotline, closure=closure)
    except PermissionDeniedError:
        raise PermissionDenied from None
    messages.success(request, _("The closure day was removed."))
    return _to_detail(hotline, "closure-days")


urlpatterns: list[URLPattern] = [
    path("hotline/", hotline_list, name="hotline_list"),
    path("hotline/create/", hotline_create, name="hotline_create"),
    path("hotline/<uuid:uuid>/", hotline_detail, name="hotline_detail"),
    path("hotline/<uuid:uuid>/edit/", hotline_edit, name="hotline_edit"),
    path("hotline/<uuid:uuid>/staffing/", staffing_rule_create, name="staffing_rule_create"),
    path(
        "hotline/<uuid:uuid>/staffing/<int:pk>/delete/",
        staffing_rule_delete,
        name="staffing_rule_delete",
    ),
    path("hotline/<uuid:uuid>/members/", member_create, name="member_create"),
    path("hotline/<uuid:uuid>/members/<int:pk>/", member_update, name="member_update"),
    path("hotline/<uuid:uuid>/members/<int:pk>/remove/", member_remove, name="member_remove"),
    path(
        "hotline/<uuid:uuid>/unavailability/", unavailability_create, name="unavailability_create"
    ),
    path(
        "hotline/<uuid:uuid>/unavailability/<int:pk>/delete/",
        unavailability_delete,
        name="unavailability_delete",
    ),
    path("hotline/<uuid:uuid>/closure-days/", closure_day_create, name="closure_day_create"),
    path(
        "hotline/<uuid:uuid>/closure-days/<int:pk>/delete/",
        closure_day_delete,
        name="closure_day_delete",
    ),
]
