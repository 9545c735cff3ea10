"""Who and where the current unit of work comes from: request id and client address.

Set by middleware for web requests and by Celery signals for tasks, so that logs and audit events
carry the same request id without every function having to pass the request along.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar, Token
from dataclasses import dataclass

_REQUEST_ID_SHAPE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None = None


_current: ContextVar[RequestContext | None] = ContextVar("workbench_request_context", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def sanitise_request_id(candidate: str | None) -> str:
    """Accept an upstream id (our load balancer's) only when it is short and plain."""
    if candidate and _REQUEST_ID_SHAPE.match(candidate):
        return candidate
    return new_request_id()


def request_context_get() -> RequestContext | None:
    return _current.get()


def request_context_bind(context: RequestContext) -> Token[RequestContext | None]:
    return _current.set(context)


def request_context_reset(token: Token[RequestContext | None]) -> None:
    _current.reset(token)


def request_context_clear() -> None:
    _current.set(None)
