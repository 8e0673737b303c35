"""The result writer against the real Neo4j: runs, per-node values and rings across re-runs."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import pytest
from neo4j import Driver

from bigfinder.settings import Settings
from graph.findings import EvidencePath, RingCandidate, RingMember
from graph.projector import ProjectionSpec, read_projection
from graph.results import ResultWriter
from tests.integration.seeding import SHARED_PHONE, seed_small_world

pytestmark = pytest.mark.neo4j

#: Properties that say which run wrote or found something: the only ones a re-run may change.
RUN_STAMPS = {"last_run_id", "last_found_at"}


@pytest.fixture
def world(graph: Driver, settings: Settings) -> Driver:
    seed_small_world(graph, settings)
    return graph


def _rows(driver: Driver, settings: Settings, query: str, **params: Any) -> list[dict[str, Any]]:
    return [r.data() for r in driver.execute_query(query, params, database_=settings.neo4j_database).records]


def _ring(scheme: str, score: float, *members: tuple[str, str, str]) -> RingCandidate:
    path = EvidencePath(
        nodes=(("Person", "P1"), ("Phone", SHARED_PHONE), ("Person", "P2")),
        relationships=("HAS_PHONE", "HAS_PHONE"),
        reason="P1 and P2 use the same phone",
        facts={"phone_degree": 2},
    )
    return RingCandidate(
        scheme, score, tuple(RingMember(label, key, role, score) for label, key, role in members), (path,)
    )


PHONE_RING = _ring("courier", 0.9, ("Person", "P1", "organiser"), ("Person", "P2", "courier"))
MONEY_RING = _ring("courier", 0.6, ("Account", "ACC001", "collector"), ("Person", "P3", "courier"))
IMPORT_RING = _ring("bypass_import", 0.8, ("Company", "C1", "front"), ("Company", "C2", "supplier"))


def _rings_digest(driver: Driver, settings: Settings) -> str:
    """Rings, their properties (run stamps left out) and their members' links."""
    rings = _rows(
        driver,
        settings,
        "MATCH (g:Ring) OPTIONAL MATCH (m)-[l:MEMBER_OF]->(g) "
        "RETURN properties(g) AS ring, collect([labels(m), properties(l)]) AS members",
    )
    lines = []
    for row in rings:
        ring = {k: v for k, v in row["ring"].items() if k not in RUN_STAMPS}
        members = sorted(json.dumps(m, sort_keys=True, default=str) for m in row["members"])
        lines.append(json.dumps([ring, members], sort_keys=True, default=str))
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def test_a_run_is_recorded_with_its_parameters_and_summary(world: Driver, settings: Settings) -> None:
    writer = ResultWriter(world, settings)
    run = writer.start_run("louvain", "1.2", {"resolution": 1.0, "seed": 7})
    started = _rows(world, settings, "MATCH (r:AnalysisRun {run_id: $id}) RETURN r", id=run.run_id)
    assert started[0]["r"]["status"] == "running"
    assert json.loads(started[0]["r"]["parameters"]) == {"resolution": 1.0, "seed": 7}
    duration = writer.finish_run(run, {"communities": 4, "modularity": 0.42, "backend": "igraph"})
    finished = _rows(world, settings, "MATCH (r:AnalysisRun {run_id: $id}) RETURN r", id=run.run_id)[0]["r"]
    assert finished["status"] == "finished"
    assert (finished["algorithm"], finished["version"]) == ("louvain", "1.2")
    assert (finished["communities"], finished["modularity"], finished["backend"]) == (4, 0.42, "igraph")
    assert finished["duration_s"] == pytest.approx(duration)
    assert finished["finished_at"].to_native() >= finished["started_at"].to_native()


def test_finishing_a_run_that_was_never_started_is_an_error(world: Driver, settings: Settings) -> None:
    writer = ResultWriter(world, settings)
    run = writer.start_run("pagerank", "1", {})
    world.execute_query("MATCH (r:AnalysisRun) DETACH DELETE r", database_=settings.neo4j_database)
    with pytest.raises(ValueError, match="never started"):
        writer.finish_run(run, {})


def test_node_values_land_on_their_nodes_of_every_label_with_the_run(
    world: Driver, settings: Settings
) -> None:
    projection = read_projection(world, settings, ProjectionSpec(labels=("Person", "Phone", "Account")))
    writer = ResultWriter(world, settings, batch_size=2)
    run = writer.start_run("wcc", "1", {})
    nodes = np.arange(projection.num_nodes)
    written = writer.write_node_values(run, projection, nodes, "wcc_id", nodes * 10)
    assert written == projection.num_nodes
    stored = _rows(
        world, settings, "MATCH (n) WHERE n.wcc_id IS NOT NULL RETURN labels(n) AS labels, n AS node"
    )
    assert len(stored) == projection.num_nodes
    for row in stored:
        label = next(label for label in row["labels"] if label in projection.labels)
        key = row["node"][{"Person": "person_id", "Phone": "number", "Account": "account_id"}[label]]
        assert row["node"]["wcc_id"] == projection.index(label, key) * 10
        assert row["node"]["wcc_id_run"] == run.run_id
    scores = np.linspace(0.1, 0.9, num=3)
    people = projection.nodes_labelled("Person")
    assert writer.write_node_values(run, projection, people, "pagerank", scores) == 3
    ranked = _rows(
        world, settings, "MATCH (p:Person) RETURN p.person_id AS id, p.pagerank AS score ORDER BY id"
    )
    assert [r["score"] for r in ranked] == pytest.approx(
        [float(scores[people.tolist().index(projection.index("Person", r["id"]))]) for r in ranked]
    )


