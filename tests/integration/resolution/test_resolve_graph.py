"""Entity resolution and document linking on a small generated world, loaded into the real Neo4j."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from neo4j import Driver

import cypher
from bigfinder.settings import Settings
from documents.store import link_documents
from graph.admin import init_schema
from graph.loader import GraphWriter
from ingest.generate import generate_world
from ingest.pipeline import Ingestor
from resolution.quality import pairwise_quality
from resolution.store import ReviewQueue, pair_id, resolve_graph

pytestmark = pytest.mark.neo4j


def _wipe(driver: Driver, settings: Settings) -> None:
    with driver.session(database=settings.neo4j_database) as session:
        session.run(cypher.load("admin", "delete_relationships_batched")).consume()
        session.run(cypher.load("admin", "delete_nodes_batched")).consume()


def _read(driver: Driver, settings: Settings, query: str, **params: Any) -> list[dict[str, Any]]:
    records = driver.execute_query(query, params, database_=settings.neo4j_database).records
    return [r.data() for r in records]


@pytest.fixture(scope="module")
def world(driver: Driver, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("resolve") / "world"
    generate_world(folder, scale=10_000, seed=7)
    _wipe(driver, settings)
    init_schema(driver, settings)
    ingestor = Ingestor(GraphWriter(driver, settings), folder.parent / "state", today=date(2100, 1, 1))
    assert not ingestor.ingest_directory(folder).failed
    resolve_graph(driver, settings)
    yield folder
    _wipe(driver, settings)


def _quality(driver: Driver, settings: Settings, world: Path, label: str) -> tuple[float, float]:
    with (world / "identity_truth.csv").open(encoding="utf-8") as handle:
        truth = {row["record_id"]: row["identity_id"] for row in csv.DictReader(handle)}
    key = "person_id" if label == "Person" else "company_id"
    ids = [r["id"] for r in _read(driver, settings, f"MATCH (n:{label}) RETURN n.{key} AS id ORDER BY id")]
    at = {record_id: i for i, record_id in enumerate(ids)}
    links = _read(
        driver, settings, f"MATCH (a:{label})-[:SAME_AS]->(b:{label}) RETURN a.{key} AS a, b.{key} AS b"
    )
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for link in links:
        parent[root(at[link["a"]])] = root(at[link["b"]])
    clusters = np.array([root(i) for i in range(len(ids))])
    identities = np.unique([truth.get(i, i) for i in ids], return_inverse=True)[1]
    quality = pairwise_quality(clusters, identities)
    return quality.precision, quality.recall


@pytest.mark.parametrize("label", ["Person", "Company"])
def test_merges_are_precise_and_complete(world: Path, driver: Driver, settings: Settings, label: str) -> None:
    precision, recall = _quality(driver, settings, world, label)
    assert precision >= 0.98 and recall >= 0.95, (precision, recall)


def test_each_link_explains_itself(world: Path, driver: Driver, settings: Settings) -> None:
    link = _read(driver, settings, "MATCH ()-[s:SAME_AS]->() RETURN properties(s) AS s LIMIT 1")[0]["s"]
    evidence = json.loads(link["evidence"])
    assert link["matcher_version"] and link["run_id"] and 0.9 <= link["score"] <= 1.0
    assert evidence and all({"evidence", "weight", "reason"} <= set(item) for item in evidence)


def test_households_and_fronts_are_not_merged(world: Path, driver: Driver, settings: Settings) -> None:
    # Records sharing a phone but born on different days (households) never get a link.
    wrong = _read(
        driver,
        settings,
        "MATCH (a:Person)-[:SAME_AS]-(b:Person) WHERE a.date_of_birth <> b.date_of_birth "
        "RETURN count(*) AS n",
    )
    assert wrong[0]["n"] == 0
    fronts = _read(
        driver,
        settings,
        "MATCH (a:Company)-[:SAME_AS]-(b:Company) WHERE a.registration_number <> b.registration_number "
        "RETURN count(*) AS n",
    )
    assert fronts[0]["n"] == 0


def test_decisions_are_respected_by_later_runs(world: Path, driver: Driver, settings: Settings) -> None:
    queue = ReviewQueue(driver, settings)
    link = _read(
        driver,
        settings,
        "MATCH (a:Person)-[s:SAME_AS]->(b:Person) RETURN a.person_id AS a, b.person_id AS b LIMIT 1",
    )[0]
    rejected = pair_id("Person", link["a"], link["b"])
    queue.decide(rejected, "rejected", decided_by="inspector.han", note="different fathers")
    strangers = _read(
        driver, settings, "MATCH (a:Person), (b:Person) WHERE a.date_of_birth <> b.date_of_birth "
        "AND NOT (a)-[:SAME_AS]-(b) RETURN a.person_id AS a, b.person_id AS b LIMIT 1"
    )[0]  # fmt: skip
    confirmed = pair_id("Person", strangers["a"], strangers["b"])
    queue.decide(confirmed, "confirmed", decided_by="inspector.han")
    resolve_graph(driver, settings, kinds=("Person",))
    linked = {
        pair_id("Person", r["a"], r["b"])
        for r in _read(
            driver,
            settings,
            "MATCH (a:Person)-[:SAME_AS]->(b:Person) RETURN a.person_id AS a, b.person_id AS b",
        )
    }
    assert rejected not in linked and confirmed in linked
    assert {i.pair_id for i in queue.items(status="rejected")} == {rejected}


def test_reports_link_to_the_entities_they_quote(world: Path, driver: Driver, settings: Settings) -> None:
    first = link_documents(driver, settings)
    again = link_documents(driver, settings)
    assert first.linked == again.linked > 0
    count = _read(driver, settings, "MATCH (:Document)-[m:MENTIONS]->() RETURN count(m) AS n")[0]["n"]
    assert count == first.linked
    # Every quoted phone, account and passport belongs to a party of this world.
    quoted = _read(
        driver,
        settings,
        "MATCH (d:Document)-[m:MENTIONS]->(x) WHERE x:Phone OR x:Account OR x:Passport "
        "RETURN count(m) AS n, sum(CASE WHEN EXISTS { (x)<--(:Person|Company) } THEN 1 ELSE 0 END) AS held",
    )[0]
    assert quoted["n"] > 0 and quoted["held"] / quoted["n"] >= 0.95
