"""Ingest uploads as background jobs: the real :class:`~ingest.pipeline.Ingestor`, one job at a time.

An admin's upload is written to its own folder (``BIGFINDER_API_UPLOAD_DIR/<job_id>/``: the world's
files, then ``state/`` for the ingest's checkpoints and quarantine files) and queued on the app's one
ingest thread. The job's record (who, when, status, per-source progress, the final report) is a row of
``jobs.sqlite3`` in the same folder, written as the ingest reports progress, so it outlives the process:
a job that was queued or running when the API stopped is marked ``interrupted`` at the next start.

>>> top_reasons(["amount: 'x' is not a number", "amount: '' is missing", "duplicate key P1"])
{'amount': 2, 'duplicate key P1': 1}
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neo4j import Driver

from api.access import Principal
from api.schemas import (
    IngestFilePublic,
    IngestJobPublic,
    IngestSourcePublic,
    JobStatus,
    Page,
    QuarantineFilePublic,
)
from api.uploads import ReceivedFile, unpack_world
from bigfinder.errors import BigfinderError, IngestJobNotFound, InvalidUpload
from bigfinder.settings import Settings
from graph.loader import GraphWriter
from ingest.pipeline import Ingestor, IngestReport

__all__ = ["IngestJobs", "top_reasons"]

_log = logging.getLogger("bigfinder.api.ingest")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ingest_job (
    job_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    files TEXT NOT NULL,
    sources TEXT NOT NULL,
    error TEXT
);
"""
_COLUMNS = "job_id, status, created_by, created_at, started_at, finished_at, files, sources, error"
_TOP_REASONS = 5


