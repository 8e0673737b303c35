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

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bigfinder.errors import BigfinderError
from graph.loader import GraphWriter, WriteResult
from ingest.formats import AMLSIM_FORMATS, SourceFormat, format_by_name
from ingest.quarantine import Quarantine
from ingest.rows import BUILDERS, Params, RowBuilder, account_owners, transfer_accounts
from ingest.stage import StageJob, StageResult, stage, unspool

__all__ = ["LAYOUTS", "IngestReport", "Ingestor", "ReferenceCheck", "SourcePlan", "SourceReport", "WriteStep"]

ProgressHook = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class ReferenceCheck:
    """A field that must name an entity already in the graph; ``check`` is a cypher/ingest statement."""

    field: str
    check: str
    what: str


@dataclass(frozen=True)
class WriteStep:
    """One statement of a batch write; ``derive`` turns the batch into its rows (default: the batch)."""

    statement: str
    derive: Callable[[list[Params]], list[Params]] | None = None


@dataclass(frozen=True)
class SourcePlan:
    """How one source is loaded: its format, write steps (run in order) and reference checks."""

    format: SourceFormat
    steps: tuple[WriteStep, ...]
    references: tuple[ReferenceCheck, ...] = ()

    @property
    def source(self) -> str:
        """The source's name, as in docs/data-formats.md."""
        return self.format.name

    @property
    def build(self) -> RowBuilder:
        """The pure function that turns a validated row into write parameters."""
        return BUILDERS[self.format.name]


def _plan(source: str, statement: str, *references: ReferenceCheck) -> SourcePlan:
    return SourcePlan(format_by_name(source), (WriteStep(statement),), references)


_AMLSIM = {f.name: f for f in AMLSIM_FORMATS}
#: Transfers: the batch's accounts first, so the transfer statement only MATCHes them, then the owners.
_TRANSFER_STEPS = (
    WriteStep("merge_accounts", transfer_accounts),
    WriteStep("merge_transfer"),
    WriteStep("merge_account_owners", account_owners),
)
_PERSON = "missing_person"
_COMPANY = "missing_company"
_PARTY = "missing_party"

