"""The case document: everything a case file holds, with the provenance of every fact.

:class:`CaseDocument` is what ``case.json`` holds and what every other file of a bundle is rendered
from. It is built by :mod:`api.case_export` from the graph; here it is plain data, frozen, with lists in
a fixed order (:meth:`CaseDocument.canonical`), so the same case always renders to the same bytes.

Every fact carries a :class:`Provenance`: the source row it was ingested from, the rows that name an
identifier, the case edit (who, when), the API write of a model's features (whose key, when) or the
analysis run that computed a score.

>>> Provenance(kind="source_row", rows=[SourceRow(file="persons.csv", line=12)]).describe()
'persons.csv line 12'
>>> Provenance(kind="case_edit", by="kim@customs", at="2024-05-01T09:00:00+00:00", action="pinned").describe()
'case edit: pinned by kim@customs at 2024-05-01T09:00:00+00:00'
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "FORMAT",
    "AlertFacts",
    "AnalysisRunFacts",
    "CaseDocument",
    "EntityFacts",
    "FeatureSetFacts",
    "HistoryFacts",
    "NoteFacts",
    "Provenance",
    "ProvenanceKind",
    "RelationshipFacts",
    "ScoreFacts",
    "SourceRow",
    "TimelineFacts",
]

#: The document's format name and version, written into ``case.json`` and the manifest.
FORMAT = "bigfinder-case/1"
#: Rows shown at most when a fact is named by many (a phone shared by a hundred people).
_ROWS_SHOWN = 5


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceRow(_Frozen):
    """A line of a source file that the ingest loaded."""

    file: str
    line: int | None = None

    def describe(self) -> str:
        return self.file if self.line is None else f"{self.file} line {self.line}"


class ProvenanceKind(StrEnum):
    #: Ingested from one source row (``source_file``, ``source_line`` on the node or relationship).
    SOURCE_ROW = "source_row"
    #: An identifier (phone, account ...) with no row of its own: the rows that name it.
    NAMED_BY = "named_by"
    #: A relationship with no row of its own, loaded with its two ends: their rows.
    WITH_ENDS = "with_ends"
    #: Written by an investigator or analyst through the API's case routes.
    CASE_EDIT = "case_edit"
    #: A model's features written through the API's feature route (the audit log names the key).
    API_WRITE = "api_write"
    #: Computed by an analytics or risk run (an ``AnalysisRun`` node).
    ANALYSIS_RUN = "analysis_run"
    #: Nothing in the graph or the audit log says where it came from.
    NOT_RECORDED = "not_recorded"


class Provenance(_Frozen):
    """Where one fact came from, in the words of :meth:`describe`."""

    kind: ProvenanceKind
    rows: list[SourceRow] = Field(default_factory=list)
    #: How many rows there are in all (``rows`` shows the first few).
    row_total: int | None = None
    by: str | None = None
    at: str | None = None
    action: str | None = None
    run_id: str | None = None
    detail: str | None = None

    def describe(self) -> str:
        """The provenance as one line of the report and the CSV tables."""
        rows = "; ".join(r.describe() for r in self.rows[:_ROWS_SHOWN])
        more = (self.row_total or len(self.rows)) - min(len(self.rows), _ROWS_SHOWN)
        if more > 0:
            rows += f"; and {more} more"
        match self.kind:
            case ProvenanceKind.SOURCE_ROW:
                return rows
            case ProvenanceKind.NAMED_BY:
                return f"named in {rows}"
            case ProvenanceKind.WITH_ENDS:
                return f"loaded with its ends: {rows}"
            case ProvenanceKind.CASE_EDIT:
                return f"case edit: {self.action} by {self.by} at {self.at}"
            case ProvenanceKind.API_WRITE:
                return f"API write: {self.action} by {self.by} at {self.at}" + (
                    f" ({self.detail})" if self.detail else ""
                )
            case ProvenanceKind.ANALYSIS_RUN:
                return f"analysis run {self.run_id}" + (f" ({self.detail})" if self.detail else "")
            case _:
                return "not recorded" + (f": {self.detail}" if self.detail else "")


class AnalysisRunFacts(_Frozen):
    """An ``AnalysisRun`` a fact names: which algorithm or model, which version, with what, when."""

    run_id: str
    algorithm: str | None
    version: str | None
    parameters: str | None
    started_at: str | None
    finished_at: str | None
    status: str | None

    def describe(self) -> str:
        return f"{self.algorithm} {self.version}, started {self.started_at}"


class ScoreFacts(_Frozen):
    """An analytics result on an entity, what it means and the run that computed it."""

    name: str
    value: float
    description: str
    provenance: Provenance


class FeatureSetFacts(_Frozen):
    """A model's features on an entity: version, when, the reasons it gave, and who wrote them."""

    model: str
    version: str | None
    written_at: str | None
    values: dict[str, float]
    explanation: dict[str, str]
    provenance: Provenance


