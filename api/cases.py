"""Cases: an investigator's working set of entities, notes and evidence, kept in the graph with its history.

A case is a ``Case`` node; the entities it includes hang off it by ``INCLUDES {pinned_by, pinned_at,
note}``; notes and evidence are ``CaseNote`` nodes (``HAS_NOTE``), evidence linked ``ABOUT`` the case's
entities it concerns. Pinned relationships are kept on the case as ``type|source|target`` text, since a
relationship cannot be the end of another. Every change is one write transaction that locks the case,
checks the workflow, writes, and appends a history entry (who, when, what), so the history is complete.

:meth:`Cases.case_file` returns everything a case file shows (:class:`~api.schemas.CasePublic`): the
export of issue 7 renders it.

The workflow is pure and tested without Neo4j:

>>> check_case_transition("open", CaseStatus.IN_PROGRESS)
>>> check_case_transition("closed", CaseStatus.OPEN)  # reopen
>>> check_case_transition("open", CaseStatus.CLOSED)
Traceback (most recent call last):
...
bigfinder.errors.InvalidTransition: a case that is open cannot become closed; next: in_progress
>>> pin_text(RelationshipRef.model_validate(
...     {"type": "HAS_PHONE", "source": {"label": "Person", "key": "P1"},
...      "target": {"label": "Phone", "key": "+8210"}}))
'HAS_PHONE|Person:P1|Phone:+8210'
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

import cypher
from api.investigation import (
    KEY_OF,
    TIME_OF,
    Investigation,
    _feature_sets,
    _page,
    _plain,
    _refs_statement,
    _ring_fields,
    explained_scores,
)
from api.schemas import (
    NETWORK_TYPES,
    CaseAlertPublic,
    CaseEntitiesAdd,
    CaseEntityPublic,
    CaseEvidenceCreate,
    CaseHistoryEntryPublic,
    CaseNotePublic,
    CasePublic,
    CaseRelationshipPublic,
    CaseStatus,
    CaseSummaryPublic,
    EntityRef,
    NoteKind,
    Page,
    RelationshipRef,
    TimelineEventPublic,
)
from bigfinder.errors import CaseClosed, CaseNotFound, EntityNotFound, InvalidTransition, NotInCase

__all__ = [
    "CASE_TRANSITIONS",
    "RELATIONSHIP_LIMIT",
    "TIMELINE_LIMIT",
    "Cases",
    "check_case_transition",
    "history_entry",
    "pin_text",
]

#: Which status may follow which; a closed case is reopened to ``open``.
CASE_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.IN_PROGRESS}),
    CaseStatus.IN_PROGRESS: frozenset({CaseStatus.CLOSED, CaseStatus.OPEN}),
    CaseStatus.CLOSED: frozenset({CaseStatus.OPEN}),
}
#: Relationships among the case's entities shown at most (``relationships_truncated`` beyond).
RELATIONSHIP_LIMIT = 2_000
#: Timeline events shown at most, earliest first (``timeline_total`` counts them all).
TIMELINE_LIMIT = 1_000


def check_case_transition(current: str, wanted: CaseStatus) -> None:
    """Raise :class:`InvalidTransition` unless the workflow lets ``current`` become ``wanted``."""
    allowed = CASE_TRANSITIONS[CaseStatus(current)]
    if wanted not in allowed:
        nexts = ", ".join(sorted(allowed))
        raise InvalidTransition(f"a case that is {current} cannot become {wanted}; next: {nexts}")


def history_entry(at: datetime, by: str, action: str, detail: str) -> str:
    """One history entry as stored on the case (JSON text, like a ring's status history)."""
    return json.dumps(
        {"at": at.isoformat(), "by": by, "action": action, "detail": detail}, ensure_ascii=False
    )


def pin_text(relationship: RelationshipRef) -> str:
    """A pinned relationship as stored on the case: ``type|source|target``."""
    return f"{relationship.type}|{relationship.source.node_id}|{relationship.target.node_id}"


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5).upper()}"


