"""``bigfinder analyze`` end to end: a generated world in, scores, communities and rings in the graph.

The command runs as a user runs it (a real process) against the session's Neo4j holding a small
generated world; the tests then read back what it wrote: every node scored and stamped with its run,
one run per step, the planted rings found among the written ``Ring`` nodes, and an investigator's status
on a ring surviving a re-run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

import cypher
from analytics.evaluation import load_ground_truth, load_identities, ring_quality
from analytics.run import ALGORITHM_STEPS
from bigfinder.settings import Settings
from graph.admin import init_schema
from graph.findings import RingCandidate, RingMember
from graph.loader import GraphWriter
from graph.schema import SCHEMA
from ingest.formats import Scheme
from ingest.generate import generate_world
from ingest.pipeline import Ingestor
from tests.integration.test_cli import run_cli

pytestmark = pytest.mark.neo4j

#: Each label a ring member can have, and its identifying key.
MEMBER_KEYS = {label: SCHEMA.node(label).key for label in SCHEMA.relationship("MEMBER_OF").start}


def _wipe(driver: Driver, settings: Settings) -> None:
    with driver.session(database=settings.neo4j_database) as session:
        session.run(cypher.load("admin", "delete_relationships_batched")).consume()
        session.run(cypher.load("admin", "delete_nodes_batched")).consume()


def _read(driver: Driver, settings: Settings, query: str, **params: Any) -> list[dict[str, Any]]:
    records = driver.execute_query(query, params, database_=settings.neo4j_database).records
    return [r.data() for r in records]


@pytest.fixture(scope="module")
def analysed_world(
    driver: Driver, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """A scale-4,000 world, loaded and analysed once by the command for the module's tests."""
    world = tmp_path_factory.mktemp("analyze") / "world"
    generate_world(world, scale=4_000, seed=5)
    _wipe(driver, settings)
    init_schema(driver, settings)
    ingestor = Ingestor(GraphWriter(driver, settings), world.parent / "state", today=date(2100, 1, 1))
    assert not ingestor.ingest_directory(world).failed
    done = run_cli(settings, "analyze", "--backend", "cpu")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "analysis report" in done.stdout
    yield world
    _wipe(driver, settings)


def test_every_step_leaves_one_stamped_run(analysed_world: Path, driver: Driver, settings: Settings) -> None:
    runs = _read(
        driver,
        settings,
        "MATCH (r:AnalysisRun) RETURN r.algorithm AS algorithm, r.version AS version, "
        "r.parameters AS parameters, r.duration_s AS seconds",
    )
    algorithms = sorted(str(r["algorithm"]) for r in runs)
    assert len(runs) == len(ALGORITHM_STEPS) + len(Scheme)
    assert {f"detector:{s.value}" for s in Scheme} <= set(algorithms)
    assert {"wcc", "louvain", "leiden", "pagerank", "personalized_pagerank", "accomplice_ranking"} <= set(
        algorithms
    )
    assert all(r["version"] and r["parameters"] is not None and r["seconds"] >= 0 for r in runs)


def test_every_party_carries_its_component_community_and_scores(
    analysed_world: Path, driver: Driver, settings: Settings
) -> None:
    missing = _read(
        driver,
        settings,
        "MATCH (n) WHERE (n:Person OR n:Company OR n:Account) AND (n.wcc_id IS NULL OR n.louvain_id IS NULL "
        "OR n.leiden_id IS NULL OR n.pagerank IS NULL OR n.accomplice_score IS NULL OR n.wcc_id_run IS NULL) "
        "RETURN count(n) AS missing",
    )
    assert missing == [{"missing": 0}]
    ranks = _read(
        driver,
        settings,
        "MATCH (n) WHERE n.pagerank_rank IS NOT NULL RETURN min(n.pagerank_rank) AS best, "
        "max(n.pagerank_rank) AS worst, count(n) AS ranked",
    )
    assert ranks[0]["best"] == 1 and ranks[0]["worst"] == ranks[0]["ranked"]
    scored = _read(
        driver,
        settings,
        "MATCH (a:Account) WHERE a.money_accomplice_score IS NOT NULL RETURN count(a) AS accounts",
    )
    assert scored[0]["accounts"] > 0


def _written_rings(driver: Driver, settings: Settings) -> list[RingCandidate]:
    rows = _read(
        driver,
        settings,
        "MATCH (r:Ring) WHERE NOT coalesce(r.stale, false) "
        "MATCH (m)-[link:MEMBER_OF]->(r) "
        "WITH r, m, link, [label IN labels(m) WHERE label IN $kinds][0] AS kind "
        "RETURN r.ring_id AS ring, r.scheme AS scheme, r.score AS score, "
        "collect([kind, m[$keys[kind]], link.role, link.score]) "
        "AS members",
        kinds=list(MEMBER_KEYS),
        keys=MEMBER_KEYS,
    )
    return [
        RingCandidate(
            row["scheme"],
            row["score"],
            tuple(RingMember(label, key, role, score) for label, key, role, score in row["members"]),
            (),
        )
        for row in rows
    ]


def test_the_planted_rings_are_in_the_graph(analysed_world: Path, driver: Driver, settings: Settings) -> None:
    truth = load_ground_truth(analysed_world / "ground_truth.csv")
    identities = load_identities(analysed_world / "identity_truth.csv")
    written = _written_rings(driver, settings)
    for scheme in Scheme:
        quality = ring_quality(scheme.value, written, truth, identities)
        assert quality.planted >= 1, scheme
        assert quality.recall >= 0.95 and quality.precision >= 0.90, quality
        assert quality.noise_flagged == 0, quality


def test_a_rerun_keeps_the_investigators_status_and_adds_no_ring(
    analysed_world: Path, driver: Driver, settings: Settings
) -> None:
    ring = _read(driver, settings, "MATCH (r:Ring {scheme: 'courier'}) RETURN r.ring_id AS id LIMIT 1")[0][
        "id"
    ]
    before = _read(driver, settings, "MATCH (r:Ring) RETURN count(r) AS rings")
    _read(driver, settings, "MATCH (r:Ring {ring_id: $id}) SET r.status = 'in_review'", id=ring)

    again = run_cli(settings, "analyze", "--backend", "cpu", "--step", "courier")

    assert again.returncode == 0, again.stdout + again.stderr
    assert _read(driver, settings, "MATCH (r:Ring) RETURN count(r) AS rings") == before
    after = _read(driver, settings, "MATCH (r:Ring {ring_id: $id}) RETURN r.status AS status", id=ring)
    assert after == [{"status": "in_review"}]


def test_an_unknown_step_is_one_clear_error(analysed_world: Path, settings: Settings) -> None:
    done = run_cli(settings, "analyze", "--step", "astrology")
    assert done.returncode == 1
    assert "unknown analysis step(s) ['astrology']" in done.stderr
    assert "Traceback" not in done.stderr
