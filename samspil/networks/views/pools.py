"""Views of pools for network groups: the list, creating a pool, adding families, the pool page
with its members, "must not be together" pairs and the optimiser's proposal (polled with HTMX
while it is computed), and the POST endpoints that edit and accept the proposal. Thin: form →
service or selector → template; the services check permissions again and write the audit
log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import AuthenticatedHttpRequest
from samspil.core.views_helpers import run_form_action
from samspil.families.models import FosterFamily
from samspil.networks import rules
from samspil.networks.enums import PoolStatus, ProposalStatus
from samspil.networks.forms import pools as forms
from samspil.networks.models import Pool
from samspil.networks.selectors import pools as selectors
from samspil.networks.selectors import proposals as proposal_selectors
from samspil.networks.services import pools as services
from samspil.networks.services import proposals as proposal_services

# -- the list and creating ------------------------------------------------------------------


def pool_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.can_list_pools(request.user):
        raise Http404
    page = Paginator(selectors.pools_for(request.user), settings.SAMSPIL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "networks/pool_list.html",
        {"page": page, "can_create": rules.can_compose(request.user)},
    )


def pool_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not rules.can_compose(request.user):
        raise PermissionDenied
    owners = selectors.owners_for(request.user)
    defaults = selectors.settings_for_user(request.user)
    form = forms.PoolForm(
        request.POST or None,
        initial={
            "min_size": defaults.min_group_size if defaults else 4,
            "max_size": defaults.max_group_size if defaults else 6,
        },
        municipalities=owners.municipalities,
        institutions=owners.institutions,
        collaborations=owners.collaborations,
    )

    def create(data: dict[str, Any]) -> Pool:
        municipality, institution = form.owner_records()
        return services.create_pool(
            actor=request.user,
            name=data["name"],
            municipality=municipality,
            institution=institution,
            collaboration=data["collaboration"],
            min_size=data["min_size"],
            max_size=data["max_size"],
        )

    created = run_form_action(form, create)
    if created is not None:
        messages.success(request, _("The pool was created. Now add the families."))
        return redirect("networks:pool_add_families", created.value.uuid)
    return render(request, "networks/pool_form.html", {"form": form})


# -- one pool -------------------------------------------------------------------------------


def pool_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    pool = selectors.get_pool_for(request.user, uuid)
    return _render_detail(request, pool)


def pool_proposal(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """The proposal area alone, polled by HTMX while the optimiser works. Only an answer that
    lists families is audited (not every poll)."""
    pool = selectors.get_pool_for(request.user, uuid, audit=False)
    if pool.proposal_status not in (ProposalStatus.QUEUED, ProposalStatus.RUNNING):
        pool = selectors.get_pool_for(request.user, uuid)
    context = _detail_context(request, pool)
    return render(request, "networks/pool_detail.html#proposal", context)


def _move_form(
    pool: Pool, family: FosterFamily, groups: int, current: int | None, data: Any = None
) -> forms.MoveForm:
    form = forms.MoveForm(
        data,
        groups=groups,
        current=current,
        version=pool.version,
        auto_id=f"id_move_{family.uuid}_%s",
    )
    form.fields["group"].label = _("Move %(family)s to") % {"family": family.name}
    return form


def _detail_context(request: AuthenticatedHttpRequest, pool: Pool, **bound: Any) -> dict[str, Any]:
    """What the pool page shows `request.user`; `bound` replaces an empty form with the one
    the user just submitted (so their input and the errors stay)."""
    can_change = rules.can_change_pool(request.user, pool) and pool.status == PoolStatus.OPEN
    live = pool.proposal_status == ProposalStatus.READY and pool.status == PoolStatus.OPEN
    data = proposal_selectors.pool_input(pool) if live else None
    experienced_years = (
        data.settings.experienced_years
        if data
        else selectors.settings_for_municipality(
            selectors.owner_municipality_id(pool)
        ).experienced_years
    )
    members = selectors.pool_members(pool, experienced_years=experienced_years)
    proposal = proposal_selectors.proposal_view(pool, members, data=data)
    move = bound.pop("move", None)  # (family key, bound form)
    groups_count = len(proposal.groups)

    def move_form(view: selectors.MemberView, current: int | None) -> forms.MoveForm | None:
        if not can_change or groups_count < 1 or (current is not None and groups_count < 2):
            return None
        if move is not None and move[0] == view.key:
            return move[1]  # type: ignore[no-any-return]
        return _move_form(pool, view.family, groups_count, current)

    context: dict[str, Any] = {
        "pool": pool,
        "members": members,
        "proposal": proposal,
        "can_change": can_change,
        "groups": [
            (group, [(row, move_form(row.view, group.number)) for row in group.members])
            for group in proposal.groups
        ],
        "unplaced": [(view, reason, move_form(view, None)) for view, reason in proposal.unplaced],
        "not_in_proposal": [(view, move_form(view, None)) for view in proposal.not_in_proposal],
        "separations": list(selectors.separations_for(request.user, pool)),
    }
    if can_change:
        context["version_form"] = forms.VersionForm(version=pool.version)
        context["separation_form"] = forms.SeparationForm(families=_pool_families(request, pool))
        if proposal.is_ready and proposal.groups:
            context["accept_form"] = forms.AcceptForm(
                version=pool.version,
                facilitators=selectors.facilitators_for(pool),
                names=[
                    services.default_group_name(pool, group.number) for group in proposal.groups
                ],
                actor=request.user,
            )
    context.update(bound)
    return context


def _render_detail(request: AuthenticatedHttpRequest, pool: Pool, **bound: Any) -> HttpResponse:
    return render(request, "networks/pool_detail.html", _detail_context(request, pool, **bound))


def _pool_families(request: AuthenticatedHttpRequest, pool: Pool) -> Any:
    return (
        selectors.composable_families(request.user)
        .filter(pk__in=pool.members.values("family_id"))
        .order_by("name")
    )


def _pool_to_change(request: AuthenticatedHttpRequest, uuid: str) -> Pool:
    pool = selectors.get_pool_for(request.user, uuid, audit=False)
    if not rules.can_change_pool(request.user, pool):
        raise PermissionDenied
    return pool


def _to_detail(pool: Pool, anchor: str = "") -> HttpResponse:
    url = reverse("networks:pool_detail", args=[pool.uuid])
    return redirect(f"{url}#{anchor}" if anchor else url)


# -- adding families ------------------------------------------------------------------------


def pool_add_families(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """Choose families to add; those in an active network group are listed as not
    available, with the reason. At most `ADD_LIMIT` are listed at once (a municipality may
    have a thousand): the search narrows them."""
    pool = _pool_to_change(request, uuid)
    search = forms.FamilySearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    candidates = list(
        selectors.addable_families(request.user, pool, query)[: selectors.ADD_LIMIT + 1]
    )
    form = forms.AddFamiliesForm(
        request.POST or None,
        families=selectors.available_families(request.user, pool),
        version=pool.version,
    )
    added = run_form_action(
        form,
        lambda data: services.add_families(
            actor=request.user,
            pool=pool,
            families=list(data["families"]),
            expected_version=data["version"],
        ),
    )
    if added is not None:
        messages.success(
            request,
            _("%(count)d families were added to the pool.") % {"count": len(added.value)},
        )
        return _to_detail(pool, "families")
    return render(
        request,
        "networks/pool_add_families.html",
        {
            "pool": pool,
            "form": form,
            "search": search,
            "candidates": candidates[: selectors.ADD_LIMIT],
            "more": len(candidates) > selectors.ADD_LIMIT,
            "chosen": form.chosen(),
        },
    )


# -- actions on one family ------------------------------------------------------------------

Action = Callable[[AuthenticatedHttpRequest, Pool, FosterFamily, int], object]


def _family_action(
    request: AuthenticatedHttpRequest,
    uuid: str,
    family_uuid: str,
    action: Action,
    success: str,
    anchor: str,
) -> HttpResponse:
    pool = _pool_to_change(request, uuid)
    family = selectors.pool_family(pool, family_uuid)
    form = forms.VersionForm(request.POST)
    if (
        run_form_action(form, lambda data: action(request, pool, family, data["version"]))
        is not None
    ):
        messages.success(request, success % {"family": family.name})
        return _to_detail(pool, anchor)
    pool.refresh_from_db()
    return _render_detail(request, pool, action_form=form)


@require_POST
def pool_remove_family(request: AuthenticatedHttpRequest, uuid: str, family: str) -> HttpResponse:
    return _family_action(
        request,
        uuid,
        family,
        lambda r, p, f, v: services.remove_family(
            actor=r.user, pool=p, family=f, expected_version=v
        ),
        _("%(family)s was removed from the pool."),
        "families",
    )


@require_POST
def pool_exclude(request: AuthenticatedHttpRequest, uuid: str, family: str) -> HttpResponse:
    return _family_action(
        request,
        uuid,
        family,
        lambda r, p, f, v: services.set_excluded(
            actor=r.user, pool=p, family=f, excluded=True, expected_version=v
        ),
        _("%(family)s is left out of the proposal."),
        "families",
    )


@require_POST
def pool_include(request: AuthenticatedHttpRequest, uuid: str, family: str) -> HttpResponse:
    return _family_action(
        request,
        uuid,
        family,
        lambda r, p, f, v: services.set_excluded(
            actor=r.user, pool=p, family=f, excluded=False, expected_version=v
        ),
        _("%(family)s is included again. Compute the proposal again to place the family."),
        "families",
    )


@require_POST
def pool_pin(request: AuthenticatedHttpRequest, uuid: str, family: str) -> HttpResponse:
    return _family_action(
        request,
        uuid,
        family,
        lambda r, p, f, v: services.pin_family(
            actor=r.user, pool=p, family=f, pinned=True, expected_version=v
        ),
        _("%(family)s is pinned to its group."),
        "proposal",
    )


@require_POST
def pool_unpin(request: AuthenticatedHttpRequest, uuid: str, family: str) -> HttpResponse:
    return _family_action(
        request,
        uuid,
        family,
        lambda r, p, f, v: services.pin_family(
            actor=r.user, pool=p, family=f, pinned=False, expected_version=v
        ),
        _("%(family)s is no longer pinned."),
        "proposal",
    )


@require_POST
def pool_move(request: AuthenticatedHttpRequest, uuid: str, family: str) -> HttpResponse:
    pool = _pool_to_change(request, uuid)
    moved = selectors.pool_family(pool, family)
    groups = len(pool.proposal.get("groups", []))
    form = _move_form(pool, moved, groups, None, request.POST)
    done = run_form_action(
        form,
        lambda data: services.move_family(
            actor=request.user,
            pool=pool,
            family=moved,
            group=data["group"],
            expected_version=data["version"],
        ),
    )
    if done is not None:
        messages.success(
            request,
            _("%(family)s was moved to group %(group)d and pinned there.")
            % {"family": moved.name, "group": form.cleaned_data["group"]},
        )
        return _to_detail(pool, "proposal")
    pool.refresh_from_db()
    return _render_detail(request, pool, move=(str(moved.uuid), form))


# -- separations ----------------------------------------------------------------------------


@require_POST
def separation_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    pool = _pool_to_change(request, uuid)
    form = forms.SeparationForm(request.POST, families=_pool_families(request, pool))
    recorded = run_form_action(
        form,
        lambda data: services.record_separation(
            actor=request.user,
            family_a=data["family_a"],
            family_b=data["family_b"],
            reason=data["reason"],
        ),
    )
    if recorded is not None:
        messages.success(request, _("The two families will not be put in one group."))
        return _to_detail(pool, "separations")
    return _render_detail(request, pool, separation_form=form)


@require_POST
def separation_delete(
    request: AuthenticatedHttpRequest, uuid: str, separation: str
) -> HttpResponse:
    pool = _pool_to_change(request, uuid)
    record = selectors.get_separation_for(request.user, separation)
    try:
        services.remove_separation(actor=request.user, separation=record)
    except PermissionDeniedError:
        raise PermissionDenied from None
    messages.success(request, _("The separation was removed."))
    return _to_detail(pool, "separations")


# -- computing and accepting ----------------------------------------------------------------


@require_POST
def pool_propose(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    pool = _pool_to_change(request, uuid)
    form = forms.VersionForm(request.POST)
    requested = run_form_action(
        form,
        lambda data: proposal_services.request_proposal(
            actor=request.user, pool=pool, expected_version=data["version"]
        ),
    )
    if requested is not None:
        return _to_detail(pool, "proposal")
    pool.refresh_from_db()
    return _render_detail(request, pool, action_form=form)


@require_POST
def pool_accept(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    pool = _pool_to_change(request, uuid)
    groups = len(pool.proposal.get("groups", []))
    form = forms.AcceptForm(
        request.POST,
        facilitators=selectors.facilitators_for(pool),
        names=[services.default_group_name(pool, n) for n in range(1, groups + 1)],
        actor=request.user,
    )
    created = run_form_action(
        form,
        lambda data: services.accept_proposal(
            actor=request.user,
            pool=pool,
            facilitator=data["facilitator"],
            names=form.group_names(),
            expected_version=data["version"],
        ),
    )
    if created is not None:
        messages.success(
            request,
            _("%(count)d network groups were created.") % {"count": len(created.value)},
        )
        return _to_detail(pool)
    pool.refresh_from_db()
    return _render_detail(request, pool, accept_form=form)


urlpatterns: list[URLPattern] = [
    path("networks/pools/", pool_list, name="pool_list"),
    path("networks/pools/create/", pool_create, name="pool_create"),
    path("networks/pools/<uuid:uuid>/", pool_detail, name="pool_detail"),
    path("networks/pools/<uuid:uuid>/families/", pool_add_families, name="pool_add_families"),
    path(
        "networks/pools/<uuid:uuid>/families/<uuid:family>/remove/",
        pool_remove_family,
        name="pool_remove_family",
    ),
    path(
        "networks/pools/<uuid:uuid>/families/<uuid:family>/exclude/",
        pool_exclude,
        name="pool_exclude",
    ),
    path(
        "networks/pools/<uuid:uuid>/families/<uuid:family>/include/",
        pool_include,
        name="pool_include",
    ),
    path("networks/pools/<uuid:uuid>/families/<uuid:family>/pin/", pool_pin, name="pool_pin"),
    path("networks/pools/<uuid:uuid>/families/<uuid:family>/unpin/", pool_unpin, name="pool_unpin"),
    path("networks/pools/<uuid:uuid>/families/<uuid:family>/move/", pool_move, name="pool_move"),
    path(
        "networks/pools/<uuid:uuid>/separations/", separation_create, name="pool_separation_create"
    ),
    path(
        "networks/pools/<uuid:uuid>/separations/<uuid:separation>/delete/",
        separation_delete,
        name="pool_separation_delete",
    ),
    path("networks/pools/<uuid:uuid>/proposal/", pool_proposal, name="pool_proposal"),
    path("networks/pools/<uuid:uuid>/proposal/compute/", pool_propose, name="pool_propose"),
    path("networks/pools/<uuid:uuid>/proposal/accept/", pool_accept, name="pool_accept"),
]
