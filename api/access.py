"""API keys and the audit log, kept in one SQLite file (``BIGFINDER_API_ACCESS_DB``).

Why SQLite and not ``ApiKey`` nodes in Neo4j: who may read the graph, and who did, must not live in the
graph they protect. Graph rebuilds and test wipes delete every node, an investigator's query could
traverse into credentials, and authentication and the audit trail must keep working (and answer 401,
403 or 503 correctly) while Neo4j is down. A WAL-mode SQLite file is durable (every audit row is
committed before the response leaves), needs no server, and admins query it through ``GET /v1/audit``.

A key is shown once, when created; only its SHA-256 digest is stored. Keys are 256 random bits, so an
unsalted fast hash is enough: there is no dictionary to try against it. A key found is remembered in
memory for :data:`KEY_CACHE_S` seconds (the API checks one per request); revoking it through the store
forgets it at once, revoking it from another process (``bigfinder api key revoke`` while the API runs)
takes effect within that time.

Audit rows are group-committed: one fsync'd commit for every row waiting at that moment. A caller waits
for its rows' commit (``record``), except where it says not to (``wait=False``, score lookups by model
services): their rows are committed by the store's flusher thread within milliseconds, so a crash can
lose the rows of that moment, never those of reads that waited.

>>> store = AccessStore(Path(":memory:"))
>>> created = store.create_key(Role.ANALYST, "kim@customs")
>>> store.principal_for(created.secret).owner
'kim@customs'
>>> store.principal_for("bf_not-a-key") is None
True
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

__all__ = [
    "KEY_CACHE_S",
    "AccessStore",
    "AuditRecord",
    "CreatedKey",
    "KeyInfo",
    "Principal",
    "Role",
    "hash_key",
]

#: How long a key found in the file is trusted without looking again.
KEY_CACHE_S = 5.0
_KEY_PREFIX = "bf_"
_FLUSH_RETRY_S = 1.0
_log = logging.getLogger("bigfinder.api.access")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_key (
    key_id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    owner TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS audit (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    purpose TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_subject ON audit (subject);
CREATE INDEX IF NOT EXISTS audit_owner ON audit (owner);
"""


class Role(StrEnum):
    """What an API key may do; routes name the roles they admit."""

    INVESTIGATOR = "investigator"
    ANALYST = "analyst"
    MODEL_SERVICE = "model_service"
    ADMIN = "admin"
    #: An X-ray scanner posting its hits (``/v1/xray/hits``); it may read nothing.
    SCANNER = "scanner"


@dataclass(frozen=True)
class Principal:
    """The caller behind a request: its key's public id, role and owner."""

    key_id: str
    role: Role
    owner: str


@dataclass(frozen=True)
class CreatedKey:
    """A new key: ``secret`` is shown to its owner once and never stored."""

    principal: Principal
    secret: str


@dataclass(frozen=True)
class KeyInfo:
    """A stored key as an admin sees it (never the secret)."""

    key_id: str
    role: Role
    owner: str
    created_at: str
    revoked_at: str | None


@dataclass(frozen=True)
class AuditRecord:
    """One audited read or change: who, when, what, about which entity or ring, and why."""

    audit_id: int
    at: str
    key_id: str
    owner: str
    role: str
    action: str
    subject: str
    purpose: str


