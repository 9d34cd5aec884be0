"""Views of network groups: the list (staff) or the family's own group, creating a group by
hand, the group page with what the user may do there (members, consent, settings, contact
family, phase, end, topics), and finding a family to add. Meetings are in `views/meetings.py`.
Thin: form → service or selector → template; the services check permissions again and write the
audit log.

Families are never listed in full for choosing (a municipality may have a thousand): the create
page and the group page search by name, city or postcode and show a short list, with HTMX as
the user types and without JavaScript through the form's own search button or a plain GET."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samspil.accounts.scopes import scope_for
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import AuthenticatedHttpRequest
from samspil.core.views_helpers import run_form_action
from samspil.networks import rules
from samspil.networks.forms import groups as forms
from samspil.networks.models import NetworkGroup
from samspil.networks.selectors import choices, reports
from samspil.networks.selectors import groups as selectors
from samspil.networks.selectors import meetings as meeting_selectors
from samspil.networks.services import groups as services
from samspil.networks.services import topics as topic_services

# What the create page keeps when it is shown again for a search (the families are kept apart).
CREATE_FIELDS = (
    "name",
    "municipality",
    "facilitator",
    "meeting_slot",
    "cadence_days",
    "started_on",
)

# -- the list -----------------------------------------------------------------------------------


def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Staff: the groups they may see with phase, facilitator, members, last and next meeting
    and cadence, and the cadence gaps; a foster parent: their own group (or a friendly page)."""
    scope = scope_for(request.user)
    if not scope.is_staff_member and scope.is_foster_parent:
        return render(
            request, "networks/group_own.html", {"group": selectors.own_group(request.user)}
        )
    form = forms.GroupFilterForm(request.GET or None)
    filters = selectors.GroupFilters()
    if form.is_valid():
        status = form.cleaned_data["status"] or "active"
        filters = selectors.GroupFilters(
            phase=form.cleaned_data["phase"],
            active={"active": True, "ended": False}.get(status),
        )
    groups = selectors.groups_for(request.user, filters)
    page = selectors.page_of(groups, request.GET.get("page"), settings.SAMSPIL_PAGE_SIZE)
    sees_gaps = reports.can_see_gap_report(request.user)
    return render(
        request,
        "networks/group_list.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.group_rows(page.object_list),
            "query": _querystring(request),
            "gaps": reports.cadence_gaps(request.user) if sees_gaps else [],
            "sees_gaps": sees_gaps,
            "can_create": bool(rules.group_municipalities(request.user)),
        },
    )


