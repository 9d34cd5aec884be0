"""Where the current request came from, for audit entries written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str
    channel: str  # "ui", "api" or "cli"


_origin: ContextVar[RequestOrigin | None] = ContextVar("samspil_request_origin", default=None)


def current_origin() -> RequestOrigin | None:
    return _origin.get()


def set_origin(origin: RequestOrigin | None) -> object:
    return _origin.set(origin)


def reset_origin(token: object) -> None:
    _origin.reset(token)  # type: ignore[arg-type]
