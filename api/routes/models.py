"""For risk models: single and batch score lookups and feature writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from api.deps import AccessDep, InvestigationDep, ScoreLookupsDep
from api.routes.base import versioned_router
from api.schemas import (
    EntityKey,
    EntityLabel,
    EntityRef,
    EntityScoresPublic,
    FeatureWritePublic,
    FeatureWriteRequest,
    ScoreBatchPublic,
    ScoreBatchRequest,
)
from api.score_lookups import scores_json
from api.security import FeatureWriter, OptionalPurpose, ScoreReader

__all__ = ["router"]

router = versioned_router("risk models")


# async, on the event loop: the lookup joins the next shared read and queues its audit row
# (api.score_lookups), so the route never blocks the loop and needs no thread of its own. Both score
# routes answer ready JSON (api.score_lookups says why) and declare their public model for the schema.
@router.get(
    "/scores/{label}/{key}",
    summary="One entity's analytics scores (the fast single lookup)",
    response_model=EntityScoresPublic,
)
async def entity_scores(
    principal: ScoreReader,
    purpose: OptionalPurpose,
    lookups: ScoreLookupsDep,
    label: Annotated[EntityLabel, Path(description="The entity's label.")],
    key: Annotated[EntityKey, Path(description="The entity's key.")],
) -> Response:
    scores = await lookups.lookup(
        EntityRef(label=label, key=key), principal, purpose or f"score lookup by {principal.role}"
    )
    return Response(scores_json(scores), media_type="application/json")


# Plain def: the read and the JSON of 1,000 entities run on a worker thread, off the event loop.
@router.post(
    "/scores/batch",
    summary="Analytics scores of up to 1,000 entities in one call",
    response_model=ScoreBatchPublic,
)
def score_batch(
    principal: ScoreReader, purpose: OptionalPurpose, lookups: ScoreLookupsDep, request: ScoreBatchRequest
) -> Response:
    answer = lookups.batch(request.refs, principal, purpose or f"score lookup by {principal.role}")
    return Response(answer, media_type="application/json")


@router.post("/features", summary="Write a named model version's features for up to 1,000 entities")
def write_features(
    principal: FeatureWriter, investigation: InvestigationDep, access: AccessDep, request: FeatureWriteRequest
) -> FeatureWritePublic:
    written = investigation.write_features(request)
    access.record(
        principal,
        "features.write",
        [f"{r.label}:{r.key}" for r in request.rows],
        f"features of {request.model} {request.version}",
    )
    return written