def hash_key(secret: str) -> str:
    """The stored form of a key: its SHA-256 digest in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class AccessStore:
    """Keys and audit rows in one SQLite file, safe to share between the API's worker threads."""

    def __init__(self, path: Path) -> None:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed audit row survives a power cut, not only a crash of the process.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        # Audit rows are written through a connection of their own, so a commit waiting on the disk
        # never holds up key look-ups (WAL readers do not wait for the writer).
        in_memory = str(path) == ":memory:"
        self._audit_db = self._db if in_memory else sqlite3.connect(str(path), check_same_thread=False)
        self._audit_db.execute("PRAGMA synchronous=FULL")
        self._audit_lock = self._lock if in_memory else threading.Lock()
        # Group commit: rows wait in _pending; one waiting caller at a time commits all of them (one
        # fsync for every request that arrived meanwhile) while the others wait for their ticket.
        self._commit_turn = threading.Condition()
        self._pending: list[tuple[str, ...]] = []
        self._tickets = 0
        self._durable = 0
        self._committing = False
        # Rows recorded without waiting are committed by this thread, woken by _flush_wanted.
        self._flush_wanted = threading.Event()
        self._closing = False
        self._flusher = threading.Thread(target=self._flush_loop, name="bigfinder-audit", daemon=True)
        self._flusher.start()
        # key digest -> (holder, when it was looked up)
        self._principals: dict[str, tuple[Principal, float]] = {}

    def close(self) -> None:
        """Commit every waiting audit row and close the file (the lifespan's end, the CLI command's end)."""
        self._closing = True
        self._flush_wanted.set()
        self._flusher.join()
        self.flush()
        with self._lock:
            if self._audit_db is not self._db:
                self._audit_db.close()
            self._db.close()

    def create_key(self, role: Role, owner: str) -> CreatedKey:
        """A new random key for ``owner`` with ``role``; only its digest is kept."""
        if not owner.strip():
            raise ValueError("a key needs an owner (a person or service to hold to account)")
        secret = _KEY_PREFIX + secrets.token_urlsafe(32)
        principal = Principal(key_id=secrets.token_hex(6), role=role, owner=owner.strip())
        with self._lock:
            self._db.execute(
                "INSERT INTO api_key (key_id, key_hash, role, owner, created_at) VALUES (?, ?, ?, ?, ?)",
                (principal.key_id, hash_key(secret), role.value, principal.owner, _now()),
            )
        return CreatedKey(principal, secret)

    def principal_for(self, secret: str) -> Principal | None:
        """The holder of ``secret``, or None for an unknown or revoked key."""
        digest = hash_key(secret)
        now = time.monotonic()
        cached = self._principals.get(digest)
        if cached is not None and now - cached[1] < KEY_CACHE_S:
            return cached[0]
        # Under the lock with the read: a revocation in between cannot leave the key remembered.
        with self._lock:
            row = self._db.execute(
                "SELECT key_id, role, owner FROM api_key WHERE key_hash = ? AND revoked_at IS NULL",
                (digest,),
            ).fetchone()
            if row is None:
                # Unknown keys are not remembered: a key created meanwhile works at once.
                self._principals.pop(digest, None)
                return None
            principal = Principal(row[0], Role(row[1]), row[2])
            self._principals[digest] = (principal, now)
        return principal

    def revoke_key(self, key_id: str) -> bool:
        """Revoke a key by its public id; False when there is no such active key."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE api_key SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", (_now(), key_id)
            )
            # Revocations are rare: forgetting every remembered key is simpler than finding this one.
            self._principals.clear()
        return cursor.rowcount == 1

    def keys(self) -> list[KeyInfo]:
        """Every key ever created, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT key_id, role, owner, created_at, revoked_at FROM api_key ORDER BY created_at DESC"
            ).fetchall()
        return [KeyInfo(r[0], Role(r[1]), r[2], r[3], r[4]) for r in rows]

    def holds_active_key(self, owner: str, roles: frozenset[Role]) -> bool:
        """Whether ``owner`` holds an active key of one of ``roles`` (a case's assignee must)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT role FROM api_key WHERE owner = ? AND revoked_at IS NULL", (owner,)
            ).fetchall()
        return any(Role(row[0]) in roles for row in rows)

    def record(
        self, principal: Principal, action: str, subjects: list[str], purpose: str, *, wait: bool = True
    ) -> None:
        """Audit ``action`` on each of ``subjects`` by ``principal``, committed before returning.

        Concurrent callers share commits: each waits until a commit that includes its rows is on disk.
        With ``wait=False`` the rows are only queued (no I/O: safe on the event loop); the flusher thread
        commits them at once.
        """
        at = _now()
        rows = [
            (at, principal.key_id, principal.owner, principal.role.value, action, subject, purpose)
            for subject in subjects
        ]
        with self._commit_turn:
            self._pending.extend(rows)
            self._tickets += 1
            if wait:
                self._wait_durable(self._tickets)
                return
        self._flush_wanted.set()

    def flush(self) -> None:
        """Commit every audit row recorded so far (those recorded without waiting too)."""
        with self._commit_turn:
            self._wait_durable(self._tickets)

    def _wait_durable(self, ticket: int) -> None:
        """Return once the rows of ``ticket`` are committed, committing them if nobody else is (called
        holding ``_commit_turn``)."""
        while self._durable < ticket:
            if self._committing:
                self._commit_turn.wait()
            else:
                self._commit_pending()

    def _flush_loop(self) -> None:
        while not self._closing:
            self._flush_wanted.wait()
            self._flush_wanted.clear()
            try:
                self.flush()
            except sqlite3.Error:
                # The rows were put back; a full disk or a locked file may clear up.
                _log.exception("audit rows could not be committed; retrying in %.0f s", _FLUSH_RETRY_S)
                time.sleep(_FLUSH_RETRY_S)
                self._flush_wanted.set()

    def _commit_pending(self) -> None:
        """Commit every pending row in one transaction (called holding ``_commit_turn``, released
        meanwhile)."""
        batch, self._pending = self._pending, []
        upto = self._tickets
        self._committing = True
        self._commit_turn.release()
        try:
            with self._audit_lock, self._audit_db:
                self._audit_db.executemany(
                    "INSERT INTO audit (at, key_id, owner, role, action, subject, purpose) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    batch,
                )
        except BaseException:
            # Put the rows back for the next committer: an audit row may be late, never lost.
            self._commit_turn.acquire()
            self._pending[:0] = batch
            self._committing = False
            self._commit_turn.notify_all()
            raise
        self._commit_turn.acquire()
        self._durable = max(self._durable, upto)
        self._committing = False
        self._commit_turn.notify_all()

    def audit(
        self,
        *,
        owner: str | None = None,
        subject: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> list[AuditRecord]:
        """Audit rows matching every filter given, newest first."""
        clauses: list[str] = []
        values: list[object] = []
        for column, value in (("owner", owner), ("subject", subject), ("action", action)):
            if value is not None:
                clauses.append(f"{column} = ?")
                values.append(value)
        if since is not None:
            clauses.append("at >= ?")
            values.append(since.astimezone(UTC).isoformat(timespec="microseconds"))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db.execute(
                f"SELECT audit_id, at, key_id, owner, role, action, subject, purpose FROM audit {where} "  # noqa: S608 - column names are literals above; values are bound
                "ORDER BY audit_id DESC LIMIT ? OFFSET ?",
                [*values, limit, offset],
            ).fetchall()
        return [AuditRecord(*row) for row in rows]
