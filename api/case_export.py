"""The case export: a case read from the graph into a :class:`~casefile.document.CaseDocument`, with the
provenance of every fact, and rendered as a bundle by :mod:`casefile`.

The CLI (``bigfinder case export``) and the API (``GET /v1/cases/{case_id}/export``) both call
:meth:`CaseExport.bundle`. The case file comes from :meth:`api.cases.Cases.case_file`; this service adds
what a handed-over file must also say: each entity's own source row (or, for an identifier, the rows
that name it), the evidence paths and runs of its alerts, the analysis runs behind every score, and who
wrote a model's features through the API (from the audit log, when one is given).

The provenance rules are pure and tested without Neo4j:

>>> entity_provenance({"source_file": "persons.csv", "source_line": 7}, [], 0).describe()
'persons.csv line 7'
>>> entity_provenance({}, [{"file": "transfers.csv", "line": 3}], 12).describe()
'named in transfers.csv line 3; and 11 more'
>>> relationship_provenance({}, [entity_provenance({"source_file": "trips.csv", "source_line": 4}, [], 0)])
Provenance(kind=<ProvenanceKind.WITH_ENDS: 'with_ends'>, rows=[SourceRow(file='trips.csv', line=4)], \
row_total=None, by=None, at=None, action=None, run_id=None, detail=None)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import cypher
from api.access import AccessStore, AuditRecord
from api.cases import Cases
from api.investigation import KEY_OF, Investigation, _plain
from api.schemas import (
    NETWORK_TYPES,
    CaseAlertPublic,
    CaseEntityPublic,
    CaseNotePublic,
    CasePublic,
    FeatureSetPublic,
    RingPublic,
    ScorePublic,
)
from bigfinder import __version__
from casefile.bundle import MANIFEST, bundle_manifest, case_files
from casefile.document import (
    AlertFacts,
    AnalysisRunFacts,
    CaseDocument,
    EntityFacts,
    FeatureSetFacts,
    HistoryFacts,
    NoteFacts,
    Provenance,
    ProvenanceKind,
    RelationshipFacts,
    ScoreFacts,
    SourceRow,
    TimelineFacts,
)
from graph.features import FEATURE_META_PREFIX, FEATURE_PREFIX
from graph.results import RESULT_PROPERTIES

__all__ = [
    "NAMED_BY_LIMIT",
    "CaseBundle",
    "CaseExport",
    "entity_provenance",
    "relationship_provenance",
]

#: Rows kept per identifier that names no row of its own (a phone shared by hundreds names hundreds).
NAMED_BY_LIMIT = 20
#: Entity properties the document shows elsewhere (scores, features, provenance), not as properties.
_SHOWN_ELSEWHERE = frozenset(
    {"source_file", "source_line", "risk_explanation"}
    | set(RESULT_PROPERTIES)
    | {p.run_property for p in RESULT_PROPERTIES.values()}
)
#: The audit log's record of a feature write; its purpose is written by ``api.routes.models``.
_FEATURE_WRITE = "features.write"
_AUDIT_ROWS = 1_000


@dataclass(frozen=True)
class CaseBundle:
    """An exported case: its files by name, the manifest among them."""

    case_id: str
    #: The entities the bundle shows (``label:key``), for the audit log.
    entities: list[str]
    files: dict[str, bytes]


def _source_rows(rows: list[dict[str, Any]]) -> list[SourceRow]:
    return [SourceRow(file=str(r["file"]), line=r.get("line")) for r in rows]


def entity_provenance(
    properties: dict[str, Any], named_by: list[dict[str, Any]], named_by_total: int
) -> Provenance:
    """An entity's own source row, else the rows that name it, else not recorded."""
    if properties.get("source_file") is not None:
        row = SourceRow(file=str(properties["source_file"]), line=properties.get("source_line"))
        return Provenance(kind=ProvenanceKind.SOURCE_ROW, rows=[row])
    if named_by:
        return Provenance(kind=ProvenanceKind.NAMED_BY, rows=_source_rows(named_by), row_total=named_by_total)
    return Provenance(kind=ProvenanceKind.NOT_RECORDED, detail="no source row names it")


def relationship_provenance(properties: dict[str, Any], ends: list[Provenance]) -> Provenance:
    """A relationship's own source row, else the own rows of its ends (it was loaded with them)."""
    if properties.get("source_file") is not None:
        row = SourceRow(file=str(properties["source_file"]), line=properties.get("source_line"))
        return Provenance(kind=ProvenanceKind.SOURCE_ROW, rows=[row])
    rows = [row for end in ends if end.kind == ProvenanceKind.SOURCE_ROW for row in end.rows]
    if rows:
        return Provenance(kind=ProvenanceKind.WITH_ENDS, rows=rows)
    return Provenance(kind=ProvenanceKind.NOT_RECORDED, detail="neither it nor its ends name a source row")


