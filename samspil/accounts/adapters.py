from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Accounts are created by a leader or an administrator, never by signing up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    """Single sign-on logs in existing users (matched by verified e-mail), never creates them:
    roles come from memberships a leader grants, not from the identity provider."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        if sociallogin.is_existing:
            return
        from samspil.accounts.models import User

        email = (sociallogin.user.email or "").strip()
        verified = (
            any(
                address.verified and address.email.lower() == email.lower()
                for address in sociallogin.email_addresses
            )
            or sociallogin.account.extra_data.get("email_verified") is True
        )
        if not email or not verified:
            return
        matches = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
        if len(matches) == 1:
            sociallogin.connect(request, matches[0])