def _refs(refs: list[EntityRef]) -> list[dict[str, str]]:
    return [{"label": r.label, "key": r.key} for r in dict.fromkeys(refs)]


#: A change inside the case's transaction: gets the transaction, the time and the case's status, and
#: returns the history entry's detail.
Change = Callable[[ManagedTransaction, datetime, str], str]


class Cases:
    """Case reads and changes on top of the API's :class:`~api.investigation.Investigation`."""

    def __init__(self, investigation: Investigation) -> None:
        self._graph = investigation

    # -- changes ---------------------------------------------------------------------------------------

    def create(self, title: str, description: str, entities: list[EntityRef], by: str) -> CaseSummaryPublic:
        """A new open case, with its first entities pinned (404, and no case, if one is missing)."""
        case_id = _new_id("CASE")
        at = datetime.now(UTC)

        def work(tx: ManagedTransaction) -> None:
            tx.run(
                cypher.load("cases", "create_case"),
                case_id=case_id,
                title=title,
                description=description,
                by=by,
                at=at,
                history_entry=history_entry(at, by, "created", title),
            ).consume()
            if entities:
                self._include(tx, case_id, entities, by, at, "")

        self._graph.write_transaction(work)
        return self.summary(case_id)

    def add_entities(self, case_id: str, request: CaseEntitiesAdd, by: str) -> CaseSummaryPublic:
        """Pin entities, and relationships with both their ends; all or nothing."""
        refs = [*request.entities]
        for rel in request.relationships:
            refs += [rel.source, rel.target]
        pins = [pin_text(rel) for rel in request.relationships]

        def change(tx: ManagedTransaction, at: datetime, _: str) -> str:
            ids = self._include(tx, case_id, refs, by, at, request.note)
            for rel in request.relationships:
                self._check_relationship(tx, rel, ids)
            if pins:
                tx.run(cypher.load("cases", "pin_relationships"), case_id=case_id, pins=pins).consume()
            shown = [r.node_id for r in dict.fromkeys(refs)]
            return f"entities {', '.join(shown)}" + (f"; relationships {', '.join(pins)}" if pins else "")

        return self._change(case_id, by, "entities_added", change)

    def add_note(self, case_id: str, text: str, by: str) -> CaseSummaryPublic:
        """A note on the case."""
        return self._add_note(case_id, NoteKind.NOTE, text, None, [], by)

    def add_evidence(self, case_id: str, evidence: CaseEvidenceCreate, by: str) -> CaseSummaryPublic:
        """An item of evidence; the entities it is about must already be in the case (409 otherwise)."""
        return self._add_note(
            case_id, NoteKind.EVIDENCE, evidence.description, evidence.reference, evidence.about, by
        )

    def assign(self, case_id: str, assignee: str, note: str, by: str) -> CaseSummaryPublic:
        """Give the case to ``assignee`` (the owner of an active key, checked by the route)."""

        def change(tx: ManagedTransaction, at: datetime, _: str) -> str:
            tx.run(
                cypher.load("cases", "assign_case"), case_id=case_id, assignee=assignee, at=at, by=by
            ).consume()
            return f"to {assignee}" + (f": {note}" if note else "")

        return self._change(case_id, by, "assigned", change)

    def change_status(self, case_id: str, wanted: CaseStatus, note: str, by: str) -> CaseSummaryPublic:
        """Move the case along the workflow (409 for a step it does not allow)."""

        def change(tx: ManagedTransaction, at: datetime, current: str) -> str:
            check_case_transition(current, wanted)
            tx.run(cypher.load("cases", "set_case_status"), case_id=case_id, status=wanted.value).consume()
            return f"{current} -> {wanted.value}" + (f": {note}" if note else "")

        return self._change(case_id, by, "status", change, closed_ok=True)

    # -- reads -----------------------------------------------------------------------------------------

    def list_cases(
        self, status: CaseStatus | None, assignee: str | None, offset: int, limit: int
    ) -> Page[CaseSummaryPublic]:
        """Cases, most recently changed first."""
        rows = self._graph.read(
            cypher.load("cases", "list_cases"),
            status=status.value if status else None,
            assignee=assignee,
            offset=offset,
            limit=limit + 1,
        )
        return _page([_summary(r["case"], r["entity_count"]) for r in rows], offset, limit)

    def summary(self, case_id: str) -> CaseSummaryPublic:
        """The case's own fields (404 when there is no such case)."""
        row = self._detail_row(case_id)
        return _summary(row["case"], len(row["entities"]))

    def case_file(self, case_id: str) -> CasePublic:
        """Everything about the case: entities with scores, relationships among them, notes, evidence,
        the alerts its entities are in, their timeline and the case's history."""
        row = self._detail_row(case_id)
        props = row["case"]
        entities = row["entities"]
        ids = {e["element_id"]: f"{e['label']}:{e['key']}" for e in entities}
        element_ids = list(ids)
        pinned = set(props.get("pinned_relationships") or [])
        relationships = self._graph.read(
            cypher.load("cases", "case_relationships"),
            element_ids=element_ids,
            types=list(NETWORK_TYPES),
            limit=RELATIONSHIP_LIMIT + 1,
        )
        rings = self._graph.read(cypher.load("cases", "case_rings"), element_ids=element_ids)
        [timeline] = self._graph.read(
            cypher.load("cases", "case_timeline"),
            element_ids=element_ids,
            time_of=TIME_OF,
            key_of=KEY_OF,
            limit=TIMELINE_LIMIT,
        )
        notes = [_note(n) for n in row["notes"]]
        return CasePublic(
            **_summary(props, len(entities)).model_dump(),
            entities=[_entity(e) for e in entities],
            relationships=[_relationship(r, ids, pinned) for r in relationships[:RELATIONSHIP_LIMIT]],
            relationships_truncated=len(relationships) > RELATIONSHIP_LIMIT,
            notes=[n for n in notes if n.kind == NoteKind.NOTE],
            evidence=[n for n in notes if n.kind == NoteKind.EVIDENCE],
            alerts=[
                CaseAlertPublic(**_ring_fields(r["ring"]), case_members=[ids[m] for m in r["members"]])
                for r in rings
            ],
            timeline=[
                TimelineEventPublic(
                    at=e["at"],
                    type=e["type"],
                    entity=ids[e["element_id"]],
                    other=f"{e['other_label']}:{e['other_key']}",
                    other_name=e["other_name"],
                    outgoing=e["outgoing"],
                    source_file=e["source_file"],
                    source_line=e["source_line"],
                )
                for e in timeline["events"]
            ],
            timeline_total=timeline["total"],
            history=[CaseHistoryEntryPublic(**json.loads(h)) for h in props.get("history") or []],
        )

    # -- helpers ---------------------------------------------------------------------------------------

    def _detail_row(self, case_id: str) -> dict[str, Any]:
        rows = self._graph.read(cypher.load("cases", "case_detail"), case_id=case_id, key_of=KEY_OF)
        if not rows:
            raise CaseNotFound(f"no case {case_id!r}")
        return rows[0]

    def _change(
        self,
        case_id: str,
        by: str,
        action: str,
        change: Change,
        *,
        closed_ok: bool = False,
    ) -> CaseSummaryPublic:
        """Lock the case, refuse changes to a closed one (unless ``closed_ok``: status changes), apply
        ``change`` and record it in the history."""
        at = datetime.now(UTC)

        def work(tx: ManagedTransaction) -> None:
            locked = tx.run(cypher.load("cases", "lock_case"), case_id=case_id, at=at).single()
            if locked is None:
                raise CaseNotFound(f"no case {case_id!r}")
            status = locked["status"]
            if status == CaseStatus.CLOSED and not closed_ok:
                raise CaseClosed(f"case {case_id} is closed; reopen it (status open) to change it")
            detail = change(tx, at, status)
            tx.run(
                cypher.load("cases", "append_history"),
                case_id=case_id,
                history_entry=history_entry(at, by, action, detail),
            ).consume()

        self._graph.write_transaction(work)
        return self.summary(case_id)

    def _include(
        self, tx: ManagedTransaction, case_id: str, refs: list[EntityRef], by: str, at: datetime, note: str
    ) -> dict[str, str]:
        """Pin ``refs`` to the case; element id by ``label:key``. A missing entity rolls it all back."""
        wanted = _refs(refs)
        rows = tx.run(
            _refs_statement("include_entities", "cases"),
            case_id=case_id,
            refs=wanted,
            by=by,
            at=at,
            note=note,
        ).data()
        found = {f"{r['label']}:{r['key']}": r["element_id"] for r in rows}
        missing = [f"{r['label']}:{r['key']}" for r in wanted if f"{r['label']}:{r['key']}" not in found]
        if missing:
            raise EntityNotFound(f"not in the graph: {', '.join(missing[:10])}")
        return found

    def _check_relationship(self, tx: ManagedTransaction, rel: RelationshipRef, ids: dict[str, str]) -> None:
        record = tx.run(
            cypher.load("cases", "relationship_count"),
            source_id=ids[rel.source.node_id],
            target_id=ids[rel.target.node_id],
            type=rel.type,
        ).single()
        if record is None or record["relationships"] == 0:
            raise EntityNotFound(
                f"no {rel.type} relationship between {rel.source.node_id} and {rel.target.node_id}"
            )

    def _add_note(
        self,
        case_id: str,
        kind: NoteKind,
        text: str,
        reference: str | None,
        about: list[EntityRef],
        by: str,
    ) -> CaseSummaryPublic:
        about_ids = [r.node_id for r in dict.fromkeys(about)]

        def change(tx: ManagedTransaction, at: datetime, _: str) -> str:
            note_id = _new_id("NOTE")
            record = tx.run(
                cypher.load("cases", "add_note"),
                case_id=case_id,
                note_id=note_id,
                kind=kind.value,
                text=text,
                reference=reference,
                by=by,
                at=at,
                about=about_ids,
                key_of=KEY_OF,
            ).single()
            if record is None or record["about"] != len(about_ids):
                raise NotInCase(
                    "evidence may only be about the case's own entities; pin them first: "
                    + ", ".join(about_ids)
                )
            return note_id + (f" about {', '.join(about_ids)}" if about_ids else "")

        return self._change(case_id, by, f"{kind.value}_added", change)


