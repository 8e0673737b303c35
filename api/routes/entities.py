"""Entities: search, detail, ego network and paths. Every read states its purpose and is audited."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Path, Query

from api.deps import AccessDep, InvestigationDep
from api.routes.base import versioned_router
from api.schemas import (
    NETWORK_TYPES,
    EntityKey,
    EntityLabel,
    EntityPublic,
    EntityRef,
    EntitySummaryPublic,
    NetworkPublic,
    Page,
    PathsPublic,
    RelationshipType,
)
from api.security import Purpose, Reader

__all__ = ["router"]

router = versioned_router("entities")

LabelPath = Annotated[EntityLabel, Path(description="The entity's label.")]
KeyPath = Annotated[EntityKey, Path(description="The entity's key (person_id, company_id, number ...).")]
TypesQuery = Annotated[
    list[RelationshipType] | None,
    Query(alias="type", description="Relationship types to follow (repeat); all entity links by default."),
]


@router.get("/entities", summary="Search entities by fuzzy name or by key / identifier")
def search_entities(
    principal: Reader,
    purpose: Purpose,
    investigation: InvestigationDep,
    access: AccessDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="A name, key, phone, e-mail ...")],
    by: Annotated[
        Literal["name", "identifier"], Query(description="Fuzzy name or exact identifier.")
    ] = "name",
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[EntitySummaryPublic]:
    page = investigation.search(q, by, offset, limit)
    access.record(principal, "entity.search", [f"{h.label}:{h.key}" for h in page.items], purpose)
    return page


@router.get("/entities/{label}/{key}", summary="An entity with identifiers, scores, features and rings")
def get_entity(
    principal: Reader,
    purpose: Purpose,
    investigation: InvestigationDep,
    access: AccessDep,
    label: LabelPath,
    key: KeyPath,
) -> EntityPublic:
    ref = EntityRef(label=label, key=key)
    entity = investigation.entity(ref)
    access.record(principal, "entity.read", [ref.node_id], purpose)
    return entity


@router.get("/entities/{label}/{key}/network", summary="The ego network around an entity")
def get_network(
    principal: Reader,
    purpose: Purpose,
    investigation: InvestigationDep,
    access: AccessDep,
    label: LabelPath,
    key: KeyPath,
    types: TypesQuery = None,
    hops: Annotated[int, Query(ge=1, le=3)] = 1,
    since: Annotated[date | None, Query(description="Only links on or after this day.")] = None,
    until: Annotated[date | None, Query(description="Only links on or before this day.")] = None,
    per_node_limit: Annotated[int, Query(ge=1, le=200, description="Neighbours shown per node.")] = 25,
    max_nodes: Annotated[int, Query(ge=1, le=2_000)] = 500,
) -> NetworkPublic:
    network = investigation.network(
        EntityRef(label=label, key=key),
        hops=hops,
        types=list(types or NETWORK_TYPES),
        since=since,
        until=until,
        per_node_limit=per_node_limit,
        max_nodes=max_nodes,
    )
    access.record(principal, "entity.network", [n.id for n in network.nodes], purpose)
    return network


@router.get("/paths", summary="Shortest paths between two entities")
def get_paths(
    principal: Reader,
    purpose: Purpose,
    investigation: InvestigationDep,
    access: AccessDep,
    from_label: EntityLabel,
    from_key: Annotated[EntityKey, Query()],
    to_label: EntityLabel,
    to_key: Annotated[EntityKey, Query()],
    types: TypesQuery = None,
    max_length: Annotated[int, Query(ge=1, le=6)] = 4,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> PathsPublic:
    found = investigation.paths(
        EntityRef(label=from_label, key=from_key),
        EntityRef(label=to_label, key=to_key),
        types=list(types or NETWORK_TYPES),
        max_length=max_length,
        limit=limit,
    )
    shown = dict.fromkeys(n.id for p in found.paths for n in p.nodes) or {
        found.source: None,
        found.target: None,
    }
    access.record(principal, "entity.paths", list(shown), purpose)
    return found
