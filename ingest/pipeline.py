"""``bigfinder ingest``: every source of a world directory into the graph, nothing lost, twice the same.

Each source file goes through two passes:

1. **stage** - read row by row, validate, build the write parameters, and spool the good rows to disk;
   refused rows go to the quarantine file with their line and reason. A file that cannot be read at all
   (wrong encoding, wrong delimiter, missing column, empty) stops here, so nothing of it reaches the
   graph. Duplicate keys with conflicting values are found here too, before anything is written.
2. **load** - batch by batch: rows whose references the graph lacks are quarantined, the rest are
   MERGEd in one transaction, and a checkpoint records the batch. ``resume=True`` continues an
   interrupted ingest after its last committed batch; MERGE on the identifying keys makes a re-run a
   no-op either way.

Example (needs a running Neo4j)::

    ingestor = Ingestor(GraphWriter(driver, settings), settings.ingest_state_dir)
    report = ingestor.ingest_directory(Path("world"))
    report.loaded, report.quarantined
"""

from __future__ import annotations

import hashlib
import json
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bigfinder.errors import BigfinderError
from graph.loader import GraphWriter
from ingest.formats import SourceFormat, format_by_name
from ingest.ledger import BreakReason, verify_ledger_file
from ingest.normalise import InvalidIdentifier
from ingest.quarantine import Quarantine
from ingest.reader import read_rows
from ingest.rows import BUILDERS, Params, Provenance, RowBuilder
from ingest.validate import RowValidator

__all__ = ["PLANS", "IngestReport", "Ingestor", "ReferenceCheck", "SourcePlan", "SourceReport"]

#: Ledger breaks whose record cannot be trusted; missing and reordered records are reported but loaded.
_UNTRUSTED = {BreakReason.TAMPERED, BreakReason.BROKEN_LINK, BreakReason.DUPLICATE, BreakReason.UNREADABLE}

ProgressHook = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class ReferenceCheck:
    """A field that must name an entity already in the graph; ``check`` is a cypher/ingest statement."""

    field: str
    check: str
    what: str


@dataclass(frozen=True)
class SourcePlan:
    """How one source is loaded: its format, write statement, row builder and reference checks."""

    source: str
    statement: str
    references: tuple[ReferenceCheck, ...] = ()

    @property
    def format(self) -> SourceFormat:
        """The documented format of the source."""
        return format_by_name(self.source)

    @property
    def build(self) -> RowBuilder:
        """The pure function that turns a validated row into write parameters."""
        return BUILDERS[self.source]


_PERSON = "missing_person"
_COMPANY = "missing_company"
_PARTY = "missing_party"

#: Every source in load order: an entity is in the graph before anything that references it.
PLANS: tuple[SourcePlan, ...] = (
    SourcePlan("persons", "merge_person"),
    SourcePlan("travelers", "merge_person"),
    SourcePlan(
        "companies", "merge_company", (ReferenceCheck("representative_person_id", _PERSON, "person"),)
    ),
    SourcePlan("trips", "merge_trip", (ReferenceCheck("person_id", _PERSON, "person"),)),
    SourcePlan(
        "declarations",
        "merge_declaration",
        (
            ReferenceCheck("importer_id", _COMPANY, "company"),
            ReferenceCheck("supplier_id", _COMPANY, "company"),
            ReferenceCheck("broker_id", _COMPANY, "company"),
        ),
    ),
    SourcePlan(
        "transfers",
        "merge_transfer",
        (
            ReferenceCheck("sender_owner_id", _PARTY, "person or company"),
            ReferenceCheck("receiver_owner_id", _PARTY, "person or company"),
        ),
    ),
    SourcePlan(
        "ledger",
        "merge_purchase_record",
        (ReferenceCheck("seller_id", _COMPANY, "company"), ReferenceCheck("buyer_id", _PERSON, "person")),
    ),
    SourcePlan("xray_hits", "merge_xray_hit"),
    SourcePlan(
        "watchlist", "merge_watchlist_entry", (ReferenceCheck("entity_id", "missing_watchlisted", "entity"),)
    ),
    SourcePlan("documents", "merge_document"),
)


