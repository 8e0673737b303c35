"""Write analytics results back to Neo4j: runs, per-node values and detected rings, in batches.

Every result is stamped with the run that produced it. :meth:`ResultWriter.start_run` records an
``AnalysisRun`` (algorithm, version, parameters as JSON, start time); per-node values land on the nodes
as ``n.<property>`` with ``n.<property>_run`` naming that run; a detector's rings become ``Ring`` nodes
with ``MEMBER_OF`` links from their members and ``FOUND_BY`` links to each run that found them.

Only the properties of :data:`RESULT_PROPERTIES` can be written, and labels and keys come from the
schema, so no name from elsewhere reaches a statement. Every write MERGEs on a key: writing the same
results twice leaves the graph as it was apart from the run stamps, and a ring found again keeps the
status an investigator gave it. Rings of a scheme that a later run no longer finds are marked
``stale``, never deleted, since alerts were raised on them.

Example (needs a running Neo4j)::

    writer = ResultWriter(driver, settings)
    run = writer.start_run("louvain", "1", {"resolution": 1.0, "seed": 7})
    writer.write_node_values(run, projection, nodes, "louvain_id", communities)
    writer.finish_run(run, {"communities": int(communities.max()) + 1})
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from neo4j import Driver

import cypher
from bigfinder.settings import Settings
from graph.findings import RingCandidate
from graph.projection import Projection
from graph.schema import SCHEMA
from graph.store import translate_driver_errors

__all__ = [
    "RESULT_PROPERTIES",
    "AnalysisRun",
    "ResultProperty",
    "ResultWriter",
    "RingWriteReport",
    "node_values_statement",
    "ring_members_statement",
    "ring_rows",
]

_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
#: Fields of an ``AnalysisRun`` node that a run's summary must not overwrite.
_RUN_FIELDS = frozenset(
    {"run_id", "algorithm", "version", "parameters", "started_at", "finished_at", "duration_s", "status"}
)


@dataclass(frozen=True)
class ResultProperty:
    """A node property analytics may write: its value type and what it means to an investigator."""

    name: str
    kind: Literal["int", "float"]
    description: str

    @property
    def run_property(self) -> str:
        """The property naming the run that wrote the value (``wcc_id_run``)."""
        return f"{self.name}_run"


#: Every per-node result analytics writes back: the whitelist of :meth:`ResultWriter.write_node_values`.
RESULT_PROPERTIES: dict[str, ResultProperty] = {
    p.name: p
    for p in (
        ResultProperty("wcc_id", "int", "Weakly connected component: nodes linked by any path share it."),
        ResultProperty("wcc_size", "int", "Nodes in the node's weakly connected component."),
        ResultProperty(
            "louvain_id", "int", "Louvain community: a group more tightly linked inside than out."
        ),
        ResultProperty("leiden_id", "int", "Leiden community (Louvain with well-connected communities)."),
        ResultProperty("pagerank", "float", "PageRank: how central the node is in the whole graph."),
        ResultProperty("pagerank_rank", "int", "Position by PageRank, 1 for the most central node."),
        ResultProperty(
            "accomplice_score", "float", "Personalised PageRank from the watchlist: closeness to suspects."
        ),
        ResultProperty("accomplice_rank", "int", "Position by accomplice score, 1 for the closest."),
        ResultProperty(
            "money_accomplice_score",
            "float",
            "Accounts: how much the account moves money like, and with, the watchlisted parties' accounts.",
        ),
        ResultProperty("degree", "int", "Relationships of the node in the projection analysed."),
        ResultProperty(
            "risk_score",
            "float",
            "Calibrated probability of fraud from the fused risk models (risk_explanation says why).",
        ),
        ResultProperty(
            "gnn_score",
            "float",
            "GNN probability that the party is an offender (see gnn_model_version and gnn_explanation).",
        ),
    )
}


@dataclass(frozen=True)
class AnalysisRun:
    """One run of an algorithm or detector, as recorded on its ``AnalysisRun`` node."""

    run_id: str
    algorithm: str
    version: str
    #: The parameters as a JSON object with sorted keys, exactly as stored.
    parameters: str
    started_at: datetime


@dataclass(frozen=True)
class RingWriteReport:
    """What :meth:`ResultWriter.write_rings` wrote: rings, member links, members missing, rings gone stale."""

    rings: int
    members_linked: int
    members_missing: int
    stale: int


def node_values_statement(label: str, prop: str) -> str:
    """The batched write of result ``prop`` onto ``label`` nodes, from the whitelists only."""
    node = SCHEMA.node(label)
    result = _result_property(prop)
    return (
        cypher.load("results", "set_node_values")
        .replace("__LABEL__", node.label)
        .replace("__KEY__", node.key)
        .replace("__RUN_PROPERTY__", result.run_property)
        .replace("__PROPERTY__", result.name)
    )


def ring_members_statement(label: str) -> str:
    """The batched ``MEMBER_OF`` merge for members of ``label`` (a label rings may hold)."""
    if label not in SCHEMA.relationship("MEMBER_OF").start:
        raise ValueError(f"a {label} cannot be a ring member")
    node = SCHEMA.node(label)
    return (
        cypher.load("results", "merge_ring_members")
        .replace("__LABEL__", node.label)
        .replace("__KEY__", node.key)
    )


def _result_property(name: str) -> ResultProperty:
    try:
        return RESULT_PROPERTIES[name]
    except KeyError:
        known = ", ".join(sorted(RESULT_PROPERTIES))
        raise ValueError(f"{name!r} is not a result property; known: {known}") from None


def ring_rows(rings: Sequence[RingCandidate]) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Rows of ``merge_rings`` and, per member label, rows of ``merge_ring_members``.

    Each ring is ranked within its scheme: 1 for the highest score, ties broken by ring id so the rank
    is the same on every run. A ring listed twice (same members) is written once, with its best score.

    >>> from graph.findings import RingMember
    >>> a = RingCandidate("courier", 0.4, (RingMember("Person", "P1", "courier", 0.4),), ())
    >>> b = RingCandidate("courier", 0.9, (RingMember("Person", "P2", "courier", 0.9),), ())
    >>> rings, members = ring_rows([a, b])
    >>> [(r["ring_id"] == b.ring_id, r["rank"]) for r in rings]
    [(True, 1), (False, 2)]
    >>> [m["key"] for m in members["Person"]]
    ['P2', 'P1']
    """
    best: dict[str, RingCandidate] = {}
    for ring in rings:
        if not math.isfinite(ring.score):
            raise ValueError(f"ring {ring.ring_id} has score {ring.score}; a score must be a finite number")
        if ring.ring_id not in best or ring.score > best[ring.ring_id].score:
            best[ring.ring_id] = ring
    ordered = sorted(best.values(), key=lambda r: (r.scheme, -r.score, r.ring_id))
    ring_rows_out: list[dict[str, Any]] = []
    member_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rank_in_scheme: dict[str, int] = defaultdict(int)
    for ring in ordered:
        rank_in_scheme[ring.scheme] += 1
        ring_rows_out.append(
            {
                "ring_id": ring.ring_id,
                "scheme": ring.scheme,
                "score": float(ring.score),
                "rank": rank_in_scheme[ring.scheme],
                "member_count": len({(m.label, m.key) for m in ring.members}),
                "evidence": ring.evidence_json(),
            }
        )
        for member in ring.members:
            member_rows[member.label].append(
                {
                    "ring_id": ring.ring_id,
                    "key": member.key,
                    "role": member.role,
                    "score": float(member.score),
                }
            )
    return ring_rows_out, dict(member_rows)


