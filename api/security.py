"""Who may call what: API keys as bearer tokens, role guards, the per-key rate limit, stated purposes.

A route declares its callers with one of the ``Annotated`` guards below (``Reader``, ``Admin`` ...); a
guard is a :class:`RoleGuard` dependency, so no route body checks a role with an ``if``. A guard
authenticates the key (401), spends a token of its rate limit (429) and checks the role (403), in that
order, so rejected calls count against the limit too. Admins pass every guard.

The guards and purposes are ``async``: they do no I/O but one indexed SQLite read of the key, and a plain
``def`` dependency would cost a thread-pool hop per request (the score lookup's budget is a millisecond).

Routes that show personal data also take :data:`Purpose`: the ``X-Purpose`` header or the ``purpose``
query parameter (for text a header cannot carry), recorded in the audit log with each entity shown.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.access import AccessStore, Principal, Role
from api.ratelimit import RateLimiter
from bigfinder.errors import Forbidden, NotAuthenticated, PurposeRequired, RateLimited

__all__ = [
    "Admin",
    "AlertWorker",
    "AnyRole",
    "CaseLead",
    "CaseWorker",
    "FeatureWriter",
    "OptionalPurpose",
    "Purpose",
    "Reader",
    "RoleGuard",
    "ScoreReader",
    "authenticate",
    "stated_purpose",
]

_bearer = HTTPBearer(auto_error=False, description="An API key from `bigfinder api key create`.")


def authenticate(access: AccessStore, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """The key's holder; 401 without a bearer key or with an unknown or revoked one."""
    if credentials is None:
        raise NotAuthenticated("send an API key as 'Authorization: Bearer <key>'")
    principal = access.principal_for(credentials.credentials)
    if principal is None:
        raise NotAuthenticated("the API key is unknown or has been revoked")
    return principal


class RoleGuard:
    """A dependency admitting keys of ``roles`` (and admins) within their rate limit."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles) | {Role.ADMIN}

    # The key is checked here, not in a dependency of its own: each dependency FastAPI solves costs
    # tens of microseconds a request, a good part of a score lookup's.
    async def __call__(
        self,
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        principal = authenticate(request.app.state.access, credentials)
        limiter: RateLimiter = request.app.state.limiter
        wait_s = limiter.take(principal.key_id)
        if wait_s > 0:
            raise RateLimited(
                f"key {principal.key_id} is over its limit of {limiter.capacity:.0f} requests a minute",
                retry_after_s=max(1, math.ceil(wait_s)),
            )
        if principal.role not in self.roles:
            allowed = ", ".join(sorted(self.roles))
            raise Forbidden(f"a {principal.role} key may not use this route; it needs one of: {allowed}")
        return principal

    def __repr__(self) -> str:
        return f"RoleGuard({', '.join(sorted(self.roles))})"


#: Health and readiness: any valid key.
AnyRole = Annotated[Principal, Depends(RoleGuard(*Role))]
#: Reading entities, networks, paths, rings and alerts.
Reader = Annotated[Principal, Depends(RoleGuard(Role.INVESTIGATOR, Role.ANALYST))]
#: Moving an alert along its workflow.
AlertWorker = Annotated[Principal, Depends(RoleGuard(Role.INVESTIGATOR))]
#: Batch score lookup.
ScoreReader = Annotated[Principal, Depends(RoleGuard(Role.MODEL_SERVICE, Role.ANALYST))]
#: Writing a model's features.
FeatureWriter = Annotated[Principal, Depends(RoleGuard(Role.MODEL_SERVICE))]
#: Working a case: create it, read it, add entities, relationships, notes and evidence.
CaseWorker = Annotated[Principal, Depends(RoleGuard(Role.INVESTIGATOR, Role.ANALYST))]
#: Deciding on a case: assign it and move it along its workflow (close, reopen). Investigators answer
#: for a case's outcome, as they do for an alert's; analysts support them.
CaseLead = Annotated[Principal, Depends(RoleGuard(Role.INVESTIGATOR))]
#: Audit log, metrics, ingest uploads.
Admin = Annotated[Principal, Depends(RoleGuard(Role.ADMIN))]


def _purpose_text(header: str | None, query: str | None) -> str:
    return (header or query or "").strip()


async def stated_purpose(
    x_purpose: Annotated[str | None, Header(max_length=500, description="Why the data is read.")] = None,
    purpose: Annotated[
        str | None, Query(max_length=500, description="Why, when no header can be sent.")
    ] = None,
) -> str:
    """The stated purpose of a personal-data read; 400 when there is none."""
    text = _purpose_text(x_purpose, purpose)
    if not text:
        raise PurposeRequired("state why you read this data in an X-Purpose header or a purpose parameter")
    return text


async def optional_purpose(
    x_purpose: Annotated[str | None, Header(max_length=500, description="Why the data is read.")] = None,
    purpose: Annotated[
        str | None, Query(max_length=500, description="Why, when no header can be sent.")
    ] = None,
) -> str | None:
    """The stated purpose if any (score lookups by model services, whose key names the purpose)."""
    return _purpose_text(x_purpose, purpose) or None


Purpose = Annotated[str, Depends(stated_purpose)]
OptionalPurpose = Annotated[str | None, Depends(optional_purpose)]
