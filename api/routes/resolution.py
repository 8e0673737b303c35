"""Entity resolution's review queue: the pairs the matcher is unsure of, and investigators' decisions."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from pydantic import BaseModel, Field

from api.deps import AccessDep
from api.routes.base import versioned_router
from api.schemas import Page
from api.security import Reader
from resolution.store import Decision, ReviewItem, ReviewQueue

__all__ = ["router"]

router = versioned_router("entity resolution")


def _queue(request: Request) -> ReviewQueue:
    queue: ReviewQueue = request.app.state.review_queue
    return queue


QueueDep = Annotated[ReviewQueue, Depends(_queue)]
PairIdPath = Annotated[str, Path(min_length=5, max_length=200, description="Person:P1|P2 or Company:C1|C2")]


class ReviewStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    STALE = "stale"


class ReviewDecision(StrEnum):
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class ReviewDecisionRequest(BaseModel):
    decision: ReviewDecision
    note: str | None = Field(default=None, max_length=2000)


class ReviewItemPublic(BaseModel):
    """A pair of records for review, with the matcher's score and evidence and the decision on it."""

    pair_id: str
    label: str
    left: str
    right: str
    score: float | None
    evidence: list[dict[str, Any]]
    status: str
    decided_by: str | None
    decided_at: str | None
    note: str | None


def _public(item: ReviewItem) -> ReviewItemPublic:
    return ReviewItemPublic(**item.__dict__)


@router.get("/resolution/reviews", summary="Pairs in the review queue, most likely matches first")
def list_reviews(
    _: Reader,
    queue: QueueDep,
    status: ReviewStatus = ReviewStatus.OPEN,
    label: Annotated[str | None, Query(pattern="^(Person|Company)$")] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ReviewItemPublic]:
    items = queue.items(status=status.value, label=label, offset=offset, limit=limit + 1)
    return Page[ReviewItemPublic](
        items=[_public(i) for i in items[:limit]],
        offset=offset,
        limit=limit,
        next_offset=offset + limit if len(items) > limit else None,
    )


@router.post(
    "/resolution/reviews/{pair_id}/decision",
    summary="Confirm or reject a pair: the link is made or removed now and by every later run",
)
def decide_review(
    principal: Reader,
    queue: QueueDep,
    access: AccessDep,
    pair_id: PairIdPath,
    decision: ReviewDecisionRequest,
) -> ReviewItemPublic:
    choice: Decision = "confirmed" if decision.decision is ReviewDecision.CONFIRMED else "rejected"
    item = queue.decide(pair_id, choice, decided_by=principal.owner, note=decision.note)
    access.record(
        principal,
        f"resolution.{item.status}",
        [f"{item.label}:{item.left}", f"{item.label}:{item.right}"],
        decision.note or "match review",
    )
    return _public(item)
