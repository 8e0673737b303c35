"""The first pass of an ingest: read, validate, build write parameters and spool them to disk.

Staging never touches the graph, so it runs in a worker process while the previous source is being
written: validation (Python) and MERGE (Neo4j) then use the two cores at once. A :class:`StageJob` and
its :class:`StageResult` are plain picklable data for that reason.

Refused rows are written to ``<source>.invalid.jsonl`` in the quarantine folder with their line and
reason. Duplicate keys are noted by a digest of each row's values; keys seen with different values are
returned as conflicts so the load pass can set every one of their rows aside.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bigfinder.errors import BigfinderError
from ingest.formats import SourceFormat
from ingest.ledger import BreakReason, verify_ledger_file
from ingest.quarantine import Quarantine
from ingest.reader import read_rows
from ingest.rows import Params, Provenance, RowBuilder
from ingest.validate import RowValidator

__all__ = ["StageJob", "StageResult", "stage", "unspool"]

#: Ledger breaks whose record cannot be trusted; missing and reordered records are reported but loaded.
_UNTRUSTED = {BreakReason.TAMPERED, BreakReason.BROKEN_LINK, BreakReason.DUPLICATE, BreakReason.UNREADABLE}


@dataclass(frozen=True)
class StageJob:
    """Everything the staging of one source file needs."""

    source: SourceFormat
    build: RowBuilder
    path: Path
    dataset: str
    spool_dir: Path
    quarantine_file: Path
    batch_size: int
    today: date | None
    verify_ledger: bool = False


@dataclass
class StageResult:
    """What staging found: row counts, spooled batches, conflicting keys, ledger breaks, or an error."""

    read: int = 0
    quarantined: int = 0
    batches: int = 0
    conflicts: dict[tuple[Any, ...], list[int]] = field(default_factory=dict)
    chain_breaks: list[str] = field(default_factory=list)
    error: str | None = None


def stage(job: StageJob) -> StageResult:
    """Stage ``job.path``; a file that cannot be read comes back as ``error``, with nothing spooled."""
    result = StageResult()
    try:
        _stage_rows(job, result)
    except BigfinderError as exc:
        result.error = exc.detail
        result.batches = 0
    return result


def _stage_rows(job: StageJob, result: StageResult) -> None:
    validator = RowValidator(job.source, today=job.today)
    untrusted = _ledger_breaks(job, result) if job.verify_ledger else {}
    job.quarantine_file.unlink(missing_ok=True)
    job.spool_dir.mkdir(parents=True, exist_ok=True)
    first_seen: dict[tuple[Any, ...], tuple[int, bytes]] = {}
    batch: list[Params] = []
    with Quarantine(job.quarantine_file) as quarantine:
        for raw in read_rows(job.path, job.source):
            result.read += 1
            checked = validator.validate(raw)
            problem = checked.problem or untrusted.get(raw.line)
            params: Params | None = None
            if problem is None:
                try:
                    params = job.build(
                        checked.values, raw.values, Provenance(job.path.name, raw.line, job.dataset)
                    )
                except ValueError as exc:  # a derived key that cannot be formed
                    problem = str(exc)
            if params is None:
                quarantine.add(job.source.name, job.path, raw.line, problem or "refused", raw.values)
                continue
            if job.source.key:
                key = tuple(checked.values[k] for k in job.source.key)
                _note_duplicate(first_seen, result.conflicts, key, raw.line, checked.values)
            batch.append(params)
            if len(batch) >= job.batch_size:
                _spool(job.spool_dir, result.batches, batch)
                result.batches, batch = result.batches + 1, []
        result.quarantined = quarantine.count
    if batch:
        _spool(job.spool_dir, result.batches, batch)
        result.batches += 1


def _ledger_breaks(job: StageJob, result: StageResult) -> dict[int, str]:
    """Every chain break is reported; the records that cannot be trusted are refused by line."""
    breaks = verify_ledger_file(job.path)
    result.chain_breaks = [f"line {b.line}: {b.reason.value}: {b.detail}" for b in breaks]
    return {b.line: f"ledger chain {b.reason.value}: {b.detail}" for b in breaks if b.reason in _UNTRUSTED}


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


def unspool(spool_dir: Path, batches: int) -> Iterator[list[Params]]:
    """The spooled batches, in order."""
    for index in range(batches):
        with (spool_dir / f"{index:08d}.pickle").open("rb") as handle:
            # Our own spool, written moments ago in a private temporary directory.
            rows: list[Params] = pickle.load(handle)  # noqa: S301
        yield rows