def _run_provenance(run_id: str | None, runs: dict[str, AnalysisRunFacts]) -> Provenance:
    if run_id is None:
        return Provenance(kind=ProvenanceKind.NOT_RECORDED, detail="no run stamped on it")
    run = runs.get(run_id)
    return Provenance(
        kind=ProvenanceKind.ANALYSIS_RUN,
        run_id=run_id,
        detail=run.describe() if run else "the run is no longer in the graph",
    )


def _plain_properties(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        name: _plain(value)
        for name, value in sorted(properties.items())
        if name not in _SHOWN_ELSEWHERE and not name.startswith((FEATURE_PREFIX, FEATURE_META_PREFIX))
    }


class CaseExport:
    """Reads a case with everything a handed-over file needs, and renders it as a bundle."""

    def __init__(self, investigation: Investigation, cases: Cases, access: AccessStore | None = None) -> None:
        self._graph = investigation
        self._cases = cases
        self._access = access

    def document(self, case_id: str) -> CaseDocument:
        """The case document (404 :class:`~bigfinder.errors.CaseNotFound` when there is no such case)."""
        case = self._cases.case_file(case_id)
        facts = {
            f"{row['label']}:{row['key']}": row
            for row in self._graph.read(
                cypher.load("case_export", "case_entity_facts"),
                case_id=case_id,
                key_of=KEY_OF,
                types=list(NETWORK_TYPES),
                named_by_limit=NAMED_BY_LIMIT,
            )
        }
        rings = {alert.ring_id: self._graph.ring(alert.ring_id) for alert in case.alerts}
        run_ids = {s.run_id for e in case.entities for s in e.scores if s.run_id}
        run_ids |= {
            str(p[name]) for p in (f["properties"] for f in facts.values()) for name in p if _is_run(name)
        }
        run_ids |= {str(run["run_id"]) for ring in rings.values() for run in ring.runs}
        runs = {
            row["run_id"]: AnalysisRunFacts(**row)
            for row in self._graph.read(cypher.load("case_export", "analysis_runs"), run_ids=sorted(run_ids))
        }
        entities = [self._entity(e, facts[e.id], runs) for e in case.entities]
        provenance = {e.id: e.provenance for e in entities}
        return CaseDocument(
            case_id=case.case_id,
            title=case.title,
            description=case.description,
            status=case.status,
            created_by=case.created_by,
            created_at=case.created_at,
            updated_at=case.updated_at,
            assignee=case.assignee,
            entities=entities,
            relationships=[
                RelationshipFacts(
                    type=r.type,
                    source=r.source,
                    target=r.target,
                    pinned=r.pinned,
                    properties={
                        k: v for k, v in r.properties.items() if k not in ("source_file", "source_line")
                    },
                    provenance=relationship_provenance(
                        r.properties, [provenance[r.source], provenance[r.target]]
                    ),
                )
                for r in case.relationships
            ],
            relationships_truncated=case.relationships_truncated,
            notes=[_note(n, "note added") for n in case.notes],
            evidence=[_note(n, "evidence added") for n in case.evidence],
            alerts=[_alert(a, rings[a.ring_id], runs) for a in case.alerts],
            timeline=_timeline(case),
            timeline_total=case.timeline_total,
            history=[HistoryFacts(**h.model_dump()) for h in case.history],
            runs=list(runs.values()),
        ).canonical()

    def bundle(self, case_id: str, exported_by: str) -> CaseBundle:
        """Every file of the case's bundle, the manifest included, as a folder or zip would hold them."""
        graph_snapshot_at = _now()
        doc = self.document(case_id)
        files = case_files(doc, __version__)
        files[MANIFEST] = bundle_manifest(
            doc.case_id,
            files,
            version=__version__,
            graph_snapshot_at=graph_snapshot_at,
            exported_at=_now(),
            exported_by=exported_by,
        )
        return CaseBundle(
            case_id=doc.case_id, entities=[e.id for e in doc.entities], files=dict(sorted(files.items()))
        )

    # -- helpers ---------------------------------------------------------------------------------------

    def _entity(
        self, entity: CaseEntityPublic, facts: dict[str, Any], runs: dict[str, AnalysisRunFacts]
    ) -> EntityFacts:
        properties: dict[str, Any] = facts["properties"]
        explanation = properties.get("risk_explanation")
        return EntityFacts(
            id=entity.id,
            label=entity.label,
            key=entity.key,
            name=entity.name,
            properties=_plain_properties(properties),
            pinned_by=entity.pinned_by,
            pinned_at=entity.pinned_at,
            pin_note=entity.note or None,
            provenance=entity_provenance(properties, facts["named_by"], facts["named_by_total"]),
            scores=[_score(s, runs) for s in entity.scores],
            risk_explanation=json.loads(explanation) if isinstance(explanation, str) else None,
            features=[self._features(entity.id, f, properties, runs) for f in entity.features],
        )

    def _features(
        self,
        entity_id: str,
        features: FeatureSetPublic,
        properties: dict[str, Any],
        runs: dict[str, AnalysisRunFacts],
    ) -> FeatureSetFacts:
        meta = f"{FEATURE_META_PREFIX}{features.model}__"
        explanation = properties.get(f"{meta}explanation")
        run_id = properties.get(f"{meta}run")
        write = self._feature_write(entity_id, features)
        if write is not None:
            provenance = Provenance(
                kind=ProvenanceKind.API_WRITE,
                by=write.owner,
                at=write.at,
                action=write.purpose,
                detail=f"{write.role} key {write.key_id}",
            )
        elif run_id is not None:
            provenance = _run_provenance(str(run_id), runs)
        else:
            provenance = Provenance(
                kind=ProvenanceKind.NOT_RECORDED, detail=f"written at {features.written_at}; no audit record"
            )
        return FeatureSetFacts(
            model=features.model,
            version=features.version,
            written_at=features.written_at,
            values=dict(sorted(features.values.items())),
            explanation=json.loads(explanation) if isinstance(explanation, str) else {},
            provenance=provenance,
        )

    def _feature_write(self, entity_id: str, features: FeatureSetPublic) -> AuditRecord | None:
        """The audited API write that left these features: the first after they were written."""
        if self._access is None or features.written_at is None:
            return None
        written_at = datetime.fromisoformat(features.written_at)
        purpose = f"features of {features.model} {features.version}"
        rows = self._access.audit(subject=entity_id, action=_FEATURE_WRITE, limit=_AUDIT_ROWS)
        after = [r for r in rows if r.purpose == purpose and datetime.fromisoformat(r.at) >= written_at]
        return min(after, key=lambda r: r.audit_id, default=None)