@dataclass
class SourceReport:
    """What happened to one source file."""

    source: str
    file: str
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    seconds: float = 0.0
    error: str | None = None
    chain_breaks: list[str] = field(default_factory=list)
    skipped: bool = False

    @property
    def graph_elements(self) -> int:
        """Nodes and relationships created: the throughput measure of the benchmark."""
        return self.nodes_created + self.relationships_created


@dataclass
class IngestReport:
    """The whole ingest: one report per source file found."""

    sources: list[SourceReport]
    quarantine_dir: Path

    @property
    def read(self) -> int:
        """Rows read over all sources."""
        return sum(s.read for s in self.sources)

    @property
    def loaded(self) -> int:
        """Rows loaded over all sources."""
        return sum(s.loaded for s in self.sources)

    @property
    def quarantined(self) -> int:
        """Rows set aside over all sources."""
        return sum(s.quarantined for s in self.sources)

    @property
    def failed(self) -> list[SourceReport]:
        """Sources that could not be read at all."""
        return [s for s in self.sources if s.error]


@dataclass
class _Staged:
    """A staged source: spooled batches of good rows, and the keys found with conflicting values."""

    spool: Path
    batches: int
    conflicts: dict[tuple[Any, ...], list[int]]


class Ingestor:
    """Loads source files through validation, quarantine and batched MERGE writes."""

    def __init__(
        self,
        writer: GraphWriter,
        state_dir: Path,
        *,
        batch_size: int = 5_000,
        today: date | None = None,
        progress: ProgressHook | None = None,
    ) -> None:
        self._writer = writer
        self._state_dir = state_dir
        self._batch_size = batch_size
        self._today = today
        self._progress = progress
        self.quarantine_dir = state_dir / "quarantine"
        #: Test hook: stop after this many committed batches, as a crash would.
        self.stop_after_batches: int | None = None

    # -- directory --------------------------------------------------------------------------------------

    def ingest_directory(
        self, directory: Path, *, only: set[str] | None = None, resume: bool = False
    ) -> IngestReport:
        """Load every known source file found in ``directory``, in dependency order."""
        if not directory.is_dir():
            raise BigfinderError(f"{directory} is not a directory")
        reports: list[SourceReport] = []
        for plan in PLANS:
            if only and plan.source not in only:
                continue
            path = _find_source_file(directory, plan.format)
            if path is None:
                continue
            if any(r.error for r in reports):
                # Later sources reference earlier ones: loading them now would quarantine good rows.
                reports.append(
                    SourceReport(plan.source, str(path), error="not loaded: an earlier source failed")
                )
                continue
            reports.append(self.ingest_file(plan, path, resume=resume))
        if not reports:
            raise BigfinderError(
                f"{directory} holds none of the source files described in docs/data-formats.md"
            )
        return IngestReport(reports, self.quarantine_dir)

    # -- one file ---------------------------------------------------------------------------------------

    def ingest_file(self, plan: SourcePlan, path: Path, *, resume: bool = False) -> SourceReport:
        """Stage and load one source file; a file-level problem is reported, never half-loaded."""
        report = SourceReport(plan.source, str(path))
        started = time.perf_counter()
        checkpoint = _Checkpoint(self._state_dir / "checkpoints.json", path)
        if resume and checkpoint.complete:
            report.skipped = True
            return report
        done_batches = checkpoint.batches_done if resume else 0
        try:
            with tempfile.TemporaryDirectory(prefix="bigfinder-ingest-") as spool_dir:
                staged = self._stage(plan, path, Path(spool_dir), report)
                self._load(plan, path, staged, report, checkpoint, done_batches)
        except BigfinderError as exc:
            report.error = exc.detail
        report.seconds = time.perf_counter() - started
        return report

    def _quarantine(self, plan: SourcePlan, kind: str) -> Path:
        return self.quarantine_dir / f"{plan.source}.{kind}.jsonl"

    def _stage(self, plan: SourcePlan, path: Path, spool_dir: Path, report: SourceReport) -> _Staged:
        validator = RowValidator(plan.format, today=self._today)
        untrusted = self._ledger_breaks(plan, path, report)
        invalid_path = self._quarantine(plan, "invalid")
        invalid_path.unlink(missing_ok=True)
        first_seen: dict[tuple[Any, ...], tuple[int, bytes]] = {}
        conflicts: dict[tuple[Any, ...], list[int]] = {}
        batch: list[Params] = []
        batches = 0
        with Quarantine(invalid_path) as quarantine:
            for raw in read_rows(path, plan.format):
                report.read += 1
                checked = validator.validate(raw)
                problem = checked.problem or untrusted.get(raw.line)
                params: Params | None = None
                if problem is None:
                    try:
                        params = plan.build(checked.values, raw.values, Provenance(path.name, raw.line))
                    except InvalidIdentifier as exc:
                        problem = str(exc)
                if params is None:
                    quarantine.add(plan.source, path, raw.line, problem or "refused", raw.values)
                    continue
                key = tuple(checked.values[k] for k in plan.format.key)
                _note_duplicate(first_seen, conflicts, key, raw.line, checked.values)
                batch.append(params)
                if len(batch) >= self._batch_size:
                    _spool(spool_dir, batches, batch)
                    batches, batch = batches + 1, []
                if self._progress and report.read % self._batch_size == 0:
                    self._progress(f"{plan.source}: checking", report.read, None)
            report.quarantined += quarantine.count
        if batch:
            _spool(spool_dir, batches, batch)
            batches += 1
        return _Staged(spool_dir, batches, conflicts)

    def _ledger_breaks(self, plan: SourcePlan, path: Path, report: SourceReport) -> dict[int, str]:
        """For the ledger: every chain break is reported; untrusted records are refused by line."""
        if plan.source != "ledger" or path.suffix != ".jsonl":
            return {}
        breaks = verify_ledger_file(path)
        report.chain_breaks = [f"line {b.line}: {b.reason.value}: {b.detail}" for b in breaks]
        return {
            b.line: f"ledger chain {b.reason.value}: {b.detail}" for b in breaks if b.reason in _UNTRUSTED
        }

    def _load(
        self,
        plan: SourcePlan,
        path: Path,
        staged: _Staged,
        report: SourceReport,
        checkpoint: _Checkpoint,
        done_batches: int,
    ) -> None:
        conflicted_lines = {line: key for key, lines in staged.conflicts.items() for line in lines}
        unresolved_path = self._quarantine(plan, "unresolved")
        if done_batches:
            _truncate(unresolved_path, checkpoint.unresolved_bytes)
        else:
            unresolved_path.unlink(missing_ok=True)
        for index, rows in enumerate(_unspool(staged.spool, staged.batches)):
            if index < done_batches:
                report.loaded += len(rows)
                continue
            with Quarantine(unresolved_path) as quarantine:
                rows = self._refuse(plan, path, rows, conflicted_lines, staged.conflicts, quarantine)
                if rows:
                    result = self._writer.write(plan.statement, rows)
                    report.nodes_created += result.nodes_created
                    report.relationships_created += result.relationships_created
                    report.properties_set += result.properties_set
                report.loaded += len(rows)
                report.quarantined += quarantine.count
            checkpoint.save(index + 1, _size(unresolved_path), complete=index + 1 == staged.batches)
            if self._progress:
                self._progress(f"{plan.source}: loading", report.loaded, report.read)
            if self.stop_after_batches is not None and index + 1 >= self.stop_after_batches:
                raise _Interrupted(f"stopped after {index + 1} batches")
        if staged.batches == 0:
            checkpoint.save(0, 0, complete=True)

    def _refuse(
        self,
        plan: SourcePlan,
        path: Path,
        rows: list[Params],
        conflicted_lines: dict[int, tuple[Any, ...]],
        conflicts: dict[tuple[Any, ...], list[int]],
        quarantine: Quarantine,
    ) -> list[Params]:
        """Quarantine rows of conflicting duplicate keys and rows with unknown references."""
        refused: dict[int, str] = {}
        for row in rows:
            key = conflicted_lines.get(row["line"])
            if key is not None:
                lines = ", ".join(str(n) for n in conflicts[key])
                refused[row["line"]] = (
                    f"duplicate key {'/'.join(map(str, key))} with conflicting values (lines {lines})"
                )
        for ref in plan.references:
            for line, value in self._writer.missing_references(ref.check, ref.field, rows).items():
                refused.setdefault(line, f"{ref.field}: {value} is not a known {ref.what}")
        for row in rows:
            if row["line"] in refused:
                quarantine.add(plan.source, path, row["line"], refused[row["line"]], _printable(row))
        return [row for row in rows if row["line"] not in refused]


