"""Ingest benchmark: our ``Ingestor`` against server-side ``LOAD CSV`` of the same graph.

Run by hand, never in the test suite::

    .venv/bin/python bench/ingest.py --scale 70000              # about 1.1 M nodes + relationships
    .venv/bin/python bench/ingest.py --scale 20000 --repeat 3   # medians of three runs

What one run does:

1. Starts its own local Neo4j (``var/bench/neo4j``, Bolt port 7688, heap and page cache from the
   options), or reuses it if it already runs; with ``BIGFINDER_NEO4J_URI`` set it uses that server
   instead (and refuses to wipe it unless ``--allow-wipe`` is given). One driver for the whole run.
2. Generates ``var/bench/world-<scale>-<seed>`` with ``generate_world`` (in a child process, so the
   generator's memory is not counted as the ingest's) or reuses it.
3. Wipes the database, creates the schema and times ``Ingestor.ingest_directory`` over the world:
   rows read, rows/s, nodes and relationships created, graph elements/s, peak RSS of this process
   (``ru_maxrss``) and, sampled, of this process plus the worker the ingest stages sources in; and the
   time spent in each named statement's round trips, to show where the ingest spends its time.
4. Exports the graph the ingest built to plain CSV (one file per label; one per relationship type and
   pair of end labels, so every ``MATCH`` names one label and uses its key constraint), wipes the
   database again, creates the schema and times ``LOAD CSV WITH HEADERS ... CALL { MERGE ... } IN
   TRANSACTIONS OF 5000 ROWS`` over those files: the same idempotent MERGE-on-key semantics, with
   property types restored (dates, numbers, ``;``-joined lists, ``[]`` for an empty list, since an empty
   CSV field reads back as null). It checks that both graphs have the same nodes per label,
   relationships per type and property totals, and prints the ratio ours / LOAD CSV.

``--repeat N`` repeats the ingest and the LOAD CSV N times (the export is made once) and reports medians.
Figures are printed, never asserted; the bars of the acceptance criteria are marked met or not met.

LOAD CSV and file URLs: the launcher runs Neo4j embedded and sets neither
``server.directories.import`` nor ``dbms.security.allow_csv_import_from_file_urls``. In embedded
Neo4j 5 the import directory has no default (``neo4j.conf`` is what sets it to ``import/`` in a
server install) and file URLs are allowed by default, so ``file:///absolute/path`` reads any file the
server process may read. The CSV files are therefore written to ``var/bench/csv-<scale>-<seed>`` and
loaded by absolute ``file:`` URL; no launcher change is needed. For a server that does restrict file
URLs (the Docker image sets ``server.directories.import=/import``), write the files into a folder it
mounts with ``--csv-dir`` and give the URL it sees that folder as with ``--csv-url``, e.g.
``--csv-url file:///``.
"""

# ruff: noqa: E402 - the imports below must come after the sys.path repair
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on sys.path, where this file would shadow the ingest package.
_BENCH_DIR = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _BENCH_DIR:
    sys.path[0] = str(_BENCH_DIR.parent)

import csv
import multiprocessing
import os
import re
import resource
import shutil
import statistics
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer
from neo4j import Driver, RoutingControl
from rich.console import Console
from rich.table import Table

import cypher
from bigfinder.errors import BigfinderError
from bigfinder.settings import PROJECT_ROOT, Settings
from graph.admin import init_schema
from graph.loader import GraphCounts, GraphWriter, WriteResult
from graph.local_server import LocalNeo4j
from graph.schema import SCHEMA
from graph.store import open_driver, translate_driver_errors
from ingest.generate import generate_world
from ingest.pipeline import Ingestor, IngestReport

__all__ = ["main"]

BENCH_DIR = PROJECT_ROOT / "var" / "bench"
ELEMENTS_PER_S_BAR = 50_000
RATIO_BAR = 0.6
PYTHON_RSS_BAR = 2 * 1024**3
ELEMENTS_BAR = 1_000_000

console = Console()
if not console.is_terminal:
    console.width = 150  # a log file gets the tables whole
