"""The versioned REST API, /api/v1/. Every router calls the same selectors, services and
policies as the UI; authentication is by personal API token (Authorization: Bearer …)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from samspil.accounts.models import User
from samspil.accounts.services import authenticate_token
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Samspil API",
    version="1",
    description=(
        "Samspil's REST API. Authenticate with a personal API token: `Authorization: Bearer <token>`. "
        "Every request sees exactly what the token's owner sees in the UI, and reads of families and "
        "children are written to the audit log."
    ),
    auth=TokenAuth(),
    urls_namespace="api-v1",
)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": "Authentication required: send a valid token as 'Authorization: Bearer <token>'."
        },
        status=401,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDeniedError)
def forbidden(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "You may see this record but not change it."}, status=403
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, Any]
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    detail = [
        {"loc": ["body", field], "msg": " ".join(messages), "type": "validation_error"}
        for field, messages in errors.items()
    ]
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(ConcurrentEditError)
def conflict(request: HttpRequest, exc: ConcurrentEditError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=409)


def _register_routers() -> None:
    from samspil.competence.api import router as competence_router
    from samspil.development.api import router as development_router
    from samspil.families.api import router as families_router
    from samspil.hotline.api import router as hotline_router
    from samspil.measures.api import router as measures_router
    from samspil.networks.api import router as networks_router
    from samspil.organisations.api import router as organisations_router
    from samspil.transitions.api import router as transitions_router

    api.add_router("/", organisations_router)
    api.add_router("/", families_router)
    api.add_router("/", competence_router)
    api.add_router("/", networks_router)
    api.add_router("/", hotline_router)
    api.add_router("/", development_router)
    api.add_router("/", transitions_router)
    api.add_router("/", measures_router)


_register_routers()