def _is_run(name: str) -> bool:
    return name.startswith(FEATURE_META_PREFIX) and name.endswith("__run")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _score(score: ScorePublic, runs: dict[str, AnalysisRunFacts]) -> ScoreFacts:
    return ScoreFacts(
        name=score.name,
        value=score.value,
        description=score.description,
        provenance=_run_provenance(score.run_id, runs),
    )


def _note(note: CaseNotePublic, action: str) -> NoteFacts:
    return NoteFacts(
        note_id=note.note_id,
        kind=note.kind,
        text=note.text,
        reference=note.reference,
        about=note.about,
        provenance=Provenance(
            kind=ProvenanceKind.CASE_EDIT, by=note.written_by, at=note.written_at, action=action
        ),
    )


def _alert(alert: CaseAlertPublic, ring: RingPublic, runs: dict[str, AnalysisRunFacts]) -> AlertFacts:
    found_by = [str(run["run_id"]) for run in ring.runs]
    provenance = _run_provenance(found_by[0] if found_by else None, runs)
    if len(found_by) > 1:
        provenance = provenance.model_copy(
            update={
                "detail": f"{provenance.detail}; found by {len(found_by)} runs: {', '.join(sorted(found_by))}"
            }
        )
    return AlertFacts(
        **alert.model_dump(exclude={"case_members"}),
        case_members=sorted(alert.case_members),
        members=[m.model_dump() for m in ring.members],
        evidence=[path if isinstance(path, dict) else {"reason": str(path)} for path in ring.evidence],
        status_history=[h if isinstance(h, dict) else {"entry": str(h)} for h in ring.status_history],
        provenance=provenance,
    )


def _timeline(case: CasePublic) -> list[TimelineFacts]:
    events = []
    for event in case.timeline:
        if event.source_file is not None:
            provenance = Provenance(
                kind=ProvenanceKind.SOURCE_ROW,
                rows=[SourceRow(file=event.source_file, line=event.source_line)],
            )
        else:
            provenance = Provenance(kind=ProvenanceKind.NOT_RECORDED, detail="the event names no source row")
        events.append(
            TimelineFacts(**event.model_dump(exclude={"source_file", "source_line"}), provenance=provenance)
        )
    return events
