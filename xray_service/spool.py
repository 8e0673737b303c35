"""The write-ahead spool: a hit is on disk before the scanner hears "accepted".

One SQLite file in WAL mode with ``synchronous=FULL``: a committed hit survives a killed process and a
power cut. The spool is also the idempotency ledger: every scan id ever accepted keeps its content digest
(the payload is dropped once drained), so a repeat with the same content is recognised and one with other
content is refused with 409, whether or not the first has reached the graph yet.

Requests do not each pay for an fsync: :class:`SpoolWriter` runs one thread that takes every request
waiting, checks and inserts them in one transaction (a savepoint per request, so a conflicting request is
refused whole while the others go through), commits once and then answers them all (group commit).

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     spool = Spool(Path(folder) / "spool.sqlite3")
...     first = spool.append([SpoolEntry("S1", "d1", '{"scan_id": "S1"}')])
...     again = spool.append([SpoolEntry("S1", "d1", '{"scan_id": "S1"}')])
...     [(e.scan_id, e.payload) for e in spool.pending(10)], first, again
...     spool.close()
([('S1', '{"scan_id": "S1"}')], [<Verdict.ACCEPTED: 'accepted'>], [<Verdict.DUPLICATE: 'duplicate'>])
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from bigfinder.errors import BigfinderError

__all__ = [
    "PendingHit",
    "ScanConflict",
    "Spool",
    "SpoolCounts",
    "SpoolEntry",
    "SpoolUnavailable",
    "SpoolWriter",
    "Verdict",
]

_log = logging.getLogger("bigfinder.xray")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    scan_id TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL,
    payload TEXT,
    received_at TEXT NOT NULL,
    drained_at TEXT
);
CREATE INDEX IF NOT EXISTS hit_pending ON hit (seq) WHERE drained_at IS NULL;
"""
#: Requests folded into one commit at most; bounds the time the first of them waits.
_GROUP_LIMIT = 256


class ScanConflict(BigfinderError):
    """A scan id already accepted with different content."""

    status = 409
    title = "Scan id already used"


class SpoolUnavailable(BigfinderError):
    """The spool file cannot be written (disk full, permissions): nothing was acknowledged."""

    status = 503
    title = "X-ray spool unavailable"


class Verdict(StrEnum):
    """What the spool made of one hit."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class SpoolEntry:
    """A hit to spool: its scan id, content digest and canonical JSON."""

    scan_id: str
    digest: str
    payload: str


@dataclass(frozen=True)
class PendingHit:
    """A spooled hit not yet drained into the graph."""

    seq: int
    scan_id: str
    payload: str


@dataclass(frozen=True)
class SpoolCounts:
    """Hits waiting for the graph and hits already there."""

    pending: int
    drained: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Spool:
    """One connection to the spool file; each thread that uses the spool opens its own."""

    def __init__(self, path: Path) -> None:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: the WAL is fsync'd at every commit, so an acknowledged hit survives a power cut.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def append(self, entries: list[SpoolEntry]) -> list[Verdict]:
        """Spool one request's hits in one durable transaction; :class:`ScanConflict` spools none."""
        [outcome] = self.append_groups([entries])
        if isinstance(outcome, BigfinderError):
            raise outcome
        return outcome

    def append_groups(self, groups: list[list[SpoolEntry]]) -> list[list[Verdict] | BigfinderError]:
        """Spool several requests in one commit; each is accepted whole or refused whole."""
        outcomes: list[list[Verdict] | BigfinderError] = []
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for at, entries in enumerate(groups):
                    self._db.execute(f"SAVEPOINT request_{at}")
                    outcome = self._append_one(entries)
                    if isinstance(outcome, BigfinderError):
                        self._db.execute(f"ROLLBACK TO request_{at}")
                    self._db.execute(f"RELEASE request_{at}")
                    outcomes.append(outcome)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return outcomes

    def _append_one(self, entries: list[SpoolEntry]) -> list[Verdict] | BigfinderError:
        verdicts: list[Verdict] = []
        received = _now()
        for entry in entries:
            row = self._db.execute("SELECT digest FROM hit WHERE scan_id = ?", (entry.scan_id,)).fetchone()
            if row is None:
                self._db.execute(
                    "INSERT INTO hit (scan_id, digest, payload, received_at) VALUES (?, ?, ?, ?)",
                    (entry.scan_id, entry.digest, entry.payload, received),
                )
                verdicts.append(Verdict.ACCEPTED)
            elif row[0] == entry.digest:
                verdicts.append(Verdict.DUPLICATE)
            else:
                return ScanConflict(
                    f"scan id {entry.scan_id!r} was already accepted with different content; "
                    "a new scan needs a new scan id"
                )
        return verdicts

    def pending(self, limit: int) -> list[PendingHit]:
        """The oldest ``limit`` hits not yet in the graph."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, scan_id, payload FROM hit WHERE drained_at IS NULL ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [PendingHit(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    def mark_drained(self, seqs: list[int]) -> None:
        """Record that these hits are in the graph; their payload is dropped, their digest kept."""
        drained = _now()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "UPDATE hit SET drained_at = ?, payload = NULL WHERE seq = ?",
                    [(drained, s) for s in seqs],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def counts(self) -> SpoolCounts:
        """Pending and drained hits."""
        with self._lock:
            pending, total = self._db.execute(
                "SELECT (SELECT count(*) FROM hit WHERE drained_at IS NULL), (SELECT count(*) FROM hit)"
            ).fetchone()
        return SpoolCounts(int(pending), int(total) - int(pending))


_Request = tuple[list[SpoolEntry], "Future[list[Verdict]]"]


class SpoolWriter:
    """The one thread that writes new hits: requests queue up and are committed in groups."""

    def __init__(self, path: Path, on_commit: Callable[[], None] = lambda: None) -> None:
        self._spool = Spool(path)
        self._on_commit = on_commit
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="xray-spool-writer", daemon=True)
        self._thread.start()

    def submit(self, entries: list[SpoolEntry]) -> Future[list[Verdict]]:
        """Queue one request's hits; the future resolves once they are durable (or refused)."""
        future: Future[list[Verdict]] = Future()
        self._queue.put((entries, future))
        return future

    def close(self) -> None:
        """Commit what is queued, then stop the thread and close the file."""
        self._queue.put(None)
        self._thread.join()
        self._spool.close()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            group = [first]
            while len(group) < _GROUP_LIMIT:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                group.append(item)
            self._commit(group)

    def _commit(self, group: list[_Request]) -> None:
        try:
            outcomes = self._spool.append_groups([entries for entries, _ in group])
        except sqlite3.Error as exc:
            _log.error("the X-ray spool could not commit %d requests: %s", len(group), exc)
            for _, future in group:
                future.set_exception(SpoolUnavailable(f"the spool could not be written: {exc}"))
            return
        for (_, future), outcome in zip(group, outcomes, strict=True):
            if isinstance(outcome, BigfinderError):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
        self._on_commit()
