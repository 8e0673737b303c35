"""Entity resolution against the graph: read records, respect decisions, write links and the review queue.

:func:`resolve_graph` reads every Person and Company record with its identifiers, takes the
investigators' decisions (``MatchReview`` nodes confirmed or rejected), runs the matcher and writes, in
batches: ``SAME_AS`` from the lower to the higher record id with the score, the evidence (a JSON list
of ``{evidence, weight, reason}``), the matcher version and the run, status ``matched`` or
``confirmed``; open ``MatchReview`` items for the grey zone. Links a run no longer finds are removed;
open review items it no longer finds become ``stale``. A rejected pair never gets a link again.

:class:`ReviewQueue` lists the queue and records decisions (the CLI and the API use it).

Example (needs a running Neo4j)::

    report = resolve_graph(driver, settings)
    queue = ReviewQueue(driver, settings)
    item = queue.items(status="open", limit=1)[0]
    queue.decide(item.pair_id, "rejected", decided_by="inspector.han", note="different fathers")
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from neo4j import Driver, RoutingControl

import cypher
from bigfinder.errors import NotFound
from bigfinder.settings import Settings
from graph.results import ResultWriter
from graph.schema import SCHEMA
from graph.store import translate_driver_errors
from graph.tables import read_columns
from resolution.matcher import MATCHER_VERSION, Resolution, resolve
from resolution.records import PartyKind, PartyRecords

__all__ = [
    "Decision",
    "KindReport",
    "ReviewItem",
    "ReviewNotFound",
    "ReviewQueue",
    "pair_id",
    "read_records",
    "resolve_graph",
]

Decision = Literal["confirmed", "rejected"]
Progress = Callable[[str, int, int | None], None]
_KINDS: tuple[PartyKind, ...] = ("Person", "Company")


class ReviewNotFound(NotFound):
    """No review item or record pair with that id."""


def pair_id(label: str, left: str, right: str) -> str:
    """The id of a pair of records: label and the two record ids in order (``Person:P1|P2``)."""
    low, high = sorted((left, right))
    return f"{SCHEMA.node(label).label}:{low}|{high}"


def _parse_pair_id(value: str) -> tuple[str, str, str]:
    label, _, pair = value.partition(":")
    left, _, right = pair.partition("|")
    if label not in _KINDS or not left or not right or left == right:
        raise ReviewNotFound(f"{value!r} is not a pair id like 'Person:P00000001|P00000002'")
    return label, *sorted((left, right))  # type: ignore[return-value]


@dataclass(frozen=True)
class KindReport:
    """What one run did for one kind of record."""

    kind: str
    records: int
    comparisons: int
    matches: int
    review: int
    removed_links: int
    stale_reviews: int
    seconds: float


@dataclass(frozen=True)
class ReviewItem:
    """One pair in the review queue, with the matcher's evidence and the decision on it."""

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


def _statement(name: str, label: str) -> str:
    node = SCHEMA.node(label)
    return cypher.load("resolution", name).replace("__LABEL__", node.label).replace("__KEY__", node.key)


def _evidence_json(result: Resolution, at: int) -> str:
    weighed = [(round(float(e.weight[at]), 2), e) for e in result.evidence if e.weight[at] != 0]
    weighed.sort(key=lambda item: -abs(item[0]))
    items = [{"evidence": e.name, "weight": weight, "reason": e.reason(at)} for weight, e in weighed]
    return json.dumps(items, ensure_ascii=False)


def _rows(result: Resolution, index: Sequence[int], status: Callable[[int], str]) -> list[dict[str, Any]]:
    ids = result.records.record_id
    left, right = result.context.left, result.context.right
    rows = []
    for at in index:
        a, b = sorted((ids[int(left[at])], ids[int(right[at])]))
        rows.append(
            {
                "left": a,
                "right": b,
                "pair_id": pair_id(result.records.kind, a, b),
                "score": round(float(result.probability[at]), 4),
                "evidence": _evidence_json(result, at),
                "status": status(at),
            }
        )
    return rows


def read_records(driver: Driver, settings: Settings, kind: PartyKind) -> PartyRecords:
    name = "person_records" if kind == "Person" else "company_records"
    columns = read_columns(driver, settings, "resolution", name)
    count = len(columns["record_id"])
    rows = ({key: values[at] for key, values in columns.items()} for at in range(count))
    return PartyRecords.build(kind, rows)


