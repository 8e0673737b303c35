"""Score lookups for risk models: single lookups answered together, batches answered as ready JSON.

A lone lookup costs Neo4j and the driver about a millisecond of CPU, nearly all of it per transaction;
in one ``UNWIND`` read of sixteen keys each costs a tenth of that. So, as the audit log group-commits,
lookups queue and each read takes every lookup waiting (up to :data:`MAX_KEYS_PER_READ`). A lookup
that finds no read under way is read at once: nothing waits for a batch to fill. At most
``max_reads`` reads run at a time, each on a thread of the pool (the driver is synchronous), so a
lookup costs the event loop no thread hop of its own.

Scores travel as plain dicts (:class:`EntityScores`) and leave as JSON written by pydantic-core
(:func:`scores_json`), never as response models: for a batch of 1,000, building the models, FastAPI's
validation of them and ``json.dumps`` cost ten times the read itself. The routes still declare the
public models, so the OpenAPI schema is unchanged.

One :class:`ScoreLookups` is built in the app's lifespan, on the loop that serves the requests.

>>> import asyncio, json
>>> from pathlib import Path
>>> from api.access import Role
>>> class Graph:  # stands in for Investigation: P1 is held, P2 is not
...     def scores_by_key(self, refs):
...         return {(r.label, r.key): {"key": r.key} for r in refs if r.key == "P1"}
>>> access = AccessStore(Path(":memory:"))
>>> model = access.create_key(Role.MODEL_SERVICE, "risk-model").principal
>>> lookups = ScoreLookups(Graph(), access)
>>> async def lookup_one_held_and_one_not():
...     one = await lookups.lookup(EntityRef(label="Person", key="P1"), model, "pricing")
...     try:
...         await lookups.lookup(EntityRef(label="Person", key="P2"), model, "pricing")
...     except EntityNotFound as missing:
...         return one, missing.detail
>>> asyncio.run(lookup_one_held_and_one_not())
({'key': 'P1'}, "no Person with key 'P2'")
>>> refs = [EntityRef(label="Person", key=k) for k in ("P2", "P1", "P2")]
>>> json.loads(lookups.batch(refs, model, "triage"))
{'results': [{'key': 'P1'}], 'missing': [{'label': 'Person', 'key': 'P2'}]}
>>> access.flush()
>>> sorted((row.subject, row.purpose) for row in access.audit(owner="risk-model"))
[('Person:P1', 'pricing'), ('Person:P1', 'triage')]
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypedDict

from pydantic_core import to_json
from starlette.concurrency import run_in_threadpool

from api.access import AccessStore, Principal
from api.schemas import EntityRef
from bigfinder.errors import EntityNotFound
from graph.results import RESULT_PROPERTIES

__all__ = [
    "MAX_KEYS_PER_READ",
    "SCORE_NAMES",
    "EntityScores",
    "ScoreLookups",
    "ScoreSource",
    "entity_scores",
    "held_and_missing",
    "scores_json",
]

#: The most lookups one read answers (the batch route's limit too).
MAX_KEYS_PER_READ = 1_000
#: The analytics results a lookup answers, in the order a score read returns them.
SCORE_NAMES: list[str] = list(RESULT_PROPERTIES)


class EntityScores(TypedDict):
    """One entity's scores as :class:`api.schemas.EntityScoresPublic` shows them, as a plain dict."""

    label: str
    key: str
    scores: dict[str, float]
    runs: dict[str, str]


class ScoreSource(Protocol):
    """Where scores are read: :meth:`api.investigation.Investigation.scores_by_key`."""

    def scores_by_key(self, refs: list[EntityRef]) -> Mapping[tuple[str, str], EntityScores]: ...


def entity_scores(label: str, key: str, row: Mapping[str, Any]) -> EntityScores:
    """A score row (``scores`` and ``runs`` in :data:`SCORE_NAMES` order) as the public answer; the
    results an entity lacks are left out.

    >>> entity_scores("Person", "P1", {"scores": [7, None] + [None] * 10, "runs": ["r1"] + [None] * 11})
    {'label': 'Person', 'key': 'P1', 'scores': {'wcc_id': 7.0}, 'runs': {'wcc_id': 'r1'}}
    """
    return {
        "label": label,
        "key": key,
        "scores": {n: float(v) for n, v in zip(SCORE_NAMES, row["scores"], strict=True) if v is not None},
        "runs": {n: str(v) for n, v in zip(SCORE_NAMES, row["runs"], strict=True) if v is not None},
    }


def held_and_missing(
    unique: Sequence[EntityRef], found: Mapping[tuple[str, str], EntityScores]
) -> tuple[list[EntityRef], list[EntityRef]]:
    """``unique`` split, in its order, into the refs ``found`` holds scores for and the ones it does not.

    >>> a, b = EntityRef(label="Person", key="P1"), EntityRef(label="Person", key="P2")
    >>> scores = {"label": "Person", "key": "P2", "scores": {"pagerank": 0.01}, "runs": {}}
    >>> held_and_missing([a, b], {("Person", "P2"): scores})
    ([EntityRef(label='Person', key='P2')], [EntityRef(label='Person', key='P1')])
    """
    held = [r for r in unique if (r.label, r.key) in found]
    return held, [r for r in unique if (r.label, r.key) not in found]


def scores_json(answer: object) -> bytes:
    """``answer`` (plain dicts, lists, text and numbers) as compact JSON; a non-finite score as ``null``
    (``json.dumps`` would fail the request)."""
    return to_json(answer)


class ScoreLookups:
    """Queues single lookups, answers each queue with one read, answers batches, and audits each entity
    whose scores were read."""

    def __init__(self, source: ScoreSource, access: AccessStore, max_reads: int = 2) -> None:
        self._source = source
        self._access = access
        self._max_reads = max_reads
        self._waiting: list[tuple[EntityRef, asyncio.Future[EntityScores]]] = []
        self._readers = 0
        # The running reader tasks: the loop keeps only weak references to tasks.
        self._tasks: set[asyncio.Task[None]] = set()

    async def lookup(self, ref: EntityRef, principal: Principal, purpose: str) -> EntityScores:
        """``ref``'s scores for ``principal``, audited with ``purpose``; 404 when the graph does not hold
        it, 503 while Neo4j is unreachable."""
        answer: asyncio.Future[EntityScores] = asyncio.get_running_loop().create_future()
        self._waiting.append((ref, answer))
        if self._readers < self._max_reads:
            self._readers += 1
            task = asyncio.create_task(self._read_waiting())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        scores = await answer
        self._access.record(principal, "scores.read", [ref.node_id], purpose, wait=False)
        return scores

    def batch(self, refs: Sequence[EntityRef], principal: Principal, purpose: str) -> bytes:
        """The JSON of :class:`api.schemas.ScoreBatchPublic` for ``refs`` (each once, in the order asked):
        one read, and an audit row queued for each entity found. Blocks: call it from a worker thread."""
        unique = list(dict.fromkeys(refs))
        found = self._source.scores_by_key(unique)
        held, missing = held_and_missing(unique, found)
        # Queued, not waited for, as a single lookup's: the flusher commits them moments later.
        self._access.record(principal, "scores.read", [r.node_id for r in held], purpose, wait=False)
        return scores_json(
            {
                "results": [found[(r.label, r.key)] for r in held],
                "missing": [{"label": r.label, "key": r.key} for r in missing],
            }
        )

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