class ResultWriter:
    """Writes one process's analytics results, in batches of ``batch_size`` rows per transaction."""

    def __init__(self, driver: Driver, settings: Settings, *, batch_size: int = 10_000) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self._driver = driver
        self._settings = settings
        self._batch_size = batch_size

    def _write(self, statement: str, **params: Any) -> list[dict[str, Any]]:
        with translate_driver_errors(self._settings):
            records = self._driver.execute_query(
                statement, parameters_=params, database_=self._settings.neo4j_database
            ).records
        return [record.data() for record in records]

    def _write_batches(
        self, statement: str, rows: Sequence[dict[str, Any]], column: str, **params: Any
    ) -> int:
        """Run ``statement`` over ``rows`` batch by batch; the sum of its ``column`` counts."""
        total = 0
        for batch in _batches(rows, self._batch_size):
            total += sum(int(r[column]) for r in self._write(statement, rows=batch, **params))
        return total

    def start_run(self, algorithm: str, version: str, parameters: Mapping[str, Any]) -> AnalysisRun:
        """Record the start of a run (its ``AnalysisRun`` node) and return it for the writes that follow."""
        run = AnalysisRun(
            run_id=str(uuid.uuid4()),
            algorithm=algorithm,
            version=version,
            parameters=json.dumps(dict(parameters), sort_keys=True, default=str, ensure_ascii=False),
            started_at=datetime.now(UTC),
        )
        self._write(
            cypher.load("results", "start_run"),
            run_id=run.run_id,
            algorithm=run.algorithm,
            version=run.version,
            parameters=run.parameters,
            started_at=run.started_at,
        )
        return run

    def finish_run(self, run: AnalysisRun, summary: Mapping[str, int | float | str]) -> float:
        """Record the end of ``run`` with its summary figures; returns the run's duration in seconds."""
        for name, value in summary.items():
            if not _IDENTIFIER.match(name) or name in _RUN_FIELDS:
                raise ValueError(f"{name!r} cannot be a summary figure of a run")
            if not isinstance(value, int | float | str):
                raise ValueError(
                    f"summary figure {name!r} must be a number or text, not {type(value).__name__}"
                )
        finished_at = datetime.now(UTC)
        duration_s = (finished_at - run.started_at).total_seconds()
        records = self._write(
            cypher.load("results", "finish_run"),
            run_id=run.run_id,
            summary=dict(summary),
            finished_at=finished_at,
            duration_s=duration_s,
        )
        if not records or not records[0]["runs"]:
            raise ValueError(f"run {run.run_id} was never started in this graph")
        return duration_s

    def write_node_values(
        self,
        run: AnalysisRun,
        projection: Projection,
        nodes: npt.ArrayLike,
        prop: str,
        values: npt.ArrayLike,
    ) -> int:
        """Set ``n.<prop> = value`` (and ``n.<prop>_run``) on ``projection`` nodes; returns nodes written.

        ``nodes`` are node indices of ``projection``; ``values`` one per node. A node deleted since the
        projection was read is skipped.
        """
        result = _result_property(prop)
        indices = np.asarray(nodes, dtype=np.int64)
        column = _values(np.asarray(values), result, len(indices))
        if len(indices) and (indices.min() < 0 or indices.max() >= projection.num_nodes):
            raise ValueError(f"node indices must lie in 0..{projection.num_nodes - 1}")
        written = 0
        node_label = projection.node_label[indices]
        for label_index, label in enumerate(projection.labels):
            mine = np.flatnonzero(node_label == label_index)
            if not len(mine):
                continue
            keys = projection.node_key[indices[mine]].tolist()
            rows = [{"key": str(k), "value": v} for k, v in zip(keys, column[mine].tolist(), strict=True)]
            written += self._write_batches(
                node_values_statement(label, result.name), rows, "written", run_id=run.run_id
            )
        return written

    def write_rings(
        self, run: AnalysisRun, rings: Sequence[RingCandidate], schemes: Iterable[str] | None = None
    ) -> RingWriteReport:
        """MERGE the rings of ``run`` with their members; mark the schemes' rings it no longer finds stale.

        ``schemes`` are the schemes the run looked for (default: those of ``rings``); name them when a
        run may find nothing, so that every earlier ring of the scheme goes stale.
        """
        ring_table, member_tables = ring_rows(rings)
        rings_written = self._write_batches(
            cypher.load("results", "merge_rings"), ring_table, "rings", run_id=run.run_id
        )
        linked = missing = 0
        for label, rows in member_tables.items():
            done = self._write_batches(ring_members_statement(label), rows, "linked")
            linked += done
            missing += len(rows) - done
        covered = sorted(set(schemes) if schemes is not None else {r["scheme"] for r in ring_table})
        stale = self._write(cypher.load("results", "mark_stale_rings"), schemes=covered, run_id=run.run_id)
        return RingWriteReport(rings_written, linked, missing, int(stale[0]["stale"]))


def _values(values: npt.NDArray[Any], result: ResultProperty, count: int) -> npt.NDArray[Any]:
    """``values`` as the property's type, refusing a wrong count or a value that is not a finite number."""
    if values.shape != (count,):
        raise ValueError(f"{count} nodes but values of shape {values.shape}")
    as_float = values.astype(np.float64)
    if not np.isfinite(as_float).all():
        raise ValueError(f"{result.name} values must be finite numbers")
    if result.kind == "int":
        if not np.array_equal(as_float, np.round(as_float)):
            raise ValueError(f"{result.name} values must be whole numbers")
        return values.astype(np.int64)
    return as_float


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for begin in range(0, len(rows), size):
        yield rows[begin : begin + size]