#: The folder layouts bigfinder reads, each its sources in load order: an entity is in the graph before
#: anything that references it. A folder is read with the first layout whose first source is present.
LAYOUTS: dict[str, tuple[SourcePlan, ...]] = {
    # IBM AMLSim, as in ../shared/data/amlsim/20K_*: accounts and transfers with fraud labels.
    "amlsim": (
        SourcePlan(_AMLSIM["nodes"], (WriteStep("merge_account"),)),
        SourcePlan(_AMLSIM["transactions"], _TRANSFER_STEPS),
    ),
    # IBM AMLSim's full output, as in ../shared/data/amlsim/sample_outputs.
    "amlsim_output": (
        SourcePlan(_AMLSIM["accounts"], (WriteStep("merge_account"),)),
        SourcePlan(_AMLSIM["tx"], _TRANSFER_STEPS),
        SourcePlan(
            _AMLSIM["alerts"],
            (WriteStep("merge_account_labels"),),
            (ReferenceCheck("account_id", "missing_account", "account"),),
        ),
    ),
    "world": (
        _plan("persons", "merge_person"),
        _plan("travelers", "merge_person"),
        _plan("companies", "merge_company", ReferenceCheck("representative_person_id", _PERSON, "person")),
        _plan("trips", "merge_trip", ReferenceCheck("person_id", _PERSON, "person")),
        _plan(
            "declarations",
            "merge_declaration",
            ReferenceCheck("importer_id", _COMPANY, "company"),
            ReferenceCheck("supplier_id", _COMPANY, "company"),
            ReferenceCheck("broker_id", _COMPANY, "company"),
        ),
        _plan("declarations_bacuda", "merge_bacuda_declaration"),
        SourcePlan(
            format_by_name("transfers"),
            _TRANSFER_STEPS,
            (
                ReferenceCheck("sender_owner_id", _PARTY, "person or company"),
                ReferenceCheck("receiver_owner_id", _PARTY, "person or company"),
            ),
        ),
        _plan(
            "ledger",
            "merge_purchase_record",
            ReferenceCheck("seller_id", _COMPANY, "company"),
            ReferenceCheck("buyer_id", _PERSON, "person"),
        ),
        SourcePlan(format_by_name("xray_hits"), (WriteStep("merge_xray_hit"), WriteStep("link_xray_hits"))),
        _plan(
            "watchlist", "merge_watchlist_entry", ReferenceCheck("listed", "missing_watchlisted", "entity")
        ),
        _plan("documents", "merge_document"),
    ),
}


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

    def ingest_directory(
        self, directory: Path, *, only: set[str] | None = None, resume: bool = False
    ) -> IngestReport:
        """Load every known source file found in ``directory``, in dependency order."""
        if not directory.is_dir():
            raise BigfinderError(f"{directory} is not a directory")
        found = [
            (plan, path)
            for plan in _layout(directory)
            if not only or plan.source in only
            if (path := _find_source_file(directory, plan.format)) is not None
        ]
        if not found:
            raise BigfinderError(
                f"{directory} holds none of the source files described in docs/data-formats.md"
            )
        reports = self._ingest(found, directory.resolve().name, resume=resume)
        return IngestReport(reports, self.quarantine_dir)

    def _ingest(
        self, found: list[tuple[SourcePlan, Path]], dataset: str, *, resume: bool
    ) -> list[SourceReport]:
        reports: list[SourceReport] = []
        with tempfile.TemporaryDirectory(prefix="bigfinder-ingest-") as spool_root, _stager() as pool:
            # Stage every source in a worker process at once; each is loaded when its turn comes, so
            # validation of the next source overlaps the writes of this one.
            checkpoints = [_Checkpoint(self._state_dir / "checkpoints.json", path) for _, path in found]
            futures: list[Future[StageResult] | None] = [
                None
                if resume and checkpoint.complete
                else pool.submit(stage, self._job(plan, path, dataset, Path(spool_root) / plan.source))
                for (plan, path), checkpoint in zip(found, checkpoints, strict=True)
            ]
            for (plan, path), checkpoint, future in zip(found, checkpoints, futures, strict=True):
                report = SourceReport(plan.source, str(path))
                reports.append(report)
                if future is None:
                    report.skipped = True
                elif any(r.error for r in reports):
                    # Later sources reference earlier ones: loading them now would quarantine good rows.
                    future.cancel()
                    report.error = "not loaded: an earlier source failed"
                else:
                    spool_dir = Path(spool_root) / plan.source
                    self._load_staged(plan, path, spool_dir, future, report, checkpoint, resume=resume)
        return reports

    def _job(self, plan: SourcePlan, path: Path, dataset: str, spool_dir: Path) -> StageJob:
        return StageJob(
            source=plan.format,
            build=plan.build,
            path=path,
            dataset=dataset,
            spool_dir=spool_dir,
            quarantine_file=self._quarantine(plan, "invalid"),
            batch_size=self._batch_size,
            today=self._today,
            verify_ledger=plan.source == "ledger" and path.suffix == ".jsonl",
        )

    def _quarantine(self, plan: SourcePlan, kind: str) -> Path:
        return self.quarantine_dir / f"{plan.source}.{kind}.jsonl"

    def _load_staged(
        self,
        plan: SourcePlan,
        path: Path,
        spool_dir: Path,
        future: Future[StageResult],
        report: SourceReport,
        checkpoint: _Checkpoint,
        *,
        resume: bool,
    ) -> None:
        started = time.perf_counter()
        try:
            staged = future.result()
        except BrokenProcessPool as exc:
            raise BigfinderError(
                f"the staging worker for {plan.source} died (out of memory?): {exc}"
            ) from exc
        report.read, report.quarantined, report.chain_breaks = (
            staged.read,
            staged.quarantined,
            staged.chain_breaks,
        )
        if staged.error:
            report.error = staged.error
        else:
            try:
                done = checkpoint.batches_done if resume else 0
                self._load(plan, path, spool_dir, staged, report, checkpoint, done)
            except BigfinderError as exc:
                report.error = exc.detail
        report.seconds = time.perf_counter() - started

    def _load(
        self,
        plan: SourcePlan,
        path: Path,
        spool_dir: Path,
        staged: StageResult,
        report: SourceReport,
        checkpoint: _Checkpoint,
        done_batches: int,
    ) -> None:
        conflicted_lines = _conflict_reasons(staged.conflicts)
        unresolved_path = self._quarantine(plan, "unresolved")
        if done_batches:
            _truncate(unresolved_path, checkpoint.unresolved_bytes)
        else:
            unresolved_path.unlink(missing_ok=True)
        for index, rows in enumerate(unspool(spool_dir, staged.batches)):
            if index < done_batches:
                report.loaded += len(rows)
                continue
            with Quarantine(unresolved_path) as quarantine:
                accepted = self._refuse(plan, path, rows, conflicted_lines, quarantine)
                if accepted:
                    result = WriteResult()
                    for step in plan.steps:
                        result += self._writer.write(
                            step.statement, step.derive(accepted) if step.derive else accepted
                        )
                    report.nodes_created += result.nodes_created
                    report.relationships_created += result.relationships_created
                    report.properties_set += result.properties_set
                report.loaded += len(accepted)
                report.quarantined += quarantine.count
            checkpoint.save(index + 1, _size(unresolved_path), complete=index + 1 == staged.batches)
            if self._progress:
                self._progress(plan.source, report.loaded + report.quarantined, report.read)
            if self.stop_after_batches is not None and index + 1 >= self.stop_after_batches:
                raise _Interrupted(f"stopped after {index + 1} batches")
        if staged.batches == 0:
            checkpoint.save(0, 0, complete=True)

    def _refuse(
        self,
        plan: SourcePlan,
        path: Path,
        rows: list[Params],
        conflicted_lines: dict[int, str],
        quarantine: Quarantine,
    ) -> list[Params]:
        """Quarantine rows of conflicting duplicate keys and rows with unknown references."""
        refused = {
            row["line"]: conflicted_lines[row["line"]] for row in rows if row["line"] in conflicted_lines
        }
        for ref in plan.references:
            # Only the line and the reference travel to the server, and only where the row names one.
            refs = [
                {"line": row["line"], "ref": row[ref.field]} for row in rows if row.get(ref.field) is not None
            ]
            if not refs:
                continue
            for line, value in self._writer.missing_references(ref.check, refs).items():
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


