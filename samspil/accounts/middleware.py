from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from samspil.accounts.scopes import scope_for

# Paths a staff member without two-factor may still reach: setting it up, logging out, assets.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/", "/healthz", "/answer/")


def two_factor_exempt(user: object) -> bool:
    """Demo users in demo mode, and only they, may skip two-factor authentication."""
    return bool(settings.DEMO_MODE and getattr(user, "is_demo", False))


class RequireTwoFactorMiddleware:
    """Every staff role must use TOTP: a staff member without it is sent to set it up before
    they can see anything else. Foster parents may choose it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and (scope_for(user).is_staff_member or user.is_staff)
            and not two_factor_exempt(user)
            and not is_mfa_enabled(user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
