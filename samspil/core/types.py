from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from samspil.accounts.models import User

# Whoever is asking: a policy answers for logged-in and anonymous users alike.
UserLike = AbstractBaseUser | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def request_user(request: HttpRequest) -> User:
    """The authenticated user of a request that passed authentication (API token or session)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("request_user() needs an authenticated request")
    return user