def _layout(directory: Path) -> tuple[SourcePlan, ...]:
    """The layout of ``directory``: AMLSim's when its files are there, else a bigfinder world."""
    for plans in LAYOUTS.values():
        if _find_source_file(directory, plans[0].format) is not None:
            return plans
    return LAYOUTS["world"]


@contextmanager
def _stager() -> Iterator[ProcessPoolExecutor]:
    """One worker process for staging; spawned, so it shares no driver socket with this process."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        yield pool


def _find_source_file(directory: Path, source: SourceFormat) -> Path | None:
    for name in source.accepted_file_names():
        if (directory / name).is_file():
            return directory / name
    return None


def _conflict_reasons(conflicts: dict[tuple[Any, ...], list[int]]) -> dict[int, str]:
    """The quarantine reason of every line whose key was seen with conflicting values."""
    reasons = {}
    for key, lines in conflicts.items():
        reason = (
            f"duplicate key {'/'.join(map(str, key))} with conflicting values "
            f"(lines {', '.join(map(str, lines))})"
        )
        reasons.update(dict.fromkeys(lines, reason))
    return reasons


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _truncate(path: Path, size: int) -> None:
    if path.exists():
        with path.open("r+b") as handle:
            handle.truncate(size)


def _printable(row: Params) -> Params:
    return {k: v for k, v in row.items() if k != "line"}
