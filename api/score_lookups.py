"""Single score lookups answered together: the lookups that arrive while a read is under way share the
next one.

A lone lookup costs Neo4j and the driver about a millisecond of CPU, nearly all of it per transaction;
in one ``UNWIND`` read of sixteen keys each costs a tenth of that. So, as the audit log group-commits,
lookups queue and each read takes every lookup waiting (up to :data:`MAX_KEYS_PER_READ`). A lookup
that finds no read under way is read at once: nothing waits for a batch to fill. At most
``max_reads`` reads run at a time, each on a thread of the pool (the driver is synchronous), so a
lookup costs the event loop no thread hop of its own.

One :class:`ScoreLookups` is built in the app's lifespan, on the loop that serves the requests.

>>> import asyncio
>>> from pathlib import Path
>>> from api.access import Role
>>> class Graph:  # stands in for Investigation: P1 is held, P2 is not
...     def scores_by_key(self, refs):
...         return {(r.label, r.key): f"scores of {r.key}" for r in refs if r.key == "P1"}
>>> access = AccessStore(Path(":memory:"))
>>> model = access.create_key(Role.MODEL_SERVICE, "risk-model").principal
>>> async def lookups():
...     lookups = ScoreLookups(Graph(), access)
...     one = await lookups.lookup(EntityRef(label="Person", key="P1"), model, "pricing")
...     try:
...         await lookups.lookup(EntityRef(label="Person", key="P2"), model, "pricing")
...     except EntityNotFound as missing:
...         return one, missing.detail
>>> asyncio.run(lookups())
('scores of P1', "no Person with key 'P2'")
>>> access.flush()
>>> [(row.subject, row.purpose) for row in access.audit(owner="risk-model")]
[('Person:P1', 'pricing')]
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from starlette.concurrency import run_in_threadpool

from api.access import AccessStore, Principal
from api.schemas import EntityRef, EntityScoresPublic
from bigfinder.errors import EntityNotFound

__all__ = ["MAX_KEYS_PER_READ", "ScoreLookups", "ScoreSource"]

#: The most lookups one read answers (the batch route's limit too).
MAX_KEYS_PER_READ = 1_000


class ScoreSource(Protocol):
    """Where scores are read: :meth:`api.investigation.Investigation.scores_by_key`."""

    def scores_by_key(self, refs: list[EntityRef]) -> dict[tuple[str, str], EntityScoresPublic]: ...


class ScoreLookups:
    """Queues single lookups, answers each queue with one read, and audits each lookup answered."""

    def __init__(self, source: ScoreSource, access: AccessStore, max_reads: int = 2) -> None:
        self._source = source
        self._access = access
        self._max_reads = max_reads
        self._waiting: list[tuple[EntityRef, asyncio.Future[EntityScoresPublic]]] = []
        self._readers = 0
        # The running reader tasks: the loop keeps only weak references to tasks.
        self._tasks: set[asyncio.Task[None]] = set()

    async def lookup(self, ref: EntityRef, principal: Principal, purpose: str) -> EntityScoresPublic:
        """``ref``'s scores for ``principal``, audited with ``purpose``; 404 when the graph does not hold
        it, 503 while Neo4j is unreachable."""
        answer: asyncio.Future[EntityScoresPublic] = asyncio.get_running_loop().create_future()
        self._waiting.append((ref, answer))
        if self._readers < self._max_reads:
            self._readers += 1
            task = asyncio.create_task(self._read_waiting())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        scores = await answer
        self._access.record(principal, "scores.read", [ref.node_id], purpose, wait=False)
        return scores

    async def _read_waiting(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[:MAX_KEYS_PER_READ]
                del self._waiting[:MAX_KEYS_PER_READ]
                try:
                    found = await run_in_threadpool(self._source.scores_by_key, [ref for ref, _ in batch])
                except Exception as exc:  # every waiting lookup fails as the read did
                    for _, answer in batch:
                        if not answer.done():
                            answer.set_exception(exc)
                    continue
                for ref, answer in batch:
                    # A lookup whose client went away is cancelled; its answer is dropped.
                    if answer.done():
                        continue
                    scores = found.get((ref.label, ref.key))
                    if scores is None:
                        answer.set_exception(EntityNotFound(f"no {ref.label} with key {ref.key!r}"))
                    else:
                        answer.set_result(scores)
        finally:
            self._readers -= 1