def _querystring(request: AuthenticatedHttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# -- creating by hand ---------------------------------------------------------------------------


def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The form with the families chosen so far and a search for more. The form's search
    button shows the page again with the matches (keeping everything typed); HTMX asks for the
    families part alone (GET with `q` and the ticked `families`) as the user types."""
    municipality_ids = rules.group_municipalities(request.user)
    if not municipality_ids:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    search = forms.FamilySearchForm(data, auto_id="family-search-%s")
    if request.htmx and request.method == "GET":
        return render(
            request,
            "networks/group_form.html#family-choices",
            _family_choices(request, search, data),
        )
    searching = request.method == "POST" and "search" in request.POST
    creating = request.method == "POST" and not searching
    form = forms.GroupCreateForm(
        request.POST if creating else None,
        initial={"cadence_days": 30, **(_kept(request.POST) if searching else {})},
        municipalities=choices.municipalities(municipality_ids),
        families=choices.addable_families(request.user),
        facilitators=choices.facilitators_for(municipality_ids),
    )
    created = run_form_action(
        form,
        lambda values: services.create_group(
            actor=request.user,
            name=values["name"],
            municipality=values["municipality"],
            families=list(values["families"]),
            facilitator=values["facilitator"],
            meeting_slot=values["meeting_slot"],
            started_on=values["started_on"],
            cadence_days=values["cadence_days"],
        ),
    )
    if created is not None:
        messages.success(request, _("The network group was created."))
        return redirect("networks:group_detail", created.value.uuid)
    return render(
        request,
        "networks/group_form.html",
        {"form": form, "search": search, **_family_choices(request, search, data)},
    )


def _kept(data: QueryDict) -> dict[str, str]:
    return {name: str(data[name]) for name in CREATE_FIELDS if data.get(name)}


def _family_choices(
    request: AuthenticatedHttpRequest, search: forms.FamilySearchForm, data: QueryDict
) -> dict[str, Any]:
    """The families ticked so far (shown ticked) and the search's matches besides them."""
    ticked = data.getlist("families")
    return {
        "chosen": choices.chosen_families(request.user, ticked),
        "found": choices.search_addable_families(request.user, search.query(), exclude=ticked),
    }


# -- one group ----------------------------------------------------------------------------------


def group_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    group = selectors.get_group_for(request.user, uuid)
    return _render_group(request, group)


def _render_group(
    request: AuthenticatedHttpRequest, group: NetworkGroup, **bound: Any
) -> HttpResponse:
    """The group page with the forms `request.user` may use; `bound` replaces an empty form
    with the one just submitted (so the input and the errors stay). Everything the forms offer
    comes from what `group_detail` read (members, open meetings): no query of their own."""
    detail = selectors.group_detail(request.user, group)
    context: dict[str, Any] = {"detail": detail, "group": group}
    if group.is_active and detail.can_manage:
        members = [m.membership.family for m in detail.members]
        context.update(
            settings_form=forms.GroupSettingsForm(instance=group),
            member_search=forms.FamilySearchForm(auto_id="member-search-%s"),
            contact_form=forms.ContactFamilyForm(group=group, families=members),
            self_running_form=forms.SelfRunningForm(group=group),
            end_form=forms.EndGroupForm(group=group),
        )
    if group.is_active and detail.can_run_meetings:
        context["open_meetings"] = detail.open_meetings
    if group.is_active and (detail.can_manage or detail.can_suggest):
        context["topic_form"] = forms.TopicForm(
            meetings=detail.open_meetings if detail.can_manage else None
        )
    if detail.own_membership is not None:
        context["consent_form"] = forms.ConsentForm(
            initial={"shares": not detail.own_membership.shares_contact_details}
        )
    context.update(bound)
    return render(request, "networks/group_detail.html", context)


def _group_to_manage(request: AuthenticatedHttpRequest, uuid: str) -> NetworkGroup:
    group = selectors.get_group_for(request.user, uuid, audit=False)
    if not rules.can_manage_group(request.user, group):
        raise PermissionDenied
    return group


def _rerender(request: AuthenticatedHttpRequest, group: NetworkGroup, **bound: Any) -> HttpResponse:
    """The page again with the submitted form; it shows the members, so it is a read. The
    group is read again: a refused service may have changed the instance in memory."""
    group.refresh_from_db()
    selectors.audit_group_read(request.user, group)
    return _render_group(request, group, **bound)


def _done(request: AuthenticatedHttpRequest, group: NetworkGroup, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("networks:group_detail", group.uuid)


def _submit(
    request: AuthenticatedHttpRequest,
    group: NetworkGroup,
    form: Any,
    name: str,
    action: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """`run_form_action(form, action)`, then back to the group page with `done`; when nothing
    was done, the page again with the bound form as `name`."""
    if run_form_action(form, action) is not None:
        return _done(request, group, done)
    return _rerender(request, group, **{name: form})


@require_POST
def group_settings(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    group = _group_to_manage(request, uuid)
    form = forms.GroupSettingsForm(request.POST, instance=group)
    return _submit(
        request,
        group,
        form,
        "settings_form",
        lambda data: services.update_group(
            actor=request.user, group=group, values=data, expected_version=data["version"]
        ),
        _("The group's settings were saved."),
    )


@require_http_methods(["GET", "POST"])
def group_add_member(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """GET: find a family to add, by name, city or postcode (a short list, each with its own
    button; HTMX asks for the list alone). POST: add the family."""
    group = _group_to_manage(request, uuid)
    if request.method == "GET":
        if not group.is_active:
            raise PermissionDenied
        search = forms.FamilySearchForm(request.GET, auto_id="member-search-%s")
        context = {
            "group": group,
            "search": search,
            "found": choices.search_addable_families(request.user, search.query()),
        }
        template = "networks/group_add_member.html"
        return render(request, f"{template}#results" if request.htmx else template, context)
    form = forms.AddMemberForm(
        request.POST, group=group, families=choices.addable_families(request.user)
    )
    return _submit(
        request,
        group,
        form,
        "add_member_form",
        lambda data: services.add_member(
            actor=request.user,
            group=group,
            family=data["family"],
            expected_version=data["version"],
        ),
        _("The family was added to the group."),
    )


@require_POST
def group_remove_member(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    group = _group_to_manage(request, uuid)
    form = forms.RemoveMemberForm(request.POST, group=group)

    def remove(data: dict[str, Any]) -> object:
        family = selectors.active_members(group).filter(uuid=data["family"]).first()
        if family is None:
            raise Http404
        return services.remove_member(
            actor=request.user,
            group=group,
            family=family,
            expected_version=data["version"],
            left_on=data["left_on"],
        )

    return _submit(request, group, form, "remove_error", remove, _("The family left the group."))


@require_POST
def group_contact_family(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    group = _group_to_manage(request, uuid)
    form = forms.ContactFamilyForm(
        request.POST, group=group, families=list(selectors.active_members(group))
    )
    return _submit(
        request,
        group,
        form,
        "contact_form",
        lambda data: services.set_contact_family(
            actor=request.user,
            group=group,
            family=data["family"],
            expected_version=data["version"],
        ),
        _("The contact family was saved."),
    )


@require_POST
def group_self_running(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    group = _group_to_manage(request, uuid)
    form = forms.SelfRunningForm(request.POST, group=group)
    return _submit(
        request,
        group,
        form,
        "self_running_form",
        lambda data: services.start_self_running(
            actor=request.user, group=group, expected_version=data["version"]
        ),
        _("The group now runs itself."),
    )


@require_POST
def group_end(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    group = _group_to_manage(request, uuid)
    form = forms.EndGroupForm(request.POST, group=group)
    return _submit(
        request,
        group,
        form,
        "end_form",
        lambda data: services.end_group(
            actor=request.user,
            group=group,
            expected_version=data["version"],
            ended_on=data["ended_on"],
        ),
        _("The group has ended."),
    )


@require_POST
def group_consent(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """The family's own consent to show its names and contact details to the other members."""
    group = selectors.get_group_for(request.user, uuid, audit=False)
    membership = selectors.own_membership(request.user, group)
    if membership is None:
        raise PermissionDenied
    form = forms.ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.set_consent(
                actor=request.user, membership=membership, shares=form.cleaned_data["shares"]
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        if form.cleaned_data["shares"]:
            return _done(
                request, group, _("The other members now see your names and contact details.")
            )
        return _done(
            request, group, _("The other members no longer see your names and contact details.")
        )
    return redirect("networks:group_detail", group.uuid)


# -- topics -------------------------------------------------------------------------------------


@require_POST
def topic_add(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """Staff who manage the group set a topic; member families suggest one (self-running)."""
    group = selectors.get_group_for(request.user, uuid, audit=False)
    manage = rules.can_manage_group(request.user, group)
    if not (manage or rules.can_suggest_topics(request.user, group)):
        raise PermissionDenied
    form = forms.TopicForm(
        request.POST, meetings=list(meeting_selectors.open_meetings(group)) if manage else None
    )

    def add(data: dict[str, Any]) -> object:
        if manage:
            return topic_services.add_topic(
                actor=request.user,
                group=group,
                title=data["title"],
                description=data["description"],
                meeting=data.get("meeting"),
            )
        return topic_services.suggest_topic(
            actor=request.user, group=group, title=data["title"], description=data["description"]
        )

    return _submit(request, group, form, "topic_form", add, _("The topic was added."))


def _topic_action(request: AuthenticatedHttpRequest, uuid: str, action: str) -> HttpResponse:
    topic = selectors.get_topic_for(request.user, uuid)
    group = topic.group
    try:
        if action == "support":
            topic_services.support_topic(
                actor=request.user, topic=topic, supports=request.POST.get("supports") != "0"
            )
            message = _("Thank you: your support was recorded.")
        elif action == "choose":
            form = forms.ChooseTopicForm(
                request.POST, meetings=list(meeting_selectors.open_meetings(group))
            )
            meeting = form.cleaned_data["meeting"] if form.is_valid() else None
            topic_services.choose_topic(actor=request.user, topic=topic, meeting=meeting)
            message = _("The topic was chosen.")
        else:
            topic_services.cover_topic(actor=request.user, topic=topic)
            message = _("The topic was marked covered.")
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("networks:group_detail", group.uuid)
    return _done(request, group, message)


@require_POST
def topic_support(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    return _topic_action(request, uuid, "support")


@require_POST
def topic_choose(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    return _topic_action(request, uuid, "choose")


@require_POST
def topic_cover(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    return _topic_action(request, uuid, "cover")


urlpatterns: list[URLPattern] = [
    path("networks/groups/", group_list, name="group_list"),
    path("networks/groups/create/", group_create, name="group_create"),
    path("networks/groups/<uuid:uuid>/", group_detail, name="group_detail"),
    path("networks/groups/<uuid:uuid>/settings/", group_settings, name="group_settings"),
    path("networks/groups/<uuid:uuid>/members/", group_add_member, name="group_add_member"),
    path(
        "networks/groups/<uuid:uuid>/members/remove/",
        group_remove_member,
        name="group_remove_member",
    ),
    path(
        "networks/groups/<uuid:uuid>/contact-family/",
        group_contact_family,
        name="group_contact_family",
    ),
    path(
        "networks/groups/<uuid:uuid>/self-running/",
        group_self_running,
        name="group_self_running",
    ),
    path("networks/groups/<uuid:uuid>/end/", group_end, name="group_end"),
    path("networks/groups/<uuid:uuid>/consent/", group_consent, name="group_consent"),
    path("networks/groups/<uuid:uuid>/topics/", topic_add, name="topic_add"),
    path("networks/topics/<uuid:uuid>/support/", topic_support, name="topic_support"),
    path("networks/topics/<uuid:uuid>/choose/", topic_choose, name="topic_choose"),
    path("networks/topics/<uuid:uuid>/cover/", topic_cover, name="topic_cover"),
]
