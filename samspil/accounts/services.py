"""Writes for accounts: API tokens and staff management. Audited."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts import rules
from samspil.accounts.enums import MUNICIPAL_ROLES, Role
from samspil.accounts.models import ApiToken, Membership, User
from samspil.accounts.scopes import forget_scope
from samspil.accounts.tokens import hash_token, new_token
from samspil.audit.services import log_action
from samspil.core.exceptions import PermissionDeniedError
from samspil.organisations.models import Municipality


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token. Returns the record and the token, which is shown once."""
    token = new_token()
    record = ApiToken.objects.create(
        user=user, name=name[:100] or "API", prefix=token[:12], token_hash=hash_token(token)
    )
    log_action(
        "accounts.api_token.create", actor=user, data={"token": record.prefix, "name": record.name}
    )
    return record, token


@transaction.atomic
def revoke_api_token(*, user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise PermissionDeniedError
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log_action("accounts.api_token.revoke", actor=user, data={"token": token.prefix})


def authenticate_token(token: str) -> User | None:
    record = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user


def invitation_link(user: User, request: HttpRequest | None) -> str:
    """A one-time link (Django's token generator) where the person chooses a password."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return (
        request.build_absolute_uri(path)
        if request
        else settings.SAMSPIL_BASE_URL.rstrip("/") + path
    )


def send_invitation(*, user: User, link: str) -> None:
    context = {"user": user, "link": link}
    send_mail(
        subject=render_to_string("accounts/email/invite_subject.txt", context).strip(),
        message=render_to_string("accounts/email/invite_body.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def _require_leader_of(actor: User, municipality: Municipality) -> None:
    if municipality.pk not in rules.staff_municipalities(actor):
        raise PermissionDeniedError


@transaction.atomic
def invite_staff(
    *,
    actor: User,
    municipality: Municipality,
    role: Role,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    request: HttpRequest | None = None,
) -> User:
    """Create a staff account in the leader's municipality with one role, and e-mail the person
    a link to choose a password (they set up two-factor at first login)."""
    _require_leader_of(actor, municipality)
    if role not in MUNICIPAL_ROLES:
        raise ValidationError({"role": _("Choose a municipal role.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("That username is taken.")})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    Membership.objects.create(user=user, role=role, municipality=municipality)
    log_action(
        "accounts.staff.create",
        actor=actor,
        municipality_id=municipality.pk,
        data={"user": user.username, "role": role},
    )
    if email:
        link = invitation_link(user, request)
        transaction.on_commit(lambda: send_invitation(user=user, link=link))
    return user


@transaction.atomic
def grant_role(*, actor: User, user: User, municipality: Municipality, role: Role) -> Membership:
    _require_leader_of(actor, municipality)
    if role not in MUNICIPAL_ROLES:
        raise ValidationError({"role": _("Choose a municipal role.")})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, role=role, municipality=municipality)
    except IntegrityError:
        raise ValidationError({"role": _("The person already has this role.")}) from None
    forget_scope(user)
    log_action(
        "accounts.role.grant",
        actor=actor,
        municipality_id=municipality.pk,
        data={"user": user.username, "role": role},
    )
    return membership


@transaction.atomic
def revoke_role(*, actor: User, membership: Membership) -> None:
    if membership.municipality is None:
        raise PermissionDeniedError
    _require_leader_of(actor, membership.municipality)
    if membership.user_id == actor.pk and membership.role == Role.LEADER:
        raise ValidationError(_("You cannot remove your own leader role."))
    if (
        membership.role == Role.CONSULTANT
        and membership.user.consultant_assignments.filter(
            ends_on__isnull=True, family__municipality=membership.municipality
        ).exists()
    ):
        raise ValidationError(
            _("The consultant is still the fixed consultant of families. Reassign them first.")
        )
    log_action(
        "accounts.role.revoke",
        actor=actor,
        municipality_id=membership.municipality_id,
        data={"user": membership.user.username, "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def set_staff_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate (or reactivate) a staff member who works only in the leader's municipalities.
    A deactivated person cannot log in and their API tokens stop working. Audited."""
    leader_of = rules.staff_municipalities(actor)
    memberships = list(user.memberships.values_list("municipality_id", flat=True))
    if not leader_of or not memberships or any(m not in leader_of for m in memberships):
        raise PermissionDeniedError
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if not active and user.consultant_assignments.filter(ends_on__isnull=True).exists():
        raise ValidationError(
            _("The consultant is still the fixed consultant of families. Reassign them first.")
        )
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        log_action(
            "accounts.staff.activate" if active else "accounts.staff.deactivate",
            actor=actor,
            municipality_id=next(iter(memberships)),
            data={"user": user.username},
        )
    return user
