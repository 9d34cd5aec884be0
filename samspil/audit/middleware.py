from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from samspil.audit.context import RequestOrigin, reset_origin, set_origin


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind a trusted proxy, SAMSPIL_BEHIND_PROXY makes Django's
    SECURE_PROXY_SSL_HEADER apply; the address is then the first X-Forwarded-For hop."""
    from django.conf import settings

    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "ui"
        origin = RequestOrigin(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            channel=channel,
        )
        token = set_origin(origin)
        try:
            return self.get_response(request)
        finally:
            reset_origin(token)
