"""For risk models: batch score lookup and feature writes."""

from __future__ import annotations

from api.deps import AccessDep, InvestigationDep
from api.routes.base import versioned_router
from api.schemas import FeatureWritePublic, FeatureWriteRequest, ScoreBatchPublic, ScoreBatchRequest
from api.security import FeatureWriter, OptionalPurpose, ScoreReader

__all__ = ["router"]

router = versioned_router("risk models")


@router.post("/scores/batch", summary="Analytics scores of up to 1,000 entities in one call")
def score_batch(
    principal: ScoreReader,
    purpose: OptionalPurpose,
    investigation: InvestigationDep,
    access: AccessDep,
    request: ScoreBatchRequest,
) -> ScoreBatchPublic:
    scores = investigation.scores(request.refs)
    subjects = [f"{r.label}:{r.key}" for r in scores.results]
    access.record(principal, "scores.read", subjects, purpose or f"score lookup by {principal.role}")
    return scores


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
