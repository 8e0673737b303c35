"""Health, readiness, metrics and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import AccessDep, InvestigationDep
from api.metrics import ApiMetrics
from api.routes.base import versioned_router
from api.schemas import AuditRecordPublic, HealthPublic, Page, ReadyPublic
from api.security import Admin, AnyRole
from bigfinder import __version__

__all__ = ["metrics_router", "router"]

router = versioned_router("service")
metrics_router = APIRouter(tags=["service"])


@router.get("/health", summary="The service is up")
def health(_: AnyRole) -> HealthPublic:
    return HealthPublic(status="ok", version=__version__)


@router.get("/ready", summary="Neo4j answers (503 with Retry-After while it does not)")
def ready(_: AnyRole, investigation: InvestigationDep) -> ReadyPublic:
    investigation.ping()
    return ReadyPublic(status="ready", neo4j="reachable")


# Admin only: request counts by route reveal what investigators are working on, and a scraper gets a
# key of its own (Prometheus sends it with `authorization: credentials_file`).
@metrics_router.get("/metrics", summary="Prometheus metrics (admin)", response_class=Response)
def metrics(_: Admin, request: Request) -> Response:
    registry = request.app.state.metrics
    assert isinstance(registry, ApiMetrics)
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/audit", summary="Who read which entity, when and why (admin)")
def audit(
    _: Admin,
    access: AccessDep,
    owner: Annotated[str | None, Query(max_length=200)] = None,
    subject: Annotated[
        str | None, Query(max_length=300, description="An entity (Person:P1) or ring id.")
    ] = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
    since: datetime | None = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1_000)] = 100,
) -> Page[AuditRecordPublic]:
    rows = access.audit(
        owner=owner, subject=subject, action=action, since=since, offset=offset, limit=limit + 1
    )
    items = [AuditRecordPublic.model_validate(row, from_attributes=True) for row in rows]
    return Page[AuditRecordPublic](
        items=items[:limit],
        offset=offset,
        limit=limit,
        next_offset=offset + limit if len(items) > limit else None,
    )