def _summary(props: dict[str, Any], entity_count: int) -> CaseSummaryPublic:
    return CaseSummaryPublic(
        case_id=props["case_id"],
        title=props["title"],
        description=props.get("description") or "",
        status=props["status"],
        created_by=props["created_by"],
        created_at=_plain(props["created_at"]),
        updated_at=_plain(props["updated_at"]),
        assignee=props.get("assignee"),
        entity_count=entity_count,
    )


def _entity(row: dict[str, Any]) -> CaseEntityPublic:
    props = dict(row["properties"])
    scores = explained_scores(props)
    return CaseEntityPublic(
        id=f"{row['label']}:{row['key']}",
        label=row["label"],
        key=str(row["key"]),
        name=props.get("name"),
        pinned_by=row["pinned_by"],
        pinned_at=row["pinned_at"],
        note=row["note"],
        scores=scores,
        features=_feature_sets(props),
    )


def _relationship(row: dict[str, Any], ids: dict[str, str], pinned: set[str]) -> CaseRelationshipPublic:
    source, target = ids[row["start"]], ids[row["end"]]
    return CaseRelationshipPublic(
        type=row["type"],
        source=source,
        target=target,
        # A pin names its ends in the order the investigator gave; either order matches.
        pinned=f"{row['type']}|{source}|{target}" in pinned or f"{row['type']}|{target}|{source}" in pinned,
        properties={k: _plain(v) for k, v in sorted(row["properties"].items())},
    )


def _note(row: dict[str, Any]) -> CaseNotePublic:
    return CaseNotePublic(**{**row, "about": sorted(row["about"])})
