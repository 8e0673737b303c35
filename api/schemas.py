"""What the API accepts and returns: ``...Public`` for answers, ``...Request`` / ``...Update`` for input.

Labels and relationship types are checked against :data:`graph.schema.SCHEMA` (and listed as enums in
the OpenAPI schema); model and feature names must be plain identifiers, because they become parts of
property names. A driver record never leaves :mod:`api.investigation`: it builds these models.

>>> EntityRef(label="Person", key="P1").node_id
'Person:P1'
>>> EntityRef(label="Smuggler", key="P1")
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for EntityRef
label
  Value error, 'Smuggler' is not an entity label; one of ...
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from graph.schema import SCHEMA

__all__ = [
    "ENTITY_LABELS",
    "MAX_BATCH",
    "NETWORK_TYPES",
    "AlertStatus",
    "AlertStatusUpdate",
    "AuditRecordPublic",
    "CaseAlertPublic",
    "CaseAssignment",
    "CaseCreate",
    "CaseEntitiesAdd",
    "CaseEntityPublic",
    "CaseEvidenceCreate",
    "CaseHistoryEntryPublic",
    "CaseNoteCreate",
    "CaseNotePublic",
    "CasePublic",
    "CaseRelationshipPublic",
    "CaseStatus",
    "CaseStatusUpdate",
    "CaseSummaryPublic",
    "EntityLabel",
    "EntityPublic",
    "EntityRef",
    "EntityScoresPublic",
    "EntitySummaryPublic",
    "FeatureRow",
    "FeatureSetPublic",
    "FeatureWritePublic",
    "FeatureWriteRequest",
    "HealthPublic",
    "IdentifierPublic",
    "IngestFilePublic",
    "IngestJobPublic",
    "IngestSourcePublic",
    "JobStatus",
    "NetworkLinkPublic",
    "NetworkNodePublic",
    "NetworkPublic",
    "NoteKind",
    "Page",
    "PathNodePublic",
    "PathPublic",
    "PathsPublic",
    "ProblemPublic",
    "QuarantineFilePublic",
    "ReadyPublic",
    "RelationshipRef",
    "RelationshipType",
    "RingMemberPublic",
    "RingMembershipPublic",
    "RingPublic",
    "RingSummaryPublic",
    "ScoreBatchPublic",
    "ScoreBatchRequest",
    "ScorePublic",
    "TimelineEventPublic",
]

#: Entities an investigator can name: every label read from sources (not runs or rings).
ENTITY_LABELS: tuple[str, ...] = SCHEMA.source_labels
#: Relationship types a network or path may follow: those between entities (not ring membership).
NETWORK_TYPES: tuple[str, ...] = tuple(
    r.type for r in SCHEMA.relationships if all(label in ENTITY_LABELS for label in (*r.start, *r.end))
)
#: Most ids in one batch call (score lookup, feature write).
MAX_BATCH = 1_000

_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _entity_label(value: str) -> str:
    if value not in ENTITY_LABELS:
        raise ValueError(f"{value!r} is not an entity label; one of {', '.join(ENTITY_LABELS)}")
    return value


def _relationship_type(value: str) -> str:
    if value not in NETWORK_TYPES:
        raise ValueError(f"{value!r} is not a relationship type; one of {', '.join(NETWORK_TYPES)}")
    return value


def _name(value: str) -> str:
    # Single underscores only: "__" separates model and feature in the stored property names.
    if not _NAME.match(value):
        raise ValueError(
            f"{value!r} is not a name: lower-case letters, digits and single underscores, "
            "starting with a letter"
        )
    return value


EntityLabel = Annotated[
    str, AfterValidator(_entity_label), Field(json_schema_extra={"enum": list(ENTITY_LABELS)})
]
RelationshipType = Annotated[
    str, AfterValidator(_relationship_type), Field(json_schema_extra={"enum": list(NETWORK_TYPES)})
]
EntityKey = Annotated[str, Field(min_length=1, max_length=200)]
ModelName = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_name)]
FeatureName = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_name)]
JsonValue = Any


class _Public(BaseModel):
    model_config = ConfigDict(frozen=True)


class ProblemPublic(_Public):
    """An RFC 9457 problem document, as every error is answered."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, JsonValue]] | None = None


T = TypeVar("T")


class Page(_Public, Generic[T]):
    """One page of a list; ``next_offset`` is None on the last page."""

    items: list[T]
    offset: int
    limit: int
    next_offset: int | None


class HealthPublic(_Public):
    status: str
    version: str


class ReadyPublic(_Public):
    status: str
    neo4j: str


