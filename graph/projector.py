"""Read the graph, or a filtered part of it, from Neo4j into a :class:`graph.projection.Projection`.

A :class:`ProjectionSpec` says which labels and relationship types to read, the time window and which
relationship property weighs an edge. :func:`read_projection` runs a handful of reads from
``cypher/projection.cypher``, each returning whole columns (internal ids, keys, weights, times), and
maps Neo4j's internal node ids to dense indices with numpy: no Python loop runs per node or per
relationship, which is what makes a million relationships a second possible.

Two ways to read the columns, same projection either way. bigfinder's own Neo4j (the launcher in
``launcher/``) registers ``bigfinder.projection.nodes`` and ``bigfinder.projection.relationships``, which
read the store in-process, as Neo4j GDS does, and send each column as packed little-endian bytes that
numpy maps without touching each element, relationships in store order. Any other Neo4j is read
with Cypher that returns each column as a list. :func:`packed_reads_available` asks the server once per
driver which it is.

The out-adjacency (:meth:`Projection.csr`) is built as part of the read, as GDS builds its in-memory
graph while projecting: algorithms find it ready. It takes one counting pass over the relationships,
not a sort.

Keys are what a result is written back by, and reading them is most of the cost of reading the nodes.
``ProjectionSpec(keys=False)`` reads node ids alone, as a GDS projection does; the keys are read when
first asked for (:class:`graph.projection.NodeKeys`), checked against the ids projected.

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
from weakref import WeakKeyDictionary

import numpy as np
import numpy.typing as npt
from neo4j import READ_ACCESS, Driver, RoutingControl

import cypher
from bigfinder.errors import ProjectionOutdated
from bigfinder.settings import Settings
from graph.projection import NodeKeys, Projection
from graph.schema import SCHEMA
from graph.store import translate_driver_errors

__all__ = [
    "ProgressHook",
    "ProjectionSpec",
    "nodes_statement",
    "packed_reads_available",
    "read_projection",
    "relationship_statement",
]

#: ``(phase, done, total)``: called after each read, as the ingest's progress hook is.
ProgressHook = Callable[[str, int, int | None], None]

#: Start nodes per Cypher relationship read: bounds the lists the server builds for one record. Each
#: read scans the whole type, so a graph of a few million relationships reads each type at once.
START_NODES_PER_READ = 500_000
#: Nodes or relationships per record of a packed read: 2 MiB per column, so the server reads the next
#: chunk from the store while this process unpacks one.
PACKED_CHUNK = 1 << 18
#: Every internal id: the packed read takes all start nodes in one pass.
_ALL_IDS = 2**63 - 1
#: Reads in flight at once. The work is the server's (this process mostly waits on sockets), and the
#: relationship read alone keeps every server core busy while the node reads run beside it.
READ_THREADS = 4

_I64 = npt.NDArray[np.int64]
_F64 = npt.NDArray[np.float64]
_Keys = npt.NDArray[np.object_]
#: One label's nodes: internal ids, keys (None when not read) and event times (None when not read).
_NodeRead = tuple[_I64, _Keys | None, _F64 | None]
_SIDE_VARIABLE = {"relationship": "r", "start": "a", "end": "b"}
#: A column not read: an empty list, but an aggregate, so a read of no rows still returns its one record.
_NOTHING = "collect(null)"
#: Per driver: whether its server has the packed projection reads (asked once, the answer kept).
_PACKED_READS: WeakKeyDictionary[Driver, bool] = WeakKeyDictionary()


@dataclass(frozen=True)
class ProjectionSpec:
    """Which part of the graph to project.

    ``labels`` and ``rel_types`` default to the whole domain graph: every label read from sources (the
    analytics' own runs and rings are left out unless named) and every relationship type between them.
    ``since`` and ``until`` bound relationship times (inclusive; a naive datetime is taken as UTC); a
    bound drops relationships without a time. ``weight_property`` names the relationship property that
    weighs an edge (``amount`` of a transfer); edges without it weigh ``default_weight``. ``times``
    False reads no times at all (every ``time`` NaN): the structure alone, for algorithms that never look
    at when something happened (components, PageRank, communities), as a GDS projection reads it.
    ``keys`` False reads node ids without their keys, which are read when first asked for (writing
    results back, looking a node up by key): through the same driver, so it must still be open then.
    """

    labels: tuple[str, ...] | None = None
    rel_types: tuple[str, ...] | None = None
    since: datetime | None = None
    until: datetime | None = None
    weight_property: str | None = None
    default_weight: float = 1.0
    times: bool = True
    keys: bool = True

    def __post_init__(self) -> None:
        for label in self.labels or ():
            SCHEMA.node(label)
        for rel_type in self.rel_types or ():
            SCHEMA.relationship(rel_type)
        if self.since and self.until and _epoch(self.since) > _epoch(self.until):
            raise ValueError(f"the window starts ({self.since}) after it ends ({self.until})")
        if self.windowed and not self.times:
            raise ValueError("a time window needs the times: since and until cannot go with times=False")
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


def _seconds(block: str, moment: str) -> str:
    """``block`` (node_time, relationship_time) reading ``moment`` as seconds since the epoch."""
    return _fill(
        cypher.load("projection", block), moment=moment, seconds=cypher.load("projection", "epoch_seconds")
    )


def nodes_statement(label: str, *, timed: bool = False) -> str:
    """The read of every ``label`` node: internal ids, keys and, when ``timed``, the event's time."""
    node = SCHEMA.node(label)
    if timed and not node.time_property:
        raise ValueError(f"a {label} is not an event: it has no time to read")
    return _fill(
        cypher.load("projection", "nodes_of_label"),
        timed=_seconds("node_time", f"n.{node.time_property}") if timed else "",
        time=cypher.load("projection", "time_column") if timed else _NOTHING,
        label=node.label,
        key=node.key,
    )


def relationship_statement(rel_type: str, *, timed: bool = False, weighted: bool = False) -> str:
    """The read of ``rel_type`` relationships, filled from the schema.

    ``timed`` reads each relationship's time (where :meth:`GraphSchema.time_of` says it lives) and
    applies the window to it; ``weighted`` reads the weight property.
    """
    rel = SCHEMA.relationship(rel_type)
    time = SCHEMA.time_of(rel.type)
    if timed and time is None:
        raise ValueError(f"a {rel.type} relationship has no time to read")
    return _fill(
        cypher.load("projection", "relationships_from"),
        timed=_seconds("relationship_time", f"{_SIDE_VARIABLE[time.side]}.{time.property}")
        if time and timed
        else "",
        time=cypher.load("projection", "time_column") if timed else _NOTHING,
        weight=cypher.load("projection", "weight_column") if weighted else _NOTHING,
        type=rel.type,
    )


@dataclass
class _Nodes:
    """The projected nodes of every label, in projection order, with keys and event times where read."""

    ids: list[_I64] = field(default_factory=list)
    keys: list[_Keys | None] = field(default_factory=list)
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


@dataclass(frozen=True)
class _TypeOrdered:
    """Every relationship read, in the projection's type order: ``counts[i]`` of its ``i``-th type.

    Ends are internal ids (not yet mapped to indices); ``weight`` and ``time`` are whole columns (the
    default weight, NaN, where not read). ``timed[i]``: whether type ``i``'s times came with it, or are
    still to be taken from its event node.
    """

    src: _I64
    dst: _I64
    weight: _F64
    time: _F64
    counts: list[int]
    timed: list[bool]

    @classmethod
    def of_types(
        cls, rel_types: Sequence[str], read: dict[str, _Relationships], default_weight: float
    ) -> _TypeOrdered:
        """From columns read type by type (the Cypher reads), joined in ``rel_types`` order."""
        columns = [read.get(rel_type, _Relationships()) for rel_type in rel_types]
        counts = [sum(len(part) for part in column.src) for column in columns]
        sized = list(zip(columns, counts, strict=True))
        return cls(
            _joined([part for column in columns for part in column.src], np.int64),
            _joined([part for column in columns for part in column.dst], np.int64),
            _joined([_column_or(column.weight, n, default_weight) for column, n in sized], np.float64),
            _joined([_column_or(column.time, n, np.nan) for column, n in sized], np.float64),
            counts,
            [sum(len(part) for part in column.time) > 0 for column in columns],
        )


def packed_reads_available(driver: Driver, settings: Settings) -> bool:
    """Whether the server registers bigfinder's packed projection reads (asked once per driver)."""
    if driver not in _PACKED_READS:
        with translate_driver_errors(settings):
            records = driver.execute_query(
                cypher.load("projection", "packed_reads_available"),
                database_=settings.neo4j_database,
                routing_=RoutingControl.READ,
            ).records
        _PACKED_READS[driver] = bool(records and records[0]["available"])
    return _PACKED_READS[driver]


def read_projection(
    driver: Driver,
    settings: Settings,
    spec: ProjectionSpec | None = None,
    progress: ProgressHook | None = None,
    *,
    packed: bool | None = None,
) -> Projection:
    """The part of the graph ``spec`` describes (the whole domain graph by default), as arrays.

    Nodes are ordered by label (in ``spec`` order), then by internal id; relationships by type (in
    schema order), then as the server read them. Relationships whose end node is not projected (a
    label left out) are dropped. The reads run :data:`READ_THREADS` at a time; ``progress`` is called
    from this thread only. ``packed`` chooses the server's packed reads (True) or Cypher (False); by
    default the packed ones where the server has them. The out-adjacency is built before returning.
    """
    spec = spec or ProjectionSpec()
    if packed is None:
        packed = packed_reads_available(driver, settings)
    reader = _Reader(driver, settings, packed=packed)
    report = progress or (lambda _phase, _done, _total: None)
    rel_types = spec.projected_rel_types
    with ThreadPoolExecutor(READ_THREADS, thread_name_prefix="projection") as pool:
        # The packed read needs no node ids: it runs beside the node reads, on another server thread.
        packed_read = pool.submit(_read_packed_relationships, reader, spec) if packed else None
        nodes = _read_nodes(pool, reader, spec, report)
        if packed_read is None:
            by_label = dict(zip(spec.projected_labels, nodes.ids, strict=True))
            each_type = _read_each_type(pool, reader, spec, by_label, report)
            read = _TypeOrdered.of_types(rel_types, each_type, spec.default_weight)
        else:
            read = packed_read.result()
            report("relationships", 1, 1)
    projection = _assemble(spec, nodes, rel_types, read, _KeyLoader(reader, spec.projected_labels, nodes.ids))
    projection.csr("out")
    return projection


def _read_nodes(
    pool: ThreadPoolExecutor, reader: _Reader, spec: ProjectionSpec, report: ProgressHook
) -> _Nodes:
    """Every projected label's nodes: one packed read of them all, or a Cypher read per label."""
    labels = spec.projected_labels
    timed = [_label_times_needed(label, spec.projected_rel_types, spec) for label in labels]
    if reader.packed:
        reads = reader.nodes_of_labels(labels, timed, keys=spec.keys)
    else:
        running = [
            pool.submit(reader.nodes_of_labels, [label], [t]) for label, t in zip(labels, timed, strict=True)
        ]
        reads = [read for future in running for read in future.result()]
    nodes = _Nodes()
    for label, (ids, keys, times) in zip(labels, reads, strict=True):
        nodes.ids.append(ids)
        nodes.keys.append(keys)
        if times is not None:
            nodes.times[label] = times
        report(f"nodes {label}", len(ids), len(ids))
    return nodes


def _read_params(spec: ProjectionSpec) -> dict[str, Any]:
    return {
        "windowed": spec.windowed,
        "timed": spec.times,
        "since": _epoch(spec.since) if spec.since else None,
        "until": _epoch(spec.until) if spec.until else None,
        "weighted": spec.weight_property is not None,
        "weight_property": spec.weight_property,
        "default_weight": float(spec.default_weight),
        "no_time": math.nan,
    }


def _types_read(spec: ProjectionSpec) -> list[str]:
    """A window asks for events inside it: a type without times has none there, and is not read."""
    return [t for t in spec.projected_rel_types if SCHEMA.time_of(t) or not spec.windowed]


def _read_each_type(
    pool: ThreadPoolExecutor,
    reader: _Reader,
    spec: ProjectionSpec,
    by_label: dict[str, _I64],
    report: ProgressHook,
) -> dict[str, _Relationships]:
    """Cypher reads: each type on its own, in chunks of start nodes."""
    params = _read_params(spec)
    reads = {
        rel_type: [
            pool.submit(reader.relationships, rel_type, ids, params)
            for ids in _id_ranges(_start_ids(rel_type, by_label), START_NODES_PER_READ)
        ]
        for rel_type in _types_read(spec)
    }
    columns = {}
    for rel_type, chunks in reads.items():
        done: list[_Relationships] = []
        for chunk in chunks:
            done.append(chunk.result())
            report(f"relationships {rel_type}", len(done), len(chunks))
        columns[rel_type] = _Relationships.joined(done)
    return columns


def _read_packed_relationships(reader: _Reader, spec: ProjectionSpec) -> _TypeOrdered:
    """Packed read: every type in one pass over the relationship store, put in type order.

    The server returns relationships in store order with a type code each; a stable sort by that code (a
    radix sort of one byte) puts them in type order, store order within a type. The codes index the types
    read, which keep the projection's type order, so sorting by code sorts by projected type.
    """
    params = _read_params(spec)
    rel_types = spec.projected_rel_types
    read_types = _types_read(spec)
    starts = [
        label
        for label in spec.projected_labels
        if any(label in SCHEMA.relationship(rel_type).start for rel_type in read_types)
    ]
    if not read_types or not starts:
        return _TypeOrdered.of_types(rel_types, {}, spec.default_weight)
    read = reader.relationships_of_types(read_types, starts, (0, _ALL_IDS), params)
    code = read["type"]
    order = None if not len(code) or np.all(code[1:] >= code[:-1]) else np.argsort(code, kind="stable")
    count_of = dict(zip(read_types, np.bincount(code, minlength=len(read_types)).tolist(), strict=True))
    m = len(code)
    return _TypeOrdered(
        _in_order(read["src"], order),
        _in_order(read["dst"], order),
        _in_order(read["weight"], order) if params["weighted"] else np.full(m, spec.default_weight),
        _in_order(read["time"], order) if len(read["time"]) else np.full(m, np.nan),
        [count_of.get(rel_type, 0) for rel_type in rel_types],
        [rel_type in count_of and _time_read(rel_type, params) for rel_type in rel_types],
    )


def _in_order(column: npt.NDArray[Any], order: _I64 | None) -> npt.NDArray[Any]:
    return column if order is None else column[order]


def _start_ids(rel_type: str, by_label: dict[str, _I64]) -> _I64:
    """Internal ids of the projected nodes a ``rel_type`` relationship can start from."""
    starts = SCHEMA.relationship(rel_type).start
    return _joined([ids for label, ids in by_label.items() if label in starts], np.int64)


def _id_ranges(ids: _I64, per_range: int) -> list[tuple[int, int]]:
    """``(low, high)`` per read: internal id ranges holding at most ``per_range`` of ``ids``.

    Consecutive runs of the sorted ids make ranges that cover every one of them once; a relationship
    from another node in a range is dropped when the columns are mapped to indices.
    """
    ordered = np.sort(ids)
    return [
        (int(ordered[begin]), int(ordered[min(begin + per_range, len(ordered)) - 1]) + 1)
        for begin in range(0, len(ordered), per_range)
    ]


def _time_read(rel_type: str, params: dict[str, Any]) -> bool:
    """Whether a ``rel_type`` relationship's time is read with it (else from its event node's time)."""
    time = SCHEMA.time_of(rel_type)
    return params["timed"] and time is not None and (params["windowed"] or time.side == "relationship")


def _label_times_needed(label: str, rel_types: Sequence[str], spec: ProjectionSpec) -> bool:
    """Whether ``label`` is the event that times one of ``rel_types`` (read per node, not per edge).

    With a window the server needs each relationship's time to filter on anyway, so it returns them.
    """
    if spec.windowed or not spec.times:
        return False
    for rel_type in rel_types:
        time = SCHEMA.time_of(rel_type)
        rel = SCHEMA.relationship(rel_type)
        if time and time.side != "relationship" and label in (rel.start if time.side == "start" else rel.end):
            return True
    return False


class _Reader:
    """Runs the projection reads as read transactions; safe to use from several threads at once.

    ``packed`` reads through the server's packed procedures, else through Cypher lists.
    """

    def __init__(self, driver: Driver, settings: Settings, *, packed: bool) -> None:
        self._driver = driver
        self._settings = settings
        self.packed = packed

    def _read(self, statement: str, **params: Any) -> list[dict[str, Any]]:
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
            records = session.execute_read(lambda tx: list(tx.run(statement, params)))
        return [{key: record[key] for key in record.keys()} for record in records]  # noqa: SIM118

    def nodes_of_labels(
        self, labels: Sequence[str], timed: Sequence[bool], *, keys: bool = True
    ) -> list[_NodeRead]:
        """Per label: internal ids (ascending), keys and, where ``timed``, event times of its nodes.

        Packed: one read for every label, keys left out (None) when ``keys`` is False. Cypher: a read per
        label, keys always (they come with the ids anyway).
        """
        if not self.packed:
            return [self._cypher_nodes(label, t) for label, t in zip(labels, timed, strict=True)]
        nodes = [SCHEMA.node(label) for label in labels]
        chunks = self._read(
            cypher.load("projection", "packed_nodes"),
            labels=[node.label for node in nodes],
            keys=[node.key for node in nodes],
            time_properties=[node.time_property if t else None for node, t in zip(nodes, timed, strict=True)],
            chunk_size=PACKED_CHUNK,
            with_keys=keys,
        )
        reads = []
        for at, t in enumerate(timed):
            mine = [chunk for chunk in chunks if chunk["label"] == at]
            key_column = _keys(mine) if keys else None
            reads.append(
                _in_id_order(
                    _unpacked(mine, "ids", np.int64), key_column, _unpacked(mine, "time", np.float64), t
                )
            )
        return reads

    def _cypher_nodes(self, label: str, timed: bool) -> _NodeRead:
        (record,) = self._read(nodes_statement(label, timed=timed), no_time=math.nan)
        ids = np.asarray(record["ids"], dtype=np.int64)
        times = np.asarray(record["time"], dtype=np.float64)
        return _in_id_order(ids, np.asarray(record["keys"], dtype=object), times, timed)

    def relationships(self, rel_type: str, ids: tuple[int, int], params: dict[str, Any]) -> _Relationships:
        """Cypher: the ``rel_type`` relationships leaving nodes with internal ids in ``ids`` (low, high)."""
        timed = _time_read(rel_type, params)
        statement = relationship_statement(rel_type, timed=timed, weighted=params["weighted"])
        low, high = ids
        (record,) = self._read(statement, low=low, high=high, **params)
        columns = {name: np.asarray(record[name], dtype=dtype) for name, dtype in _RELATIONSHIP_COLUMNS}
        return _Relationships([columns["src"]], [columns["dst"]], [columns["weight"]], [columns["time"]])

    def relationships_of_types(
        self, rel_types: Sequence[str], start_labels: list[str], ids: tuple[int, int], params: dict[str, Any]
    ) -> dict[str, npt.NDArray[Any]]:
        """Packed: every ``rel_types`` relationship leaving ``start_labels`` nodes with ids in ``ids``.

        Columns ``type`` (index into ``rel_types``), ``src``, ``dst``, ``weight`` (empty when not
        weighted) and ``time`` (NaN where not read), in the server's order: the store's.
        """
        times = [SCHEMA.time_of(t) if _time_read(t, params) else None for t in rel_types]
        low, high = ids
        chunks = self._read(
            cypher.load("projection", "packed_relationships"),
            types=list(rel_types),
            start_labels=start_labels,
            low=low,
            high=high,
            weight_property=params["weight_property"],
            default_weight=params["default_weight"],
            time_sides=[time.side if time else None for time in times],
            time_properties=[time.property if time else None for time in times],
            since=params["since"],
            until=params["until"],
            chunk_size=PACKED_CHUNK,
        )
        return {
            "type": _unpacked(chunks, "type", np.uint8),
            "src": _unpacked_ids(chunks, "src"),
            "dst": _unpacked_ids(chunks, "dst"),
            "weight": _unpacked(chunks, "weight", np.float64),
            "time": _unpacked(chunks, "time", np.float64),
        }


def _in_id_order(ids: _I64, keys: _Keys | None, times: _F64, timed: bool) -> _NodeRead:
    """One label's nodes by internal id, the order they were created in: neighbours then sit near each
    other, which makes the algorithms' memory reads local (Louvain runs a fifth faster than in key order)."""
    order = _ascending(ids)
    if order is not None:
        ids, times = ids[order], times[order] if timed else times
        keys = None if keys is None else keys[order]
    return ids, keys, times if timed else None


_RELATIONSHIP_COLUMNS: tuple[tuple[str, type[np.generic]], ...] = (
    ("src", np.int64),
    ("dst", np.int64),
    ("weight", np.float64),
    ("time", np.float64),
)


def _keys(chunks: Sequence[dict[str, Any]]) -> _Keys:
    """The keys of packed node chunks: split from their NUL-separated text, or as listed."""
    keys: list[Any] = []
    for chunk in chunks:
        if chunk["keyText"] is None:
            keys.extend(chunk["keys"])
        else:
            keys.extend(bytes(chunk["keyText"]).decode("utf-8").split("\0"))
    return np.asarray(keys, dtype=object)


def _unpacked(chunks: Sequence[dict[str, Any]], column: str, dtype: type[np.generic]) -> npt.NDArray[Any]:
    """One packed column (little-endian bytes per chunk) as an array of ``dtype``."""
    wire = np.dtype(dtype).newbyteorder("<")  # the server packs little-endian whatever this machine is
    joined = _joined([np.frombuffer(chunk[column], dtype=wire) for chunk in chunks], dtype)
    # One chunk is a view of the driver's immutable bytes: the projection's arrays are the caller's to change.
    return joined if joined.flags.writeable else joined.copy()


def _unpacked_ids(chunks: Sequence[dict[str, Any]], column: str) -> _I64:
    """Internal ids, packed per chunk as int32 or int64 (its ``id_bytes``), as one int64 array."""
    parts = [
        np.frombuffer(chunk[column], dtype="<i4" if chunk["id_bytes"] == 4 else "<i8") for chunk in chunks
    ]
    return np.concatenate(parts, dtype=np.int64) if parts else np.zeros(0, dtype=np.int64)


class _KeyLoader:
    """Reads the keys of a projection read without them, once, when they are first asked for.

    The nodes are read again with their keys and matched to the projected ids by internal id: a node
    deleted (or its key removed) since the projection makes its keys unknowable, and says so.
    """

    def __init__(self, reader: _Reader, labels: Sequence[str], ids: Sequence[_I64]) -> None:
        self._reader = reader
        self._labels = labels
        self._ids = ids

    def __call__(self) -> _Keys:
        reads = self._reader.nodes_of_labels(self._labels, [False] * len(self._labels))
        parts = [
            self._keys_of(label, projected, ids, keys)
            for label, projected, (ids, keys, _) in zip(self._labels, self._ids, reads, strict=True)
        ]
        return _joined(parts, np.object_)

    @staticmethod
    def _keys_of(label: str, projected: _I64, ids: _I64, keys: _Keys | None) -> _Keys:
        assert keys is not None  # read with keys
        if np.array_equal(ids, projected):  # the usual case: nothing changed, same order
            return keys
        at = np.minimum(np.searchsorted(ids, projected), max(len(ids) - 1, 0))
        lost = ~(ids[at] == projected) if len(ids) else np.ones(len(projected), dtype=bool)
        if lost.any():
            raise ProjectionOutdated(
                f"{int(lost.sum())} of the {len(projected)} {label} nodes projected have been deleted or lost"
                " their key since the projection was read: project the graph again"
            )
        found: _Keys = keys[at]
        return found


def _assemble(
    spec: ProjectionSpec,
    nodes: _Nodes,
    rel_types: tuple[str, ...],
    read: _TypeOrdered,
    load_keys: Callable[[], _Keys],
) -> Projection:
    """Map internal ids to dense indices and build the projection (keys from ``load_keys`` if not read)."""
    labels = spec.projected_labels
    all_ids = _joined(nodes.ids, np.int64)
    dense = _dense_index(all_ids)
    offsets = np.cumsum([0, *(len(ids) for ids in nodes.ids)])
    src, src_found = dense(read.src)
    dst, dst_found = dense(read.dst)
    rel_type = np.repeat(np.arange(len(rel_types), dtype=np.int16), read.counts)
    weight, time = read.weight, read.time
    keep = src_found & dst_found
    if not keep.all():  # an end not projected (its label left out): the usual whole graph copies nothing
        src, dst, rel_type, weight, time = src[keep], dst[keep], rel_type[keep], weight[keep], time[keep]
    if spec.times:
        node_time = np.full(len(all_ids), np.nan)
        for label, times in nodes.times.items():
            at = labels.index(label)
            node_time[offsets[at] : offsets[at + 1]] = times
        _add_event_times(rel_types, read.timed, node_time, rel_type, src, dst, time)
    return Projection(
        labels=labels,
        node_label=np.repeat(np.arange(len(labels), dtype=np.int16), np.diff(offsets)),
        keys=_node_keys(nodes, len(all_ids), load_keys),
        rel_types=rel_types,
        src=src,
        dst=dst,
        rel_type=rel_type,
        weight=weight,
        time=time,
    )


def _node_keys(nodes: _Nodes, size: int, load_keys: Callable[[], _Keys]) -> NodeKeys:
    read = [keys for keys in nodes.keys if keys is not None]
    if len(read) == len(nodes.keys):
        return NodeKeys.held(_joined(read, np.object_))
    return NodeKeys(size, load_keys)


def _ascending(ids: _I64) -> _I64 | None:
    """The permutation that sorts distinct internal ids, or None when they are sorted already.

    Ids are dense, so a table over their span places each one in a single pass, where a comparison sort
    of a million ids takes ten times as long; a span far wider than the ids falls back to the sort.

    >>> _ascending(np.array([7, 3, 5])).tolist(), _ascending(np.array([1, 2]))
    ([1, 2, 0], None)
    """
    if not len(ids) or not np.any(ids[1:] < ids[:-1]):
        return None
    low = int(ids.min())
    span = int(ids.max()) - low + 1
    if span > 4 * len(ids) + (1 << 20):
        return np.argsort(ids, kind="stable")
    slot = np.full(span, -1, dtype=np.int64)
    slot[ids - low] = np.arange(len(ids), dtype=np.int64)
    found: _I64 = slot[slot >= 0]
    return found


def _dense_index(all_ids: _I64) -> Callable[[_I64], tuple[_I64, npt.NDArray[np.bool_]]]:
    """A look-up from internal ids to node indices, telling which ids are projected at all.

    Neo4j hands out node ids densely (and reuses freed ones), so a table indexed by id is usually a few
    bytes per node and one gather per look-up; ids spread far wider than the nodes projected (a small
    label in a big graph) fall back to a binary search over the sorted ids.
    """
    top = int(all_ids.max()) if len(all_ids) else -1
    if top < 4 * len(all_ids) + (1 << 20):
        table = np.full(top + 2, -1, dtype=np.int64)  # the last slot answers every id beyond the top
        table[all_ids] = np.arange(len(all_ids), dtype=np.int64)

        def from_table(ids: _I64) -> tuple[_I64, npt.NDArray[np.bool_]]:
            found = table[np.minimum(ids, top + 1)]
            return found, found >= 0

        return from_table
    order = np.argsort(all_ids, kind="stable")
    sorted_ids = all_ids[order]

    def by_search(ids: _I64) -> tuple[_I64, npt.NDArray[np.bool_]]:
        at = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
        return order[at], sorted_ids[at] == ids

    return by_search


def _column_or(parts: Sequence[_F64], length: int, fill: float) -> _F64:
    """A relationship column read in ``parts``, or ``length`` times ``fill`` where it was not read."""
    column = _joined(parts, np.float64)
    return column if len(column) == length else np.full(length, fill)


def _add_event_times(
    rel_types: Sequence[str], timed: Sequence[bool], node_time: _F64, rel_type: npt.NDArray[np.int16],
    src: _I64, dst: _I64, time: _F64,
) -> None:  # fmt: skip
    """Fill in ``time`` for the types read without one: the time of the event node at their start or end
    (NaN for a type that has no time)."""
    for at, (name, read) in enumerate(zip(rel_types, timed, strict=True)):
        event = SCHEMA.time_of(name)
        if read or event is None:
            continue
        rows = np.flatnonzero(rel_type == at)
        time[rows] = node_time[src[rows] if event.side == "start" else dst[rows]]


def _joined(arrays: Sequence[npt.NDArray[Any]], dtype: type[np.generic]) -> npt.NDArray[Any]:
    if len(arrays) == 1:  # one part: no copy
        return arrays[0].astype(dtype, copy=False)
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype=dtype)
