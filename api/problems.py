"""Every error the API answers is an RFC 9457 problem document, rendered by one handler table.

:data:`HANDLERS` maps exception classes to renderers: bigfinder's own errors (which carry their HTTP
status and title), request validation errors (422, with the field errors), HTTP errors of the framework
(an unknown route, a wrong method) and anything unexpected (500, logged, no internals shown). A 503
tells the client when to retry; a 429 when its next token is due; a 401 how to authenticate.

>>> problem_body(404, "Entity not found", "no Person 'P9'", "/v1/entities/Person/P9", "entity-not-found")
{'type': 'urn:bigfinder:problem:entity-not-found', 'title': 'Entity not found', 'status': 404, \
'detail': "no Person 'P9'", 'instance': '/v1/entities/Person/P9'}
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from bigfinder.errors import BigfinderError, NotAuthenticated, RateLimited
from bigfinder.settings import Settings

__all__ = ["HANDLERS", "PROBLEM_MEDIA_TYPE", "install_problem_handlers", "problem_body", "problem_response"]

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TYPE_PREFIX = "urn:bigfinder:problem:"
_log = logging.getLogger("bigfinder.api")

Handler = Callable[[Request, Exception], Awaitable[Response]]


def problem_body(
    status: int, title: str, detail: str, instance: str, slug: str, **extensions: Any
) -> dict[str, Any]:
    """The problem document's members; ``extensions`` (such as ``errors``) are added as they are."""
    return {
        "type": f"{_TYPE_PREFIX}{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extensions,
    }


def problem_response(
    request: Request,
    status: int,
    title: str,
    detail: str,
    slug: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """A problem document for ``request`` as an ``application/problem+json`` response."""
    return JSONResponse(
        problem_body(status, title, detail, request.url.path, slug, **extensions),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


async def _bigfinder_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BigfinderError)
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after_s)
    elif exc.status == HTTPStatus.SERVICE_UNAVAILABLE:
        settings: Settings = request.app.state.settings
        headers["Retry-After"] = str(settings.api_retry_after_s)
    elif isinstance(exc, NotAuthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if exc.status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        _log.warning("%s %s: %s", request.method, request.url.path, exc.detail)
    return problem_response(request, exc.status, exc.title, exc.detail, exc.slug, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # loc, msg and type only: the input and the context may echo what the client sent back at it.
    errors = [
        {
            "loc": [str(part) for part in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
    return problem_response(
        request,
        422,
        "Invalid request",
        f"the request is not valid: {where}",
        "invalid-request",
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = HTTPStatus(exc.status_code).phrase
    slug = title.lower().replace(" ", "-")
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(request, exc.status_code, title, detail, slug, headers=headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    _log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        request, 500, "Internal error", "an unexpected error occurred; it has been logged", "internal-error"
    )


#: The one table of error renderers, most specific first (Starlette picks by the exception's class).
HANDLERS: dict[type[Exception], Handler] = {
    BigfinderError: _bigfinder_error,
    RequestValidationError: _validation_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}


def install_problem_handlers(app: FastAPI) -> None:
    """Register :data:`HANDLERS` on ``app``."""
    for exc_class, handler in HANDLERS.items():
        app.add_exception_handler(exc_class, handler)
