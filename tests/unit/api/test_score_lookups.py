"""Score lookups and the access store without Neo4j: shared reads, queued audit rows, remembered keys."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from api.access import KEY_CACHE_S, AccessStore, Role
from api.schemas import EntityRef
from api.score_lookups import EntityScores, ScoreLookups
from bigfinder.errors import EntityNotFound, StoreUnavailable


class _Graph:
    """Holds every Person but P404; the first read waits until the test lets it go."""

    def __init__(self, failure: Exception | None = None) -> None:
        self.reads: list[list[str]] = []
        self.reading = threading.Event()
        self.go_on = threading.Event()
        self._failure = failure

    def scores_by_key(self, refs: list[EntityRef]) -> dict[tuple[str, str], EntityScores]:
        self.reads.append([r.key for r in refs])
        self.reading.set()
        self.go_on.wait(5)
        if self._failure is not None:
            raise self._failure
        return {
            (r.label, r.key): {"label": r.label, "key": r.key, "scores": {"degree": 1.0}, "runs": {}}
            for r in refs
            if r.key != "P404"
        }


def _person(key: str) -> EntityRef:
    return EntityRef(label="Person", key=key)


async def _look_up_while_the_first_read_waits(
    graph: _Graph, access: AccessStore, keys: list[str]
) -> list[object]:
    lookups = ScoreLookups(graph, access, max_reads=1)
    principal = access.create_key(Role.MODEL_SERVICE, "risk-model").principal
    first = asyncio.create_task(lookups.lookup(_person(keys[0]), principal, "pricing"))
    await asyncio.to_thread(graph.reading.wait, 5)
    rest = [asyncio.create_task(lookups.lookup(_person(k), principal, "pricing")) for k in keys[1:]]
    await asyncio.sleep(0.01)  # every other lookup is queued behind the first read
    graph.go_on.set()
    return await asyncio.gather(first, *rest, return_exceptions=True)


def test_lookups_that_arrive_during_a_read_share_the_next_one(tmp_path: Path) -> None:
    graph, access = _Graph(), AccessStore(tmp_path / "a.sqlite3")
    answers = asyncio.run(_look_up_while_the_first_read_waits(graph, access, ["P1", "P2", "P404", "P3"]))
    assert graph.reads == [["P1"], ["P2", "P404", "P3"]]
    assert [a["key"] if isinstance(a, dict) else type(a) for a in answers] == [
        "P1",
        "P2",
        EntityNotFound,
        "P3",
    ]
    # Each lookup answered is audited (committed by the store's flusher, or at close at the latest).
    access.close()
    reopened = AccessStore(tmp_path / "a.sqlite3")
    assert sorted(r.subject for r in reopened.audit(action="scores.read")) == [
        "Person:P1",
        "Person:P2",
        "Person:P3",
    ]


def test_a_failed_read_fails_every_lookup_that_waited_for_it(tmp_path: Path) -> None:
    graph = _Graph(failure=StoreUnavailable("Neo4j at bolt://x is not reachable."))
    access = AccessStore(tmp_path / "a.sqlite3")
    answers = asyncio.run(_look_up_while_the_first_read_waits(graph, access, ["P1", "P2", "P3"]))
    assert [type(a) for a in answers] == [StoreUnavailable] * 3
    assert access.audit() == []


def test_queued_audit_rows_are_committed_without_a_waiting_caller(tmp_path: Path) -> None:
    store = AccessStore(tmp_path / "a.sqlite3")
    who = store.create_key(Role.MODEL_SERVICE, "scorer").principal
    store.record(who, "scores.read", ["Person:P1"], "pricing", wait=False)
    other = AccessStore(tmp_path / "a.sqlite3")  # another connection sees only committed rows
    for _ in range(500):
        if other.audit(subject="Person:P1"):
            break
        threading.Event().wait(0.01)
    assert [r.purpose for r in other.audit(subject="Person:P1")] == ["pricing"]


def test_keys_are_remembered_until_revoked_here_or_for_a_few_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.sqlite3"
    api, cli = AccessStore(path), AccessStore(path)
    first, second = api.create_key(Role.ANALYST, "kim"), api.create_key(Role.ANALYST, "lee")
    assert api.principal_for(first.secret) == first.principal
    assert api.revoke_key(first.principal.key_id)
    assert api.principal_for(first.secret) is None
    # Revoked by another process: trusted from memory until the cache time has passed.
    assert api.principal_for(second.secret) == second.principal
    assert cli.revoke_key(second.principal.key_id)
    assert api.principal_for(second.secret) == second.principal
    later = time.monotonic() + KEY_CACHE_S
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert api.principal_for(second.secret) is None