class _Interrupted(BigfinderError):
    """Raised by the test hook that simulates a crash between batches."""


class _Checkpoint:
    """Batches committed per source file, so an interrupted ingest resumes where it stopped."""

    def __init__(self, state_file: Path, source: Path) -> None:
        self._state_file = state_file
        stat = source.stat() if source.exists() else None
        self._key = str(source.resolve())
        self._fingerprint = f"{stat.st_size}:{stat.st_mtime_ns}" if stat else ""
        entry = self._read().get(self._key, {})
        fresh = entry.get("fingerprint") == self._fingerprint
        self.batches_done: int = entry.get("batches_done", 0) if fresh else 0
        self.unresolved_bytes: int = entry.get("unresolved_bytes", 0) if fresh else 0
        self.complete: bool = bool(entry.get("complete")) if fresh else False

    def _read(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads(self._state_file.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return state

    def save(self, batches_done: int, unresolved_bytes: int, *, complete: bool) -> None:
        state = self._read()
        state[self._key] = {
            "fingerprint": self._fingerprint,
            "batches_done": batches_done,
            "unresolved_bytes": unresolved_bytes,
            "complete": complete,
        }
        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=1), encoding="utf-8")
        # Atomic on POSIX: a crash leaves the old or the new checkpoint, never half of one.
        temporary.replace(self._state_file)