def resolve_graph(
    driver: Driver,
    settings: Settings,
    *,
    kinds: Sequence[PartyKind] = _KINDS,
    match_at: float = 0.9,
    review_at: float = 0.5,
    progress: Progress | None = None,
) -> list[KindReport]:
    """Resolve the graph's Person and Company records; one report per kind."""
    writer = ResultWriter(driver, settings)
    run = writer.start_run(
        "entity_resolution",
        MATCHER_VERSION,
        {"match_at": match_at, "review_at": review_at, "kinds": list(kinds)},
    )
    reports = []
    for kind in kinds:
        if progress:
            progress(f"resolving {kind} records", 0, None)
        records = read_records(driver, settings, kind)
        decisions = read_columns(driver, settings, "resolution", "review_decisions", label=kind)
        confirmed = [
            (a, b) for a, b, s in zip(decisions["left"], decisions["right"], decisions["status"], strict=True)
            if s == "confirmed"
        ]  # fmt: skip
        rejected = [
            (a, b) for a, b, s in zip(decisions["left"], decisions["right"], decisions["status"], strict=True)
            if s == "rejected"
        ]  # fmt: skip
        result = resolve(
            records, match_at=match_at, review_at=review_at, confirmed=confirmed, rejected=rejected
        )
        forced = {pair_id(kind, a, b) for a, b in confirmed}
        matches = _rows(result, result.match_index().tolist(), lambda _: "matched")
        for row in matches:
            if row["pair_id"] in forced:
                row["status"] = "confirmed"
        reviews = _rows(result, result.review_index().tolist(), lambda _: "open")
        extra = {"label": kind, "matcher_version": MATCHER_VERSION, "run_id": run.run_id}
        done = 0
        for statement, rows in (
            (_statement("merge_same_as", kind), matches),
            (_statement("merge_reviews", kind), reviews),
        ):
            for begin in range(0, len(rows), 5_000):
                _write(driver, settings, statement, rows=rows[begin : begin + 5_000], **extra)
                done += len(rows[begin : begin + 5_000])
                if progress:
                    progress(f"writing {kind} links and reviews", done, len(matches) + len(reviews))
        removed = _write(driver, settings, _statement("remove_stale_same_as", kind), run_id=run.run_id)
        stale = _write(driver, settings, _statement("mark_stale_reviews", kind), **extra)
        reports.append(
            KindReport(
                kind,
                len(records),
                result.comparisons,
                len(matches),
                len(reviews),
                int(removed[0]["removed"]) if removed else 0,
                int(stale[0]["stale"]) if stale else 0,
                result.blocking_seconds + result.scoring_seconds,
            )
        )
    writer.finish_run(run, {f"{r.kind.lower()}_matches": r.matches for r in reports})
    return reports


def _write(driver: Driver, settings: Settings, statement: str, **params: Any) -> list[dict[str, Any]]:
    with translate_driver_errors(settings):
        records = driver.execute_query(
            statement, parameters_=params, database_=settings.neo4j_database
        ).records
    return [record.data() for record in records]


def _item(row: dict[str, Any]) -> ReviewItem:
    return ReviewItem(
        pair_id=row["pair_id"],
        label=row["label"],
        left=row["left"],
        right=row["right"],
        score=row["score"],
        evidence=json.loads(row["evidence"] or "[]"),
        status=row["status"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        note=row["note"],
    )


class ReviewQueue:
    """The review queue of entity resolution: list pairs, confirm or reject them."""

    def __init__(self, driver: Driver, settings: Settings) -> None:
        self._driver = driver
        self._settings = settings

    def items(
        self, *, status: str | None = "open", label: str | None = None, offset: int = 0, limit: int = 50
    ) -> list[ReviewItem]:
        """Review items, most likely matches first."""
        if label is not None:
            SCHEMA.node(label)
        with translate_driver_errors(self._settings):
            result = self._driver.execute_query(
                cypher.load("resolution", "list_reviews"),
                parameters_={"status": status, "label": label, "offset": offset, "limit": limit},
                database_=self._settings.neo4j_database,
                routing_=RoutingControl.READ,
            )
        return [_item(record.data()) for record in result.records]

    def decide(
        self, pair: str, decision: Decision, *, decided_by: str, note: str | None = None
    ) -> ReviewItem:
        """Confirm or reject a pair (in the queue or not); the link is added or removed at once."""
        if decision not in ("confirmed", "rejected"):
            raise ValueError(f"a decision is 'confirmed' or 'rejected', not {decision!r}")
        label, left, right = _parse_pair_id(pair)
        rows = _write(
            self._driver,
            self._settings,
            _statement("decide_review", label),
            pair_id=pair_id(label, left, right),
            label=label,
            left=left,
            right=right,
            status=decision,
            decided_by=decided_by,
            note=note,
        )
        if not rows:
            raise ReviewNotFound(f"no {label} records {left} and {right} in the graph")
        return _item(rows[0])