app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_PLACEHOLDER = re.compile(r"__([A-Z][A-Z_]*[A-Z])__")
#: CSV column of a node file that lists its secondary labels (Company roles); not a property name.
_SECONDARY_COLUMN = "_secondary_labels"
_LIST_SEPARATOR = ";"
#: An empty list as a CSV field (an empty field reads back as null, which would drop the property).
_EMPTY_LIST = "[]"
#: How a Cypher value type (``valueType()`` without ``NOT NULL``) is written to and read from CSV.
_KINDS = {
    "STRING": "string",
    "INTEGER": "integer",
    "FLOAT": "float",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "ZONED DATETIME": "datetime",
    "LOCAL DATETIME": "local_datetime",
    "LIST<STRING>": "string_list",
    "LIST<INTEGER>": "integer_list",
    "LIST<FLOAT>": "float_list",
}


# -- measurements ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementTime:
    """Server round trips of one named statement during an ingest."""

    calls: int
    seconds: float


@dataclass(frozen=True)
class OursRun:
    """One timed ingest of the world."""

    report: IngestReport
    seconds: float
    statements: dict[str, StatementTime]
    counts: GraphCounts
    properties: dict[str, int]

    @property
    def rows(self) -> int:
        return self.report.read

    @property
    def nodes(self) -> int:
        return sum(s.nodes_created for s in self.report.sources)

    @property
    def relationships(self) -> int:
        return sum(s.relationships_created for s in self.report.sources)

    @property
    def elements(self) -> int:
        return self.nodes + self.relationships


@dataclass(frozen=True)
class FileLoad:
    """One LOAD CSV statement over one exported file."""

    name: str
    rows: int
    nodes: int
    relationships: int
    seconds: float


@dataclass(frozen=True)
class LoadCsvRun:
    """One timed LOAD CSV of every exported file."""

    files: list[FileLoad]
    seconds: float
    counts: GraphCounts
    properties: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def nodes(self) -> int:
        return sum(f.nodes for f in self.files)

    @property
    def relationships(self) -> int:
        return sum(f.relationships for f in self.files)

    @property
    def elements(self) -> int:
        return self.nodes + self.relationships