def test_rings_are_written_with_members_evidence_and_rank(world: Driver, settings: Settings) -> None:
    writer = ResultWriter(world, settings)
    run = writer.start_run("courier", "1", {"min_shared": 2})
    report = writer.write_rings(run, [MONEY_RING, PHONE_RING, IMPORT_RING])
    assert (report.rings, report.members_linked, report.members_missing, report.stale) == (3, 6, 0, 0)
    ring = _rows(world, settings, "MATCH (g:Ring {ring_id: $id}) RETURN g", id=PHONE_RING.ring_id)[0]["g"]
    assert (ring["scheme"], ring["rank"], ring["member_count"], ring["status"]) == ("courier", 1, 2, "new")
    assert ring["first_run_id"] == ring["last_run_id"] == run.run_id
    assert json.loads(ring["evidence"])[0]["reason"] == "P1 and P2 use the same phone"
    money = _rows(
        world, settings, "MATCH (g:Ring {ring_id: $id}) RETURN g.rank AS rank", id=MONEY_RING.ring_id
    )
    assert money[0]["rank"] == 2
    members = _rows(
        world,
        settings,
        "MATCH (m)-[l:MEMBER_OF]->(:Ring {ring_id: $id}) RETURN m.person_id AS who, l.role AS role",
        id=PHONE_RING.ring_id,
    )
    assert sorted((m["who"], m["role"]) for m in members) == [("P1", "organiser"), ("P2", "courier")]
    found_by = _rows(world, settings, "MATCH (:Ring)-[:FOUND_BY]->(r:AnalysisRun) RETURN r.run_id AS run")
    assert [r["run"] for r in found_by] == [run.run_id] * 3


def test_writing_the_same_rings_again_changes_nothing_but_run_stamps(
    world: Driver, settings: Settings
) -> None:
    writer = ResultWriter(world, settings)
    rings = [PHONE_RING, MONEY_RING, IMPORT_RING]
    first = writer.start_run("courier", "1", {})
    writer.write_rings(first, rings)
    before = _rings_digest(world, settings)
    world.execute_query(
        "MATCH (g:Ring {ring_id: $id}) SET g.status = 'confirmed'",
        id=PHONE_RING.ring_id,
        database_=settings.neo4j_database,
    )
    confirmed = _rings_digest(world, settings)
    again = writer.start_run("courier", "1", {})
    report = writer.write_rings(again, rings)
    assert report.stale == 0
    assert _rings_digest(world, settings) == confirmed != before  # the investigator's status survived
    phone = _rows(world, settings, "MATCH (g:Ring {ring_id: $id}) RETURN g", id=PHONE_RING.ring_id)[0]["g"]
    assert (phone["status"], phone["first_run_id"], phone["last_run_id"]) == (
        "confirmed",
        first.run_id,
        again.run_id,
    )
    links = _rows(world, settings, "MATCH ()-[l:MEMBER_OF]->() RETURN count(l) AS links")
    assert links[0]["links"] == 6


def test_rings_a_run_no_longer_finds_go_stale_and_come_back(world: Driver, settings: Settings) -> None:
    writer = ResultWriter(world, settings)
    writer.write_rings(writer.start_run("courier", "1", {}), [PHONE_RING, MONEY_RING, IMPORT_RING])
    second = writer.start_run("courier", "1", {})
    report = writer.write_rings(second, [PHONE_RING])
    assert report.stale == 1  # the money ring; the import ring is another scheme's
    stale = _rows(
        world,
        settings,
        "MATCH (g:Ring) RETURN g.ring_id AS id, g.stale AS stale, g.stale_since_run_id AS since",
    )
    assert {r["id"]: (r["stale"], r["since"]) for r in stale} == {
        PHONE_RING.ring_id: (False, None),
        MONEY_RING.ring_id: (True, second.run_id),
        IMPORT_RING.ring_id: (False, None),
    }
    third = writer.start_run("courier", "1", {})
    assert writer.write_rings(third, [MONEY_RING, PHONE_RING]).stale == 0
    back = _rows(
        world, settings, "MATCH (g:Ring {ring_id: $id}) RETURN g.stale AS stale", id=MONEY_RING.ring_id
    )
    assert back == [{"stale": False}]
    empty = writer.start_run("bypass_import", "1", {})
    assert writer.write_rings(empty, [], schemes=["bypass_import"]).stale == 1


def test_members_missing_from_the_graph_are_counted_not_invented(world: Driver, settings: Settings) -> None:
    writer = ResultWriter(world, settings)
    ghost = _ring("courier", 0.5, ("Person", "P1", "organiser"), ("Person", "NOBODY", "courier"))
    report = writer.write_rings(writer.start_run("courier", "1", {}), [ghost])
    assert (report.members_linked, report.members_missing) == (1, 1)
    people = _rows(world, settings, "MATCH (p:Person) RETURN count(p) AS people")
    assert people == [{"people": 3}]
