"""The scanner's routes, under ``/v1/xray``: the same router serves the X-ray app and the API.

A request is checked whole (a hit, or ``{"hits": [...]}`` of up to :data:`~xray_service.models.MAX_BATCH`)
before anything is spooled; the answer comes only once the new hits are on disk: 202 when the request
brought new hits, 200 when every hit was a repeat of one already accepted, 409 (nothing spooled) when a
scan id was already accepted with other content.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response
from pydantic import Discriminator, Tag

from api.access import Principal, Role
from api.schemas import ProblemPublic
from api.security import RoleGuard
from xray_service.intake import XRayIntake
from xray_service.models import HitBatch, HitReceipt, IntakeReceipt, ReceiptStatus, SpoolStatus, XRayHitIn
from xray_service.spool import Verdict

__all__ = ["XRAY_PREFIX", "IntakeDep", "Scanner", "router"]

XRAY_PREFIX = "/v1/xray"

#: Posting hits and watching the spool: scanner keys (and admins).
Scanner = Annotated[Principal, Depends(RoleGuard(Role.SCANNER))]


def _intake(request: Request) -> XRayIntake:
    intake: XRayIntake = request.app.state.xray
    return intake


IntakeDep = Annotated[XRayIntake, Depends(_intake)]


def _body_shape(value: Any) -> str:
    """A batch is an object with ``hits``; anything else is read as one hit (errors name its fields)."""
    return "batch" if isinstance(value, dict) and "hits" in value else "hit"


HitsBody = Annotated[
    Annotated[XRayHitIn, Tag("hit")] | Annotated[HitBatch, Tag("batch")], Discriminator(_body_shape)
]

_CONFLICT = {
    409: {
        "model": ProblemPublic,
        "description": "A scan id was already accepted with other content; nothing was spooled",
        "content": {"application/problem+json": {}},
    },
    200: {"model": IntakeReceipt, "description": "Every hit repeats one already accepted"},
}

router = APIRouter(prefix=XRAY_PREFIX, tags=["x-ray scanners"])


@router.post(
    "/hits",
    status_code=202,
    summary="Post one scanner hit or a batch; acknowledged once on disk",
    responses=_CONFLICT,  # type: ignore[arg-type]
)
async def post_hits(
    principal: Scanner, intake: IntakeDep, response: Response, body: Annotated[HitsBody, Body()]
) -> IntakeReceipt:
    hits = body.hits if isinstance(body, HitBatch) else [body]
    verdicts = await intake.accept(hits)
    receipts = [
        HitReceipt(scan_id=hit.scan_id, status=ReceiptStatus(verdict.value))
        for hit, verdict in zip(hits, verdicts, strict=True)
    ]
    accepted = sum(v is Verdict.ACCEPTED for v in verdicts)
    if not accepted:
        response.status_code = 200
    return IntakeReceipt(accepted=accepted, duplicates=len(verdicts) - accepted, receipts=receipts)


@router.get("/spool", summary="Hits waiting for the graph and hits already drained")
def spool_status(principal: Scanner, intake: IntakeDep, request: Request) -> SpoolStatus:
    counts = intake.counts()
    return SpoolStatus(
        pending=counts.pending,
        drained=counts.drained,
        last_drain_error=intake.stats.last_error,
        class_map_version=intake.class_map.version,
        mode="standalone" if getattr(request.app.state, "xray_standalone", False) else "mounted",
    )