class EntityRef(BaseModel):
    """An entity named by its label and key (``Person`` / ``P1``)."""

    model_config = ConfigDict(frozen=True)

    label: EntityLabel
    key: EntityKey

    @property
    def node_id(self) -> str:
        """``label:key``, the id the API gives nodes in networks and paths."""
        return f"{self.label}:{self.key}"


class EntitySummaryPublic(_Public):
    """A search hit: which entity, and how it matched (``name``, ``key`` or the identifier link)."""

    label: str
    key: str
    name: str | None
    matched_by: str
    score: float


class IdentifierPublic(_Public):
    """An identifier the entity holds (or, for an identifier, a party holding it)."""

    relationship: str
    label: str
    key: str
    name: str | None


class ScorePublic(_Public):
    """An analytics result on the entity, what it means, and the run that computed it."""

    name: str
    value: float
    description: str
    run_id: str | None


class FeatureSetPublic(_Public):
    """The features a risk model wrote for the entity."""

    model: str
    version: str | None
    written_at: str | None
    values: dict[str, float]


class RingMembershipPublic(_Public):
    ring_id: str
    scheme: str
    ring_score: float | None
    rank: int | None
    status: str | None
    stale: bool
    role: str | None
    member_score: float | None


class EntityPublic(_Public):
    """An entity with its properties, identifiers, scores (explained), model features and rings."""

    label: str
    key: str
    labels: list[str]
    name: str | None
    properties: dict[str, JsonValue]
    identifiers: list[IdentifierPublic]
    scores: list[ScorePublic]
    features: list[FeatureSetPublic]
    rings: list[RingMembershipPublic]


class NetworkNodePublic(_Public):
    """A node of an ego network; ``more`` counts neighbours left out by the per-node cap."""

    id: str
    label: str | None
    key: str | None
    name: str | None
    hop: int
    #: Neighbours the per-node cap left out; None for nodes at the edge, which were not expanded.
    more: int | None = None


class NetworkLinkPublic(_Public):
    type: str
    source: str
    target: str
    at: str | None


class NetworkPublic(_Public):
    """The ego network around ``center``; ``truncated`` when the node cap stopped the expansion."""

    center: str
    hops: int
    nodes: list[NetworkNodePublic]
    links: list[NetworkLinkPublic]
    truncated: bool


class PathNodePublic(_Public):
    id: str
    label: str | None
    key: str | None
    name: str | None


class PathPublic(_Public):
    nodes: list[PathNodePublic]
    links: list[NetworkLinkPublic]


class PathsPublic(_Public):
    source: str
    target: str
    paths: list[PathPublic]


class AlertStatus(StrEnum):
    """The alert workflow: new -> in_review -> escalated | dismissed."""

    NEW = "new"
    IN_REVIEW = "in_review"
    ESCALATED = "escalated"
    DISMISSED = "dismissed"


class RingSummaryPublic(_Public):
    ring_id: str
    scheme: str
    score: float | None
    rank: int | None
    member_count: int | None
    status: str | None
    stale: bool
    first_found_at: str | None
    last_found_at: str | None
    status_changed_by: str | None
    status_changed_at: str | None


class RingMemberPublic(_Public):
    label: str | None
    key: str | None
    name: str | None
    role: str | None
    score: float | None


class RingPublic(RingSummaryPublic):
    """A ring with its members, the evidence paths that support it and the runs that found it."""

    members: list[RingMemberPublic]
    evidence: list[JsonValue]
    runs: list[dict[str, JsonValue]]
    status_history: list[JsonValue]


class AlertStatusUpdate(BaseModel):
    """A change of an alert's status, with a note for the record."""

    status: AlertStatus
    note: str = Field(default="", max_length=2_000)


class ScoreBatchRequest(BaseModel):
    refs: list[EntityRef] = Field(min_length=1, max_length=MAX_BATCH)


class EntityScoresPublic(_Public):
    label: str
    key: str
    scores: dict[str, float]
    runs: dict[str, str]


class ScoreBatchPublic(_Public):
    results: list[EntityScoresPublic]
    missing: list[EntityRef]


class FeatureRow(BaseModel):
    label: EntityLabel
    key: EntityKey
    features: dict[FeatureName, Annotated[float, Field(allow_inf_nan=False)]] = Field(
        min_length=1, max_length=100
    )


class FeatureWriteRequest(BaseModel):
    """Features of one model version for up to 1,000 entities."""

    model: ModelName
    version: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    rows: list[FeatureRow] = Field(min_length=1, max_length=MAX_BATCH)


class FeatureWritePublic(_Public):
    model: str
    version: str
    written: int
    missing: list[EntityRef]


class AuditRecordPublic(_Public):
    audit_id: int
    at: datetime
    key_id: str
    owner: str
    role: str
    action: str
    subject: str
    purpose: str


# -- cases ----------------------------------------------------------------------------------------------

