"""Rings found by the detectors, and the same rings as alerts with their review workflow."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.deps import AccessDep, InvestigationDep
from api.routes.base import versioned_router
from api.schemas import AlertStatus, AlertStatusUpdate, Page, RingPublic, RingSummaryPublic
from api.security import AlertWorker, Purpose, Reader

__all__ = ["router"]

router = versioned_router("rings and alerts")

RingIdPath = Annotated[str, Path(min_length=1, max_length=200, description="scheme:digest")]
SchemeQuery = Annotated[str | None, Query(max_length=100, description="One detector scheme.")]
OffsetQuery = Annotated[int, Query(ge=0, le=100_000)]
LimitQuery = Annotated[int, Query(ge=1, le=200)]


@router.get("/rings", summary="Rings ranked within their scheme")
def list_rings(
    _: Reader,
    investigation: InvestigationDep,
    scheme: SchemeQuery = None,
    status: AlertStatus | None = None,
    include_stale: bool = False,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 50,
) -> Page[RingSummaryPublic]:
    return investigation.rings(
        alerts=False, scheme=scheme, status=status, include_stale=include_stale, offset=offset, limit=limit
    )


@router.get("/rings/{ring_id}", summary="A ring with its members, evidence and runs")
def get_ring(
    principal: Reader,
    purpose: Purpose,
    investigation: InvestigationDep,
    access: AccessDep,
    ring_id: RingIdPath,
) -> RingPublic:
    ring = investigation.ring(ring_id)
    _audit_ring(access, principal, "ring.read", ring, purpose)
    return ring


@router.get("/alerts", summary="Alerts (current rings, and stale ones under review), strongest first")
def list_alerts(
    _: Reader,
    investigation: InvestigationDep,
    scheme: SchemeQuery = None,
    status: AlertStatus | None = None,
    offset: OffsetQuery = 0,
    limit: LimitQuery = 50,
) -> Page[RingSummaryPublic]:
    return investigation.rings(
        alerts=True, scheme=scheme, status=status, include_stale=False, offset=offset, limit=limit
    )


@router.get("/alerts/{ring_id}", summary="An alert: its ring, members, evidence and status history")
def get_alert(
    principal: Reader,
    purpose: Purpose,
    investigation: InvestigationDep,
    access: AccessDep,
    ring_id: RingIdPath,
) -> RingPublic:
    ring = investigation.ring(ring_id)
    _audit_ring(access, principal, "alert.read", ring, purpose)
    return ring


@router.post(
    "/alerts/{ring_id}/status",
    summary="Move an alert: new -> in_review -> escalated | dismissed (409 otherwise)",
)
def change_alert_status(
    principal: AlertWorker,
    investigation: InvestigationDep,
    access: AccessDep,
    ring_id: RingIdPath,
    update: AlertStatusUpdate,
) -> RingPublic:
    ring = investigation.change_alert_status(ring_id, update.status, principal.owner, update.note)
    access.record(
        principal, f"alert.{update.status.value}", [f"Ring:{ring_id}"], update.note or "status change"
    )
    return ring


def _audit_ring(access: AccessDep, principal: Reader, action: str, ring: RingPublic, purpose: str) -> None:
    members = [f"{m.label}:{m.key}" for m in ring.members]
    access.record(principal, action, [f"Ring:{ring.ring_id}", *members], purpose)
