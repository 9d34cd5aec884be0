from __future__ import annotations

from django.http import HttpRequest

from samspil.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