class TimedWriter(GraphWriter):
    """The ingest's writer, timing each named statement's round trips (server time plus transfer)."""

    def __init__(self, driver: Driver, settings: Settings) -> None:
        super().__init__(driver, settings)
        self.calls: dict[str, list[float]] = {}

    @contextmanager
    def _timed(self, statement: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.calls.setdefault(statement, []).append(time.perf_counter() - started)

    # Arguments pass through untouched: only the statement name (the first one) matters here, so the
    # bench keeps working while the writer's other parameters change.
    def write(self, *args: Any, **kwargs: Any) -> WriteResult:
        with self._timed(str(args[0] if args else kwargs.get("statement"))):
            return super().write(*args, **kwargs)

    def missing_references(self, *args: Any, **kwargs: Any) -> dict[int, str]:
        with self._timed(str(args[0] if args else kwargs.get("check"))):
            return super().missing_references(*args, **kwargs)

    def statement_times(self) -> dict[str, StatementTime]:
        return {name: StatementTime(len(times), sum(times)) for name, times in self.calls.items()}


class PeakRss:
    """Samples resident memory in the background and keeps the highest values seen.

    ``java`` is the Neo4j process (when local); ``python`` is this process plus its descendants, summed,
    because the ingest stages its sources in a worker process.
    """

    def __init__(self, java_pid: int | None, interval_s: float = 0.5) -> None:
        self.java_pid = java_pid
        self.java = 0
        self.python = 0
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.java = max(self.java, _status_bytes(self.java_pid, "VmRSS:"))
            # The Neo4j we started is a child of this process too, but not Python's memory.
            tree = _process_tree(os.getpid(), skip=self.java_pid)
            self.python = max(self.python, sum(_status_bytes(pid, "VmRSS:") for pid in tree))
            self._stop.wait(self._interval_s)


def _process_tree(pid: int, skip: int | None) -> list[int]:
    """``pid`` and every process below it, leaving out ``skip`` and what runs below it."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children = task.read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            if child != skip:
                found.extend(_process_tree(child, skip))
    return found


def _status_bytes(pid: int | None, field_name: str) -> int:
    if pid is None:
        return 0
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        if line.startswith(field_name):
            return int(line.split()[1]) * 1024
    return 0


def python_peak_rss() -> int:
    """Peak resident memory of this process so far (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# -- statements from the whitelist ------------------------------------------------------------------


def fill(template: str, **parts: str) -> str:
    """``template`` with every ``__NAME__`` replaced by ``parts["name"]``; a missing part is an error."""

    def part(match: re.Match[str]) -> str:
        return parts[match.group(1).lower()]

    return _PLACEHOLDER.sub(part, template)


def _identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise BigfinderError(f"{name!r} is not a plain identifier; it cannot be a CSV column of the bench")
    return name


@dataclass(frozen=True)
class CsvColumn:
    """A property as a CSV column: its name and how its values are written and read back."""

    name: str
    kind: str

    def value(self, column: str | None = None) -> str:
        """The Cypher expression that reads this column of ``row`` back as its original type."""
        return fill(cypher.load("bench", f"csv_{self.kind}"), column=_identifier(column or self.name))


def column_kind(types: Sequence[str]) -> str:
    """The one CSV kind for the value types a property has across a label (from ``valueType()``)."""
    plain = {t.replace(" NOT NULL", "") for t in types}
    if "LIST<NOTHING>" in plain and len(plain) > 1:
        plain.discard("LIST<NOTHING>")  # an empty list fits any list kind
    if plain == {"INTEGER", "FLOAT"}:
        plain = {"FLOAT"}
    if plain == {"LIST<NOTHING>"}:
        plain = {"LIST<STRING>"}
    if len(plain) != 1 or next(iter(plain)) not in _KINDS:
        raise BigfinderError(f"no CSV form for a property of types {sorted(plain)}")
    return _KINDS[plain.pop()]


def csv_text(value: Any, kind: str) -> str | None:
    """A property value as one CSV field; lists are joined with ``;`` (refused if an item holds one)."""
    if value is None:
        return None
    if kind.endswith("_list"):
        if not value:
            return _EMPTY_LIST
        items = [csv_text(item, kind.removesuffix("_list")) or "" for item in value]
        if any(_LIST_SEPARATOR in item for item in items) or items == [_EMPTY_LIST]:
            raise BigfinderError(f"a list item holds {_LIST_SEPARATOR!r}: {items}")
        return _LIST_SEPARATOR.join(items)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "float":
        return repr(float(value))
    if kind in ("date", "datetime", "local_datetime"):
        return str(value.iso_format())
    return str(value)


# -- export -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeFile:
    """The CSV file of one label: the key column, property columns and (for Company) its roles."""

    path: Path
    label: str
    key: CsvColumn
    properties: tuple[CsvColumn, ...]
    rows: int

    def load_statement(self) -> str:
        node = SCHEMA.node(self.label)
        secondary = "\n  ".join(
            fill(cypher.load("bench", "load_csv_secondary_label"), label=label, column=_SECONDARY_COLUMN)
            for label in node.secondary_labels
        )
        return fill(
            cypher.load("bench", "load_csv_nodes"),
            label=node.label,
            key=node.key,
            key_value=self.key.value(),
            properties=", ".join(f"{c.name}: {c.value()}" for c in self.properties),
            secondary_labels=secondary,
        )


@dataclass(frozen=True)
class RelationshipFile:
    """The CSV file of one relationship type between one start label and one end label."""

    path: Path
    type: str
    start: str
    end: str
    start_key: CsvColumn
    end_key: CsvColumn
    properties: tuple[CsvColumn, ...]
    rows: int

    def load_statement(self) -> str:
        rel = SCHEMA.relationship(self.type)
        parts = {
            "start": SCHEMA.node(self.start).label,
            "start_key": SCHEMA.node(self.start).key,
            "start_value": self.start_key.value("start_key"),
            "end": SCHEMA.node(self.end).label,
            "end_key": SCHEMA.node(self.end).key,
            "end_value": self.end_key.value("end_key"),
            "type": rel.type,
        }
        if rel.key is None:
            properties = ", ".join(f"{c.name}: {c.value()}" for c in self.properties)
            return fill(cypher.load("bench", "load_csv_relationships"), properties=properties, **parts)
        key = next(c for c in self.properties if c.name == rel.key)
        properties = ", ".join(f"{c.name}: {c.value()}" for c in self.properties if c.name != rel.key)
        return fill(
            cypher.load("bench", "load_csv_keyed_relationships"),
            key=rel.key,
            key_value=key.value(),
            properties=properties,
            **parts,
        )


@dataclass
class Export:
    """The CSV files of one graph, in load order: every node file before any relationship file."""

    nodes: list[NodeFile] = field(default_factory=list)
    relationships: list[RelationshipFile] = field(default_factory=list)
    seconds: float = 0.0


def _property_columns(driver: Driver, settings: Settings, statement: str) -> dict[str, CsvColumn]:
    records = driver.execute_query(
        statement, database_=settings.neo4j_database, routing_=RoutingControl.READ
    ).records
    return {
        r["property"]: CsvColumn(_identifier(r["property"]), column_kind(r["types"]))
        for r in sorted(records, key=lambda r: str(r["property"]))
    }


def _stream(driver: Driver, settings: Settings, statement: str) -> Iterator[Mapping[str, Any]]:
    with driver.session(database=settings.neo4j_database, fetch_size=10_000) as session:
        yield from session.run(statement)


def export_graph(driver: Driver, settings: Settings, csv_dir: Path, counts: GraphCounts) -> Export:
    """Write every label and relationship type of the graph (``counts``) to CSV files in ``csv_dir``."""
    started = time.perf_counter()
    if csv_dir.exists():
        shutil.rmtree(csv_dir)
    csv_dir.mkdir(parents=True)
    export = Export()
    key_columns: dict[str, CsvColumn] = {}
    with translate_driver_errors(settings):
        for node in SCHEMA.nodes:
            if not counts.nodes.get(node.label):
                continue
            columns = _property_columns(
                driver, settings, fill(cypher.load("bench", "node_property_types"), label=node.label)
            )
            key = columns.pop(node.key, CsvColumn(node.key, "string"))
            if _SECONDARY_COLUMN in columns:
                raise BigfinderError(f"{node.label} has a property named {_SECONDARY_COLUMN}")
            key_columns[node.label] = key
            properties = tuple(columns.values())
            header = [key.name, *(c.name for c in properties)]
            if node.secondary_labels:
                header.append(_SECONDARY_COLUMN)
            path = csv_dir / f"nodes-{node.label}.csv"
            rows = 0
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(header)
                statement = fill(cypher.load("bench", "export_nodes"), label=node.label)
                for record in _stream(driver, settings, statement):
                    values = record["properties"]
                    line = [csv_text(values.get(c.name), c.kind) for c in (key, *properties)]
                    if node.secondary_labels:
                        roles = [label for label in node.secondary_labels if label in record["labels"]]
                        line.append(_LIST_SEPARATOR.join(roles))
                    writer.writerow(line)
                    rows += 1
            if rows:
                export.nodes.append(NodeFile(path, node.label, key, properties, rows))
            else:
                path.unlink()
        for rel in SCHEMA.relationships:
            if not counts.relationships.get(rel.type):
                continue  # a type the database has never seen: the server would warn about every query
            for start in rel.start:
                for end in rel.end:
                    parts = {
                        "type": rel.type,
                        "start": start,
                        "end": end,
                        "start_key": SCHEMA.node(start).key,
                        "end_key": SCHEMA.node(end).key,
                    }
                    columns = _property_columns(
                        driver, settings, fill(cypher.load("bench", "relationship_property_types"), **parts)
                    )
                    if {"start_key", "end_key"} & columns.keys():
                        raise BigfinderError(f"{rel.type} has a property named start_key or end_key")
                    properties = tuple(columns.values())
                    path = csv_dir / f"relationships-{rel.type}-{start}-{end}.csv"
                    rows = 0
                    with path.open("w", encoding="utf-8", newline="") as handle:
                        writer = csv.writer(handle, lineterminator="\n")
                        writer.writerow(["start_key", "end_key", *(c.name for c in properties)])
                        statement = fill(cypher.load("bench", "export_relationships"), **parts)
                        for record in _stream(driver, settings, statement):
                            values = record["properties"]
                            writer.writerow(
                                [
                                    csv_text(record["start_key"], key_columns[start].kind),
                                    csv_text(record["end_key"], key_columns[end].kind),
                                    *(csv_text(values.get(c.name), c.kind) for c in properties),
                                ]
                            )
                            rows += 1
                    if rows:
                        export.relationships.append(
                            RelationshipFile(
                                path,
                                rel.type,
                                start,
                                end,
                                key_columns[start],
                                key_columns[end],
                                properties,
                                rows,
                            )
                        )
                    else:
                        path.unlink()
    export.seconds = time.perf_counter() - started
    return export


# -- the two contenders -----------------------------------------------------------------------------


def wipe(driver: Driver, settings: Settings) -> float:
    """Delete every relationship, then every node (in batches), then create the schema; seconds taken."""
    started = time.perf_counter()
    with translate_driver_errors(settings), driver.session(database=settings.neo4j_database) as session:
        # CALL { ... } IN TRANSACTIONS needs an implicit (auto-commit) transaction.
        session.run(cypher.load("admin", "delete_relationships_batched")).consume()
        session.run(cypher.load("admin", "delete_nodes_batched")).consume()
    init_schema(driver, settings)
    return time.perf_counter() - started


def graph_totals(driver: Driver, settings: Settings) -> tuple[GraphCounts, dict[str, int]]:
    """Nodes per label, relationships per type, and node/relationship/property totals."""
    counts = GraphWriter(driver, settings).counts()
    with translate_driver_errors(settings):
        record = driver.execute_query(
            cypher.load("bench", "property_totals"),
            database_=settings.neo4j_database,
            routing_=RoutingControl.READ,
        ).records[0]
    return counts, {k: int(record[k] or 0) for k in record.keys()}  # noqa: SIM118 - a Record, not a dict


def run_ours(driver: Driver, settings: Settings, world: Path, batch_size: int) -> OursRun:
    """Ingest ``world`` into the wiped graph through the Ingestor, timed end to end."""
    state_dir = BENCH_DIR / "ingest-state"
    shutil.rmtree(state_dir, ignore_errors=True)
    writer = TimedWriter(driver, settings)
    ingestor = Ingestor(writer, state_dir, batch_size=batch_size, progress=_phase_printer())
    started = time.perf_counter()
    report = ingestor.ingest_directory(world)
    seconds = time.perf_counter() - started
    if report.failed:
        failed = "; ".join(f"{s.source}: {s.error}" for s in report.failed)
        raise BigfinderError(f"the ingest failed: {failed}")
    counts, properties = graph_totals(driver, settings)
    return OursRun(report, seconds, writer.statement_times(), counts, properties)


def run_load_csv(
    driver: Driver, settings: Settings, export: Export, url_of: Callable[[Path], str]
) -> LoadCsvRun:
    """LOAD CSV every exported file into the wiped graph, nodes first, timed end to end."""
    loads: list[FileLoad] = []
    started = time.perf_counter()
    with translate_driver_errors(settings), driver.session(database=settings.neo4j_database) as session:
        files: list[NodeFile | RelationshipFile] = [*export.nodes, *export.relationships]
        for item in files:
            file_started = time.perf_counter()
            result = session.run(item.load_statement(), url=url_of(item.path), empty_list=_EMPTY_LIST)
            counters = result.consume().counters
            loads.append(
                FileLoad(
                    item.path.name,
                    item.rows,
                    counters.nodes_created,
                    counters.relationships_created,
                    time.perf_counter() - file_started,
                )
            )
            console.print(f"  {item.path.name}: {item.rows:,} rows in {loads[-1].seconds:.1f} s")
    seconds = time.perf_counter() - started
    counts, properties = graph_totals(driver, settings)
    return LoadCsvRun(loads, seconds, counts, properties)


def _phase_printer() -> Callable[[str, int, int | None], None]:
    """An ingest progress hook that prints each new phase (source and step) once, with the time."""
    started = time.perf_counter()
    last = [""]

    def progress(phase: str, _done: int, _total: int | None) -> None:
        if phase != last[0]:
            last[0] = phase
            console.print(f"  {time.perf_counter() - started:7.1f} s  {phase}")

    return progress


# -- world and server -------------------------------------------------------------------------------


def _generate(out_dir: Path, scale: int, seed: int) -> None:
    generate_world(out_dir, scale, seed)


def ensure_world(scale: int, seed: int) -> Path:
    """The generated world of this scale and seed, generated in a child process unless present."""
    world = BENCH_DIR / f"world-{scale}-{seed}"
    if world.is_dir():
        return world
    partial = world.with_name(world.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    child = multiprocessing.get_context("spawn").Process(target=_generate, args=(partial, scale, seed))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise BigfinderError(f"generating the world failed (exit code {child.exitcode})")
    partial.rename(world)
    return world


@dataclass(frozen=True)
class Server:
    """The Neo4j of the benchmark: its settings and, when local, the launcher we may have to stop."""

    settings: Settings
    local: LocalNeo4j | None
    started_here: bool

    @property
    def pid(self) -> int | None:
        return self.local.running_pid() if self.local else None


def start_server(port: int, heap: str, pagecache: str) -> Server:
    """The external server of ``BIGFINDER_NEO4J_URI``, or the bench's own local one (started here)."""
    settings = Settings()
    if settings.external_neo4j:
        return Server(settings, None, started_here=False)
    settings = Settings(
        neo4j_home=BENCH_DIR / "neo4j", neo4j_bolt_port=port, neo4j_heap=heap, neo4j_pagecache=pagecache
    )
    local = LocalNeo4j(settings)
    started = local.start()
    how = "reused" if started.already_running else f"started in {started.seconds:.1f} s"
    console.print(f"Neo4j on {settings.bolt_uri} {how} (pid {started.pid}, home {settings.neo4j_home})")
    return Server(settings, local, started_here=not started.already_running)


# -- report -----------------------------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0


def _mib(size: int) -> str:
    return f"{size / 1024**2:,.0f} MiB"


def _bar(met: bool) -> str:
    return "[green]met[/green]" if met else "[red]not met[/red]"


def _same(ours: OursRun, peer: LoadCsvRun) -> list[str]:
    """Differences between the two graphs, as sentences; empty when they match."""
    problems = []
    for what, mine, theirs in (
        ("nodes", ours.counts.nodes, peer.counts.nodes),
        ("relationships", ours.counts.relationships, peer.counts.relationships),
    ):
        for name in sorted(mine.keys() | theirs.keys()):
            if mine.get(name, 0) != theirs.get(name, 0):
                problems.append(
                    f"{what} {name}: ours {mine.get(name, 0):,}, LOAD CSV {theirs.get(name, 0):,}"
                )
    for name, value in ours.properties.items():
        if peer.properties.get(name) != value:
            problems.append(f"{name}: ours {value:,}, LOAD CSV {peer.properties.get(name, 0):,}")
    return problems


def print_sources(runs: list[OursRun]) -> None:
    """Where the ingest spends its time: per source, and per statement round trip."""
    first = runs[0]
    table = Table(title="Ours, per source (median seconds)")
    for column in ("source", "rows", "seconds", "rows/s", "nodes", "relationships", "elements/s"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for at, source in enumerate(first.report.sources):
        seconds = _median([run.report.sources[at].seconds for run in runs])
        table.add_row(
            source.source,
            f"{source.read:,}",
            f"{seconds:.1f}",
            f"{_rate(source.read, seconds):,.0f}",
            f"{source.nodes_created:,}",
            f"{source.relationships_created:,}",
            f"{_rate(source.graph_elements, seconds):,.0f}",
        )
    console.print(table)
    table = Table(title="Ours, Neo4j round trips per statement (median seconds)")
    for column in ("statement", "calls", "seconds", "share of ingest"):
        table.add_column(column, justify="left" if column == "statement" else "right")
    ingest_seconds = _median([run.seconds for run in runs])
    in_statements = 0.0
    for name in sorted(first.statements, key=lambda n: -first.statements[n].seconds):
        seconds = _median([run.statements[name].seconds for run in runs if name in run.statements])
        in_statements += seconds
        table.add_row(
            name, f"{first.statements[name].calls:,}", f"{seconds:.1f}", f"{seconds / ingest_seconds:.0%}"
        )
    rest = ingest_seconds - in_statements
    table.add_row(
        "(the rest: staging not overlapped with writes, unspooling, checkpoints)",
        "",
        f"{rest:.1f}",
        f"{rest / ingest_seconds:.0%}",
    )
    console.print(table)


def print_loads(runs: list[LoadCsvRun]) -> None:
    """Seconds per LOAD CSV file."""
    table = Table(title="LOAD CSV, per file (median seconds)")
    for column in ("file", "rows", "seconds", "rows/s", "nodes", "relationships"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for at, load in enumerate(runs[0].files):
        seconds = _median([run.files[at].seconds for run in runs])
        table.add_row(
            load.name,
            f"{load.rows:,}",
            f"{seconds:.1f}",
            f"{_rate(load.rows, seconds):,.0f}",
            f"{load.nodes:,}",
            f"{load.relationships:,}",
        )
    console.print(table)


@dataclass(frozen=True)
class Summary:
    """The figures of every repetition, for the final table."""

    scale: int
    seed: int
    batch_size: int
    ours: list[OursRun]
    peer: list[LoadCsvRun]
    export: Export
    python_rss: int
    python_tree_rss: int
    java_rss: int


def print_summary(summary: Summary) -> None:
    """One table of the figures, medians when repeated, with the acceptance bars marked."""
    ours, peer = summary.ours, summary.peer
    repeats = len(ours)
    ours_seconds = _median([run.seconds for run in ours])
    peer_seconds = _median([run.seconds for run in peer])
    ours_rate = _median([_rate(run.elements, run.seconds) for run in ours])
    peer_rate = _median([_rate(run.elements, run.seconds) for run in peer])
    ratio = _median(
        [_rate(o.elements, o.seconds) / _rate(p.elements, p.seconds) for o, p in zip(ours, peer, strict=True)]
    )
    elements = ours[0].elements
    title = f"Ingest benchmark: scale {summary.scale}, seed {summary.seed}, batch {summary.batch_size}"
    if repeats > 1:
        title += f", median of {repeats} runs"
    table = Table(title=title)
    for column in ("figure", "ours (Ingestor)", "LOAD CSV", "bar", ""):
        table.add_column(column, justify="left" if column in ("figure", "bar", "") else "right")
    table.add_row(
        "rows read",
        f"{ours[0].rows:,} source rows",
        f"{peer[0].rows:,} CSV rows",
        "",
        "",
    )
    table.add_row("nodes created", f"{ours[0].nodes:,}", f"{peer[0].nodes:,}", "", "")
    table.add_row("relationships created", f"{ours[0].relationships:,}", f"{peer[0].relationships:,}", "", "")
    table.add_row(
        "graph elements",
        f"{elements:,}",
        f"{peer[0].elements:,}",
        ">= 1,000,000",
        _bar(elements >= ELEMENTS_BAR),
    )
    table.add_row("wall seconds", f"{ours_seconds:,.1f}", f"{peer_seconds:,.1f}", "", "")
    table.add_row(
        "rows/s",
        f"{_median([_rate(run.rows, run.seconds) for run in ours]):,.0f}",
        f"{_median([_rate(run.rows, run.seconds) for run in peer]):,.0f}",
        "",
        "",
    )
    table.add_row(
        "graph elements/s",
        f"{ours_rate:,.0f}",
        f"{peer_rate:,.0f}",
        f">= {ELEMENTS_PER_S_BAR:,}",
        _bar(ours_rate >= ELEMENTS_PER_S_BAR),
    )
    table.add_row("ratio ours / LOAD CSV", f"{ratio:.2f}", "", f">= {RATIO_BAR}", _bar(ratio >= RATIO_BAR))
    python_rss = max(summary.python_rss, summary.python_tree_rss)
    table.add_row(
        "Python peak RSS",
        f"{_mib(summary.python_rss)} this process, {_mib(summary.python_tree_rss)} with its staging worker",
        "",
        "< 2 GB",
        _bar(python_rss < PYTHON_RSS_BAR),
    )
    table.add_row(
        "Neo4j java peak RSS (info)",
        _mib(summary.java_rss) if summary.java_rss else "n/a (external)",
        "",
        "",
        "",
    )
    problems = [p for o, p_run in zip(ours, peer, strict=True) for p in _same(o, p_run)]
    table.add_row(
        "properties on nodes / relationships",
        f"{ours[0].properties['node_properties']:,} / {ours[0].properties['relationship_properties']:,}",
        f"{peer[0].properties['node_properties']:,} / {peer[0].properties['relationship_properties']:,}",
        "",
        "",
    )
    table.add_row(
        "same graph (nodes per label, relationships per type, properties)",
        "",
        "",
        "",
        "yes" if not problems else f"[red]no: {len(problems)} differences[/red]",
    )
    table.add_row(
        "export to CSV (untimed in the ratio)",
        f"{summary.export.seconds:.1f} s",
        f"{len(summary.export.nodes) + len(summary.export.relationships)} files",
        "",
        "",
    )
    if repeats > 1:
        table.add_row(
            "per run elements/s",
            ", ".join(f"{_rate(r.elements, r.seconds):,.0f}" for r in ours),
            ", ".join(f"{_rate(r.elements, r.seconds):,.0f}" for r in peer),
            "",
            "",
        )
    console.print(table)
    for problem in dict.fromkeys(problems):
        console.print(f"[red]difference[/red] {problem}")


# -- command ----------------------------------------------------------------------------------------


@app.command()
def main(
    scale: Annotated[int, typer.Option(help="Persons and companies of the generated world.")] = 70_000,
    seed: Annotated[int, typer.Option(help="Seed of the generated world.")] = 7,
    repeat: Annotated[int, typer.Option(min=1, help="Runs of each contender; medians when > 1.")] = 1,
    batch_size: Annotated[
        int | None, typer.Option(help="Rows per ingest transaction (default: the settings').")
    ] = None,
    port: Annotated[int, typer.Option(help="Bolt port of the bench's own local Neo4j.")] = 7688,
    heap: Annotated[str, typer.Option(help="Heap of the bench's local Neo4j.")] = "1g",
    pagecache: Annotated[str, typer.Option(help="Page cache of the bench's local Neo4j.")] = "512m",
    csv_dir: Annotated[
        Path | None,
        typer.Option(help="Folder of the exported CSV files (default var/bench/csv-<scale>-<seed>)."),
    ] = None,
    csv_url: Annotated[
        str | None,
        typer.Option(help="URL under which the server reads --csv-dir (default: its absolute file: URL)."),
    ] = None,
    keep_server: Annotated[bool, typer.Option(help="Leave the bench's local Neo4j running.")] = False,
    allow_wipe: Annotated[
        bool, typer.Option(help="Allow wiping the external Neo4j of BIGFINDER_NEO4J_URI.")
    ] = False,
) -> None:
    """Time our ingest of a generated world against server-side LOAD CSV of the same graph."""
    try:
        _run(
            scale, seed, repeat, batch_size, port, heap, pagecache, csv_dir, csv_url, keep_server, allow_wipe
        )
    except BigfinderError as exc:
        console.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(1) from exc


def _run(
    scale: int,
    seed: int,
    repeat: int,
    batch_size: int | None,
    port: int,
    heap: str,
    pagecache: str,
    csv_dir: Path | None,
    csv_url: str | None,
    keep_server: bool,
    allow_wipe: bool,
) -> None:
    started = time.perf_counter()
    world = ensure_world(scale, seed)
    console.print(f"World {world} ({time.perf_counter() - started:.1f} s)")
    folder = (csv_dir or BENCH_DIR / f"csv-{scale}-{seed}").resolve()

    def url_of(path: Path) -> str:
        return csv_url.rstrip("/") + "/" + path.name if csv_url else path.as_uri()

    server = start_server(port, heap, pagecache)
    settings = server.settings
    if settings.external_neo4j and not allow_wipe:
        raise BigfinderError(
            f"BIGFINDER_NEO4J_URI is {settings.neo4j_uri}: the benchmark deletes every node there; "
            "pass --allow-wipe if that is what you want"
        )
    batch = batch_size or settings.ingest_batch_size
    driver = open_driver(settings)
    try:
        with PeakRss(server.pid) as memory:
            ours: list[OursRun] = []
            peer: list[LoadCsvRun] = []
            export = Export()
            for run in range(1, repeat + 1):
                console.print(f"[bold]Run {run}/{repeat}[/bold]: wiping ({wipe(driver, settings):.1f} s)")
                ours.append(run_ours(driver, settings, world, batch))
                done = ours[-1]
                console.print(
                    f"  ours: {done.rows:,} rows, {done.elements:,} elements in {done.seconds:.1f} s "
                    f"= {_rate(done.elements, done.seconds):,.0f} elements/s"
                )
                if run == 1:
                    export = export_graph(driver, settings, folder, done.counts)
                    console.print(
                        f"  exported {len(export.nodes)} node and {len(export.relationships)} relationship "
                        f"files to {folder} in {export.seconds:.1f} s"
                    )
                console.print(f"  wiping ({wipe(driver, settings):.1f} s), LOAD CSV:")
                peer.append(run_load_csv(driver, settings, export, url_of))
                done_peer = peer[-1]
                console.print(
                    f"  LOAD CSV: {done_peer.elements:,} elements in {done_peer.seconds:.1f} s "
                    f"= {_rate(done_peer.elements, done_peer.seconds):,.0f} elements/s"
                )
        print_sources(ours)
        print_loads(peer)
        print_summary(
            Summary(
                scale,
                seed,
                batch,
                ours,
                peer,
                export,
                python_peak_rss(),
                memory.python,
                max(memory.java, _status_bytes(server.pid, "VmHWM:")),
            )
        )
    finally:
        driver.close()
        if server.local and server.started_here and not keep_server:
            stopped = server.local.stop()
            console.print(f"Neo4j stopped in {stopped.seconds:.1f} s")


if __name__ == "__main__":
    app()