CaseText = Annotated[str, Field(max_length=2_000)]


class CaseStatus(StrEnum):
    """The case workflow: open -> in_progress -> closed, and a closed case may be reopened."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class NoteKind(StrEnum):
    NOTE = "note"
    EVIDENCE = "evidence"


class RelationshipRef(BaseModel):
    """A relationship between two entities, pinned to a case with both of them."""

    type: RelationshipType
    source: EntityRef
    target: EntityRef


class CaseCreate(BaseModel):
    """A new case, optionally with its first entities."""

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    entities: list[EntityRef] = Field(default_factory=list, max_length=MAX_BATCH)


class CaseEntitiesAdd(BaseModel):
    """Entities and relationships to pin to a case, and why."""

    entities: list[EntityRef] = Field(default_factory=list, max_length=MAX_BATCH)
    relationships: list[RelationshipRef] = Field(default_factory=list, max_length=100)
    note: CaseText = ""


class CaseNoteCreate(BaseModel):
    text: str = Field(min_length=1, max_length=20_000)


class CaseEvidenceCreate(BaseModel):
    """An item of evidence: what it shows, where it is kept, and which of the case's entities it concerns."""

    description: str = Field(min_length=1, max_length=20_000)
    reference: str = Field(
        min_length=1,
        max_length=2_000,
        description="Where the evidence is: a document id, seizure number, file name, URL ...",
    )
    about: list[EntityRef] = Field(default_factory=list, max_length=100)


class CaseAssignment(BaseModel):
    assignee: str = Field(min_length=1, max_length=200, description="The owner of an investigator's key.")
    note: CaseText = ""


class CaseStatusUpdate(BaseModel):
    status: CaseStatus
    note: CaseText = ""


class CaseSummaryPublic(_Public):
    case_id: str
    title: str
    description: str
    status: str
    created_by: str
    created_at: str
    updated_at: str
    assignee: str | None
    entity_count: int


class CaseEntityPublic(_Public):
    """An entity of the case: who pinned it, when and why, and its risk scores and model features."""

    id: str
    label: str
    key: str
    name: str | None
    pinned_by: str | None
    pinned_at: str | None
    note: str | None
    scores: list[ScorePublic]
    features: list[FeatureSetPublic]


class CaseRelationshipPublic(_Public):
    """A relationship among the case's entities; ``pinned`` when an investigator pinned it."""

    type: str
    source: str
    target: str
    pinned: bool
    properties: dict[str, JsonValue]


class CaseNotePublic(_Public):
    note_id: str
    kind: str
    text: str
    reference: str | None
    written_by: str
    written_at: str
    about: list[str]


class CaseAlertPublic(RingSummaryPublic):
    """A ring (alert) that some of the case's entities belong to, with those entities."""

    case_members: list[str]


class TimelineEventPublic(_Public):
    """A dated event of one of the case's entities: a transfer, declaration, trip, scan, listing ..."""

    at: str
    type: str
    entity: str
    other: str
    other_name: str | None
    outgoing: bool
    #: Where the event was loaded from (the relationship's or dated node's own row), when recorded.
    source_file: str | None = None
    source_line: int | None = None


class CaseHistoryEntryPublic(_Public):
    at: str
    by: str
    action: str
    detail: str


class CasePublic(CaseSummaryPublic):
    """Everything a case file holds: what the export renders."""

    entities: list[CaseEntityPublic]
    relationships: list[CaseRelationshipPublic]
    relationships_truncated: bool
    notes: list[CaseNotePublic]
    evidence: list[CaseNotePublic]
    alerts: list[CaseAlertPublic]
    timeline: list[TimelineEventPublic]
    timeline_total: int
    history: list[CaseHistoryEntryPublic]


# -- ingest uploads -------------------------------------------------------------------------------------


class JobStatus(StrEnum):
    """An ingest job: queued -> running -> done | failed; interrupted when the API stopped under it."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class IngestFilePublic(_Public):
    name: str
    size: int


class IngestSourcePublic(_Public):
    """One source's progress (``done`` of ``read`` rows handled), then its outcome."""

    source: str
    read: int | None
    done: int
    loaded: int
    quarantined: int
    nodes_created: int = 0
    relationships_created: int = 0
    seconds: float = 0.0
    error: str | None = None


class QuarantineFilePublic(_Public):
    """A quarantine file of the job: its refused rows, the commonest reasons, where to download it."""

    name: str
    rows: int
    top_reasons: dict[str, int]
    url: str


class IngestJobPublic(_Public):
    job_id: str
    status: JobStatus
    created_by: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    files: list[IngestFilePublic]
    sources: list[IngestSourcePublic]
    read: int
    loaded: int
    quarantined: int
    quarantine: list[QuarantineFilePublic]
    error: str | None
