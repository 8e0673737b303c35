"""GNN end to end: a small generated world in Neo4j, a few epochs of training, scores written back.

The world is loaded once for the module; the model registry lives in a temporary folder. The tests read
back what the service wrote: a versioned model with its card, ``gnn_score`` with the model version and
its run on every person and company, and an explanation stored as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

import cypher
from bigfinder.settings import Settings
from gnn.config import GnnConfig
from gnn.registry import load_model
from gnn.service import explain, score, train
from graph.admin import init_schema
from graph.loader import GraphWriter
from ingest.generate import generate_world
from ingest.pipeline import Ingestor

pytestmark = pytest.mark.neo4j


def _wipe(driver: Driver, settings: Settings) -> None:
    with driver.session(database=settings.neo4j_database) as session:
        session.run(cypher.load("admin", "delete_relationships_batched")).consume()
        session.run(cypher.load("admin", "delete_nodes_batched")).consume()


def _read(driver: Driver, settings: Settings, query: str, **params: Any) -> list[dict[str, Any]]:
    return [r.data() for r in driver.execute_query(query, params, database_=settings.neo4j_database).records]


@pytest.fixture(scope="module")
def world(driver: Driver, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The smallest generated world, loaded; settings whose model registry is a temporary folder."""
    folder = tmp_path_factory.mktemp("gnn")
    generate_world(folder / "world", scale=1_000, seed=2)
    _wipe(driver, settings)
    init_schema(driver, settings)
    ingestor = Ingestor(GraphWriter(driver, settings), folder / "state", today=date(2100, 1, 1))
    assert not ingestor.ingest_directory(folder / "world").failed
    yield settings.model_copy(update={"gnn_model_dir": folder / "models", "gnn_device": "cpu"})
    _wipe(driver, settings)


def test_train_score_and_explain_write_versioned_scores(world: Settings, driver: Driver) -> None:
    config = GnnConfig(hidden=8, epochs=4, patience=4, device="cpu")
    saved = train(driver, world, config)
    assert saved.version == "v1" and (Path(saved.path) / "model.pt").exists()
    card = load_model(world.gnn_model_dir, "offender").card
    assert len(card["snapshot_hash"]) == 64 and card["metrics"]["epochs"] <= 4
    assert "accomplice_score" not in json.loads(card["standardiser"])["names"]
    assert not any("LISTED_ON" in edge for edge in card["edge_types"])

    report = score(driver, world, explain_top=1)
    assert report.model_version == "offender v1" and report.explained == 1
    rows = _read(
        driver,
        world,
        "MATCH (n) WHERE n:Person OR n:Company RETURN count(n) AS parties, count(n.gnn_score) AS scored, "
        "collect(DISTINCT n.gnn_model_version) AS versions, collect(DISTINCT n.gnn_score_run) AS runs, "
        "min(n.gnn_score) AS low, max(n.gnn_score) AS high",
    )[0]
    assert rows["scored"] == sum(report.written.values()) > 0
    assert rows["versions"] == ["offender v1"] and rows["runs"] == [report.run_id]
    assert 0.0 <= rows["low"] <= rows["high"] <= 1.0
    run = _read(
        driver, world, "MATCH (r:AnalysisRun {run_id: $id}) RETURN r.status AS status", id=report.run_id
    )
    assert run == [{"status": "finished"}]

    person = _read(driver, world, "MATCH (p:Person) RETURN p.person_id AS key ORDER BY key LIMIT 1")[0]["key"]
    explanation = explain(driver, world, "Person", person)
    stored = _read(
        driver,
        world,
        "MATCH (p:Person {person_id: $key}) RETURN p.gnn_explanation AS e, p.gnn_score AS s",
        key=person,
    )[0]
    assert json.loads(stored["e"])["key"] == person == explanation.key
    assert explanation.score == pytest.approx(stored["s"], abs=1e-5)
    assert explanation.features