class EntityFacts(_Frozen):
    """An entity of the case: its properties, pin, scores, features and where each came from."""

    id: str
    label: str
    key: str
    name: str | None
    properties: dict[str, Any]
    pinned_by: str | None
    pinned_at: str | None
    pin_note: str | None
    provenance: Provenance
    scores: list[ScoreFacts]
    #: The fused risk score's explanation (models, features, versions), when a risk run scored it.
    risk_explanation: dict[str, Any] | None
    features: list[FeatureSetFacts]


class RelationshipFacts(_Frozen):
    type: str
    source: str
    target: str
    pinned: bool
    properties: dict[str, Any]
    provenance: Provenance


class NoteFacts(_Frozen):
    """A note, or an item of evidence (with ``reference``), and the case's entities it is about."""

    note_id: str
    kind: str
    text: str
    reference: str | None
    about: list[str]
    provenance: Provenance


class AlertFacts(_Frozen):
    """A ring some of the case's entities are in: its standing, members, evidence paths and runs."""

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
    case_members: list[str]
    members: list[dict[str, Any]]
    #: The evidence paths: nodes, relationships, the reason in an investigator's words, its figures.
    evidence: list[dict[str, Any]]
    status_history: list[dict[str, Any]]
    provenance: Provenance


class TimelineFacts(_Frozen):
    at: str
    type: str
    entity: str
    other: str
    other_name: str | None
    outgoing: bool
    provenance: Provenance


class HistoryFacts(_Frozen):
    at: str
    by: str
    action: str
    detail: str


class CaseDocument(_Frozen):
    """Everything a case file holds; ``case.json`` is this, and the other files are rendered from it."""

    format: str = FORMAT
    case_id: str
    title: str
    description: str
    status: str
    created_by: str
    created_at: str
    updated_at: str
    assignee: str | None
    entities: list[EntityFacts]
    relationships: list[RelationshipFacts]
    relationships_truncated: bool
    notes: list[NoteFacts]
    evidence: list[NoteFacts]
    alerts: list[AlertFacts]
    timeline: list[TimelineFacts]
    timeline_total: int
    history: list[HistoryFacts]
    runs: list[AnalysisRunFacts]

    def canonical(self) -> CaseDocument:
        """The same document with every list in its fixed order, whatever order the reads gave."""
        return self.model_copy(
            update={
                "entities": sorted(self.entities, key=lambda e: (e.label, e.key)),
                "relationships": sorted(
                    self.relationships, key=lambda r: (r.type, r.source, r.target, _sort_text(r.properties))
                ),
                "notes": sorted(self.notes, key=lambda n: (n.provenance.at or "", n.note_id)),
                "evidence": sorted(self.evidence, key=lambda n: (n.provenance.at or "", n.note_id)),
                "alerts": sorted(self.alerts, key=lambda a: (-(a.score or 0.0), a.ring_id)),
                "timeline": sorted(
                    self.timeline,
                    key=lambda t: (t.at, t.type, t.entity, t.other, t.outgoing, t.provenance.describe()),
                ),
                "runs": sorted(self.runs, key=lambda r: r.run_id),
            }
        )

    def entity(self, entity_id: str) -> EntityFacts | None:
        """The case's entity ``label:key``, if the case holds it."""
        return next((e for e in self.entities if e.id == entity_id), None)


def _sort_text(value: Any) -> str:
    return repr(sorted(value.items())) if isinstance(value, dict) else repr(value)
