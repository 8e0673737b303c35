"""Read the graph, or a filtered part of it, from Neo4j into a :class:`graph.projection.Projection`.

A :class:`ProjectionSpec` says which labels and relationship types to read, the time window and which
relationship property weighs an edge. :func:`read_projection` runs a handful of reads from
``cypher/projection.cypher``, each returning whole columns as lists (internal ids, keys, weights,
times), and maps Neo4j's internal node ids to dense indices with numpy: no Python loop runs per node
or per relationship, which is what makes a million relationships a second possible.

Where a relationship's time comes from is schema data (:meth:`graph.schema.GraphSchema.time_of`): a
transfer's own ``sent_at``, otherwise the event it touches (an import is as old as its declaration).
An event's time is read once per event node and handed to its relationships here, not converted by
the server once per relationship. A time window is applied by the server, so relationships outside it
never cross the wire.

Example (needs a running Neo4j)::

    spec = ProjectionSpec(rel_types=("TRANSFER",), since=datetime(2023, 1, 1, tzinfo=UTC),
                          weight_property="amount")
    transfers = read_projection(driver, settings, spec)
    transfers.csr().indptr
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from neo4j import READ_ACCESS, Driver

import cypher
from bigfinder.settings import Settings
from graph.projection import Projection
from graph.schema import SCHEMA
from graph.store import translate_driver_errors

__all__ = ["ProgressHook", "ProjectionSpec", "nodes_statement", "read_projection", "relationship_statement"]

#: ``(phase, done, total)``: called after each read, as the ingest's progress hook is.
ProgressHook = Callable[[str, int, int | None], None]

#: Start nodes per relationship read: bounds the lists the server builds for one record.
START_NODES_PER_READ = 100_000
#: Reads in flight at once: while the server answers one, this process unpacks another.
READ_THREADS = 4

_I64 = npt.NDArray[np.int64]
_F64 = npt.NDArray[np.float64]
_Keys = npt.NDArray[np.object_]
_SIDE_VARIABLE = {"relationship": "r", "start": "a", "end": "b"}


@dataclass(frozen=True)
class ProjectionSpec:
    """Which part of the graph to project.

    ``labels`` and ``rel_types`` default to the whole domain graph: every label read from sources (the
    analytics' own runs and rings are left out unless named) and every relationship type between them.
    ``since`` and ``until`` bound relationship times (inclusive; a naive datetime is taken as UTC); a
    bound drops relationships without a time. ``weight_property`` names the relationship property that
    weighs an edge (``amount`` of a transfer); edges without it weigh ``default_weight``.
    """

    labels: tuple[str, ...] | None = None
    rel_types: tuple[str, ...] | None = None
    since: datetime | None = None
    until: datetime | None = None
    weight_property: str | None = None
    default_weight: float = 1.0

    def __post_init__(self) -> None:
        for label in self.labels or ():
            SCHEMA.node(label)
        for rel_type in self.rel_types or ():
            SCHEMA.relationship(rel_type)
        if self.since and self.until and _epoch(self.since) > _epoch(self.until):
            raise ValueError(f"the window starts ({self.since}) after it ends ({self.until})")
        if not math.isfinite(self.default_weight):
            raise ValueError(f"default_weight must be a finite number, not {self.default_weight}")

    @property
    def projected_labels(self) -> tuple[str, ...]:
        return self.labels if self.labels is not None else SCHEMA.source_labels

    @property
    def projected_rel_types(self) -> tuple[str, ...]:
        """The asked-for types that can join two projected labels, in schema order."""
        labels = set(self.projected_labels)
        wanted = set(self.rel_types) if self.rel_types is not None else set(SCHEMA.relationship_types)
        return tuple(
            rel.type
            for rel in SCHEMA.relationships
            if rel.type in wanted and labels & set(rel.start) and labels & set(rel.end)
        )

    @property
    def windowed(self) -> bool:
        return self.since is not None or self.until is not None


def _epoch(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _fill(template: str, **parts: str) -> str:
    for placeholder, value in parts.items():
        template = template.replace(f"__{placeholder.upper()}__", value)
    return template


def relationship_statement(rel_type: str) -> str:
    """The read of ``rel_type`` relationships, its type and time source filled from the schema."""
    rel = SCHEMA.relationship(rel_type)
    time = SCHEMA.time_of(rel.type)
    moment = f"{_SIDE_VARIABLE[time.side]}.{time.property}" if time else "null"
    template = cypher.load("projection", "relationships_from")
    return _fill(template, type=rel.type, time=moment, seconds=cypher.load("projection", "epoch_seconds"))


def nodes_statement(label: str) -> str:
    """The read of every ``label`` node: internal ids, keys and, for an event, its time."""
    node = SCHEMA.node(label)
    moment = f"n.{node.time_property}" if node.time_property else "null"
    template = cypher.load("projection", "nodes_of_label")
    return _fill(
        template,
        label=node.label,
        key=node.key,
        time=moment,
        seconds=cypher.load("projection", "epoch_seconds"),
    )


@dataclass
class _Nodes:
    """The projected nodes of every label, in projection order, with event times where read."""

    ids: list[_I64] = field(default_factory=list)
    keys: list[_Keys] = field(default_factory=list)
    times: dict[str, _F64] = field(default_factory=dict)


@dataclass
class _Relationships:
    """Relationship columns of one type, gathered chunk by chunk before they are mapped to indices.

    ``weight`` and ``time`` stay empty when not read (no weight property; an event's time, taken from
    its node instead).
    """

    src: list[_I64] = field(default_factory=list)
    dst: list[_I64] = field(default_factory=list)
    weight: list[_F64] = field(default_factory=list)
    time: list[_F64] = field(default_factory=list)

    @classmethod
    def joined(cls, chunks: Sequence[_Relationships]) -> _Relationships:
        return cls(
            [a for c in chunks for a in c.src],
            [a for c in chunks for a in c.dst],
            [a for c in chunks for a in c.weight],
            [a for c in chunks for a in c.time],
        )


def read_projection(
    driver: Driver,
    settings: Settings,
    spec: ProjectionSpec | None = None,
    progress: ProgressHook | None = None,
) -> Projection:
    """The part of the graph ``spec`` describes (the whole domain graph by default), as arrays.

    Nodes are ordered by label (in ``spec`` order), then by internal id; relationships by type, then by
    start node. Relationships whose end node is not projected (a label left out) are dropped. The
    reads run :data:`READ_THREADS` at a time; ``progress`` is called from this thread only.
    """
    spec = spec or ProjectionSpec()
    reader = _Reader(driver, settings)
    report = progress or (lambda _phase, _done, _total: None)
    rel_types = spec.projected_rel_types
    nodes = _Nodes()
    with ThreadPoolExecutor(READ_THREADS, thread_name_prefix="projection") as pool:
        node_reads = [
            pool.submit(reader.nodes, label, _label_times_needed(label, rel_types, spec))
            for label in spec.projected_labels
        ]
        for label, future in zip(spec.projected_labels, node_reads, strict=True):
            ids, keys, times = future.result()
            nodes.ids.append(ids)
            nodes.keys.append(keys)
            if times is not None:
                nodes.times[label] = times
            report(f"nodes {label}", len(ids), len(ids))
        by_label = dict(zip(spec.projected_labels, nodes.ids, strict=True))
        params = {
            "since": _epoch(spec.since) if spec.since else None,
            "until": _epoch(spec.until) if spec.until else None,
            "weighted": spec.weight_property is not None,
            "weight_property": spec.weight_property,
            "default_weight": float(spec.default_weight),
            "no_time": math.nan,
        }
        rel_reads = {
            rel_type: [
                pool.submit(reader.relationships, rel_type, chunk, spec.windowed, params)
                for chunk in _start_chunks(rel_type, by_label)
            ]
            for rel_type in rel_types
        }
        columns = []
        for rel_type, futures in rel_reads.items():
            chunks = []
            for done, future in enumerate(futures, 1):
                chunks.append(future.result())
                report(f"relationships {rel_type}", done, len(futures))
            columns.append(_Relationships.joined(chunks))
    return _assemble(spec, nodes, rel_types, columns)


def _start_chunks(rel_type: str, by_label: dict[str, _I64]) -> list[_I64]:
    """The projected start nodes of ``rel_type`` (internal ids), in reads of at most a chunk each."""
    starts = [by_label[label] for label in SCHEMA.relationship(rel_type).start if label in by_label]
    start_ids = _joined(starts, np.int64)
    return [start_ids[i : i + START_NODES_PER_READ] for i in range(0, len(start_ids), START_NODES_PER_READ)]


def _label_times_needed(label: str, rel_types: Sequence[str], spec: ProjectionSpec) -> bool:
    """Whether ``label`` is the event that times one of ``rel_types`` (read per node, not per edge).

    With a window the server needs each relationship's time to filter on anyway, so it returns them.
    """
    if spec.windowed:
        return False
    for rel_type in rel_types:
        time = SCHEMA.time_of(rel_type)
        rel = SCHEMA.relationship(rel_type)
        if time and time.side != "relationship" and label in (rel.start if time.side == "start" else rel.end):
            return True
    return False


class _Reader:
    """Runs the projection reads as read transactions; safe to use from several threads at once."""

    def __init__(self, driver: Driver, settings: Settings) -> None:
        self._driver = driver
        self._settings = settings

    def _read(self, statement: str, **params: Any) -> dict[str, Any]:
        # Internal ids are deprecated in favour of element ids, but they are what the reads join on (an
        # element id is a string to parse): the server's notice is switched off instead of logged per read.
        with (
            translate_driver_errors(self._settings),
            self._driver.session(
                database=self._settings.neo4j_database,
                default_access_mode=READ_ACCESS,
                notifications_disabled_categories=["DEPRECATION", "UNRECOGNIZED"],
            ) as session,
        ):
            record = session.execute_read(lambda tx: tx.run(statement, params).single(strict=True))
        return {key: record[key] for key in record.keys()}  # noqa: SIM118 - a Record, not a dict

    def nodes(self, label: str, timed: bool) -> tuple[_I64, _Keys, _F64 | None]:
        """Internal ids (ascending), keys and, when ``timed``, event times of every ``label`` node."""
        record = self._read(nodes_statement(label), timed=timed, no_time=math.nan)
        ids = np.asarray(record["ids"], dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        keys = np.asarray(record["keys"], dtype=object)[order]
        times = np.asarray(record["time"], dtype=np.float64)[order] if timed else None
        return ids[order], keys, times

    def relationships(
        self, rel_type: str, start_ids: _I64, windowed: bool, params: dict[str, Any]
    ) -> _Relationships:
        """The ``rel_type`` relationships leaving ``start_ids``."""
        time = SCHEMA.time_of(rel_type)
        timed = time is not None and (windowed or time.side == "relationship")
        record = self._read(
            relationship_statement(rel_type), start_ids=start_ids.tolist(), timed=timed, **params
        )
        return _Relationships(
            [np.asarray(record["src"], dtype=np.int64)],
            [np.asarray(record["dst"], dtype=np.int64)],
            [np.asarray(record["weight"], dtype=np.float64)],
            [np.asarray(record["time"], dtype=np.float64)],
        )


def _assemble(
    spec: ProjectionSpec, nodes: _Nodes, rel_types: tuple[str, ...], columns: Sequence[_Relationships]
) -> Projection:
    """Map internal ids to dense indices (sorted ids + searchsorted) and build the projection."""
    labels = spec.projected_labels
    all_ids = _joined(nodes.ids, np.int64)
    order = np.argsort(all_ids, kind="stable")
    sorted_ids = all_ids[order]
    node_time = np.full(len(all_ids), np.nan)
    offsets = np.cumsum([0, *(len(ids) for ids in nodes.ids)])
    for label, times in nodes.times.items():
        at = labels.index(label)
        node_time[offsets[at] : offsets[at + 1]] = times

    def dense(ids: _I64) -> tuple[_I64, npt.NDArray[np.bool_]]:
        """Indices of ``ids`` among the projected nodes, and which ids are projected at all."""
        if not len(sorted_ids):
            return np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=bool)
        at = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
        return order[at], sorted_ids[at] == ids

    parts: dict[str, list[npt.NDArray[Any]]] = {"src": [], "dst": [], "type": [], "weight": [], "time": []}
    for type_index, (rel_type, column) in enumerate(zip(rel_types, columns, strict=True)):
        src, src_found = dense(_joined(column.src, np.int64))
        dst, dst_found = dense(_joined(column.dst, np.int64))
        keep = src_found & dst_found
        src, dst = src[keep], dst[keep]
        weight = _joined(column.weight, np.float64)
        time = _joined(column.time, np.float64)
        parts["src"].append(src)
        parts["dst"].append(dst)
        parts["type"].append(np.full(len(src), type_index, dtype=np.int16))
        parts["weight"].append(weight[keep] if len(weight) else np.full(len(src), spec.default_weight))
        parts["time"].append(time[keep] if len(time) else _event_time(rel_type, node_time, src, dst))
    return Projection(
        labels=labels,
        node_label=np.repeat(np.arange(len(labels), dtype=np.int16), np.diff(offsets)),
        node_key=_joined(nodes.keys, np.object_),
        rel_types=rel_types,
        src=_joined(parts["src"], np.int64),
        dst=_joined(parts["dst"], np.int64),
        rel_type=_joined(parts["type"], np.int16),
        weight=_joined(parts["weight"], np.float64),
        time=_joined(parts["time"], np.float64),
    )


def _event_time(rel_type: str, node_time: _F64, src: _I64, dst: _I64) -> _F64:
    """Times of ``rel_type`` relationships taken from the event node at their start or end (or NaN)."""
    time = SCHEMA.time_of(rel_type)
    if time is None:
        return np.full(len(src), np.nan)
    return node_time[src if time.side == "start" else dst]


def _joined(arrays: Sequence[npt.NDArray[Any]], dtype: type[np.generic]) -> npt.NDArray[Any]:
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype=dtype)