def top_reasons(reasons: Iterable[str]) -> dict[str, int]:
    """The commonest quarantine reasons, grouped by the field they name (the text before ``:``)."""
    counts = Counter(reason.split(":", 1)[0][:120] for reason in reasons)
    return dict(counts.most_common(_TOP_REASONS))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class IngestJobs:
    """Queues uploads on one ingest thread and keeps every job's record."""

    def __init__(self, driver: Driver, settings: Settings) -> None:
        self._driver = driver
        self._settings = settings
        self._root = settings.api_upload_dir
        self._root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._closed = False
        self._db = sqlite3.connect(str(self._root / "jobs.sqlite3"), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        with self._lock, self._db:
            self._db.execute(
                "UPDATE ingest_job SET status = ?, error = ?, finished_at = ? WHERE status IN (?, ?)",
                (
                    JobStatus.INTERRUPTED.value,
                    "the API stopped before the job finished; upload again (loads are idempotent)",
                    _now(),
                    JobStatus.QUEUED.value,
                    JobStatus.RUNNING.value,
                ),
            )
        # One ingest at a time: two loads into one graph would only contend for its locks.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bigfinder-ingest")

    def close(self) -> None:
        """Stop taking jobs; a running ingest stops recording (the next start marks it interrupted)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            self._closed = True
            self._db.close()

    def new_folder(self) -> tuple[str, Path]:
        """A fresh job id and the folder its upload is written to."""
        job_id = f"JOB-{secrets.token_hex(6).upper()}"
        folder = self._root / job_id / "world"
        folder.mkdir(parents=True)
        return job_id, folder

    def submit(
        self, job_id: str, folder: Path, files: list[ReceivedFile], principal: Principal
    ) -> IngestJobPublic:
        """Unpack a zip if that is what came, record the job and queue it."""
        zips = [f for f in files if f.name.lower().endswith(".zip")]
        if zips and len(files) > 1:
            raise InvalidUpload("upload either source files or one zip of a world folder, not both")
        if zips:
            files = unpack_world(folder / zips[0].name, folder, self._settings.api_upload_max_bytes)
        listed = [{"name": f.name, "size": f.size} for f in files]
        with self._lock, self._db:
            self._db.execute(
                f"INSERT INTO ingest_job ({_COLUMNS}) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, NULL)",  # noqa: S608 - a literal column list
                (job_id, JobStatus.QUEUED.value, principal.owner, _now(), json.dumps(listed), "{}"),
            )
        self._executor.submit(self._run, job_id, folder)
        return self.job(job_id)

    def job(self, job_id: str) -> IngestJobPublic:
        """The job's record, with its quarantine files once it has finished."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM ingest_job WHERE job_id = ?",  # noqa: S608 - a literal column list
                (job_id,),
            ).fetchone()
        if row is None:
            raise IngestJobNotFound(f"no ingest job {job_id!r}")
        return self._public(row)

    def jobs(self, offset: int, limit: int) -> Page[IngestJobPublic]:
        """Jobs, newest first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM ingest_job ORDER BY created_at DESC, job_id LIMIT ? OFFSET ?",  # noqa: S608 - a literal column list
                (limit + 1, offset),
            ).fetchall()
        items = [self._public(row) for row in rows]
        return Page[IngestJobPublic](
            items=items[:limit],
            offset=offset,
            limit=limit,
            next_offset=offset + limit if len(items) > limit else None,
        )

    def quarantine_file(self, job_id: str, name: str) -> Path:
        """The path of one of the job's quarantine files, looked up by name among the job's own."""
        self.job(job_id)
        files = {path.name: path for path in self._quarantine_paths(job_id)}
        if name not in files:
            raise IngestJobNotFound(f"job {job_id} has no quarantine file {name!r}")
        return files[name]

    # -- the job -----------------------------------------------------------------------------------------

    def _run(self, job_id: str, folder: Path) -> None:
        progress: dict[str, dict[str, Any]] = {}

        def advance(source: str, done: int, read: int | None) -> None:
            entry = progress.setdefault(source, {"source": source, "loaded": 0, "quarantined": 0})
            entry.update(read=read, done=done)
            self._update(job_id, sources=json.dumps(progress))

        self._update(job_id, status=JobStatus.RUNNING.value, started_at=_now())
        try:
            ingestor = Ingestor(
                GraphWriter(self._driver, self._settings),
                self._root / job_id / "state",
                batch_size=self._settings.ingest_batch_size,
                progress=advance,
            )
            report = ingestor.ingest_directory(folder)
        except BigfinderError as exc:
            self._finish(job_id, JobStatus.FAILED, progress, exc.detail)
        except Exception as exc:
            _log.exception("ingest job %s failed", job_id)
            self._finish(job_id, JobStatus.FAILED, progress, f"unexpected error: {type(exc).__name__}")
        else:
            failed = "; ".join(f"{s.source}: {s.error}" for s in report.failed) or None
            status = JobStatus.FAILED if failed else JobStatus.DONE
            self._finish(job_id, status, _final_sources(report), failed)

    def _finish(
        self, job_id: str, status: JobStatus, sources: dict[str, dict[str, Any]], error: str | None
    ) -> None:
        self._update(
            job_id, status=status.value, finished_at=_now(), sources=json.dumps(sources), error=error
        )

    def _update(self, job_id: str, **columns: str | None) -> None:
        assignments = ", ".join(f"{name} = ?" for name in columns)
        with self._lock:
            if self._closed:
                return
            with self._db:
                self._db.execute(
                    f"UPDATE ingest_job SET {assignments} WHERE job_id = ?",  # noqa: S608 - column names are this module's literals
                    [*columns.values(), job_id],
                )

    # -- answers -----------------------------------------------------------------------------------------

    def _quarantine_paths(self, job_id: str) -> list[Path]:
        return sorted((self._root / job_id / "state" / "quarantine").glob("*.jsonl"))

    def _public(self, row: tuple[Any, ...]) -> IngestJobPublic:
        job_id, status, created_by, created_at, started_at, finished_at, files, sources, error = row
        status = JobStatus(status)
        source_list = [IngestSourcePublic(**s) for s in json.loads(sources).values()]
        finished = status in (JobStatus.DONE, JobStatus.FAILED)
        return IngestJobPublic(
            job_id=job_id,
            status=status,
            created_by=created_by,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
            files=[IngestFilePublic(**f) for f in json.loads(files)],
            sources=source_list,
            read=sum(s.read or 0 for s in source_list),
            loaded=sum(s.loaded for s in source_list),
            quarantined=sum(s.quarantined for s in source_list),
            quarantine=[_quarantine(job_id, p) for p in self._quarantine_paths(job_id)] if finished else [],
            error=error,
        )


def _final_sources(report: IngestReport) -> dict[str, dict[str, Any]]:
    return {
        s.source: {
            "source": s.source,
            "read": s.read,
            "done": s.read,
            "loaded": s.loaded,
            "quarantined": s.quarantined,
            "nodes_created": s.nodes_created,
            "relationships_created": s.relationships_created,
            "seconds": round(s.seconds, 3),
            "error": s.error,
        }
        for s in report.sources
    }


def _quarantine(job_id: str, path: Path) -> QuarantineFilePublic:
    reasons = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            reasons.append(str(json.loads(line).get("reason", "")))
    return QuarantineFilePublic(
        name=path.name,
        rows=len(reasons),
        top_reasons=top_reasons(reasons),
        url=f"/v1/ingest/{job_id}/quarantine/{path.name}",
    )
