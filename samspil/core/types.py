from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from samspil.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def request_user(request: HttpRequest) -> User:
    """The authenticated user of a request that passed authentication (API token or session)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("request_user() needs an authenticated request")
    return user