def _find_source_file(directory: Path, source: SourceFormat) -> Path | None:
    for name in source.accepted_file_names():
        if (directory / name).is_file():
            return directory / name
    return None


def _note_duplicate(
    first_seen: dict[tuple[Any, ...], tuple[int, bytes]],
    conflicts: dict[tuple[Any, ...], list[int]],
    key: tuple[Any, ...],
    line: int,
    values: Params,
) -> None:
    """Remember each key's first line and a digest of its values; a different digest is a conflict."""
    digest = hashlib.blake2b(repr(sorted(values.items())).encode(), digest_size=8).digest()
    seen = first_seen.get(key)
    if seen is None:
        first_seen[key] = (line, digest)
    elif seen[1] != digest:
        conflicts.setdefault(key, [seen[0]]).append(line)


def _spool(spool_dir: Path, index: int, rows: list[Params]) -> None:
    with (spool_dir / f"{index:08d}.pickle").open("wb") as handle:
        pickle.dump(rows, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _unspool(spool_dir: Path, batches: int) -> Iterator[list[Params]]:
    for index in range(batches):
        with (spool_dir / f"{index:08d}.pickle").open("rb") as handle:
            # Our own spool, written moments ago in a private temporary directory.
            rows: list[Params] = pickle.load(handle)  # noqa: S301
        yield rows


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _truncate(path: Path, size: int) -> None:
    if path.exists():
        with path.open("r+b") as handle:
            handle.truncate(size)


def _printable(row: Params) -> Params:
    return {k: v for k, v in row.items() if k != "line"}
