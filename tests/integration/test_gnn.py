"""GNN end to end: a small generated world in Neo4j, a few epochs of training, scores written back.

The world is loaded once for the module; the model registry lives in a temporary folder. The tests read
back what the service wrote: a versioned model with its card, ``gnn_score`` with the model version and
its run on every person and company, and an explanation stored as JSON.
"""

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
from analytics.detectors.courier import CourierParameters
from bigfinder.settings import Settings
from gnn.config import GnnConfig
from gnn.registry import load_model
from gnn.service import confirmed_offenders, explain, score, train
from graph.admin import init_schema
from graph.loader import GraphWriter
from graph.projector import ProjectionSpec, read_projection
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
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smallest generated world's files (``world/``), beside room for ingest state and models."""
    folder = tmp_path_factory.mktemp("gnn")
    generate_world(folder / "world", scale=1_000, seed=2)
    return folder


@pytest.fixture(scope="module")
def world(driver: Driver, settings: Settings, folder: Path) -> Iterator[Settings]:
    """The smallest generated world, loaded; settings whose model registry is a temporary folder."""
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


def _confirmed_in_files(world: Path) -> set[str]:
    """What the world's own files say an inspection confirmed: illicit declarations' importers (in both
    declaration formats; parcels have none), and the travellers whose baggage showed contraband with
    the courier detector's confidence."""
    hits = CourierParameters()
    with (world / "declarations.csv").open() as handle:
        found = {r["importer_id"] for r in csv.DictReader(handle) if r["inspection_outcome"] == "illicit"}
    found.discard("")
    with (world / "declarations_bacuda.csv").open() as handle:
        found |= {f"bacuda:{r['importer.id']}" for r in csv.DictReader(handle) if r["illicit"] == "1"}
    with (world / "trips.csv").open() as handle:
        traveller = {r["trip_id"]: r["person_id"] for r in csv.DictReader(handle)}
    with (world / "xray_hits.jsonl").open() as handle:
        for hit in map(json.loads, handle):
            if (
                hit["object_type"] == "baggage"
                and hit["detected_class"] in hits.smuggling_classes
                and hit["confidence"] >= hits.min_hit_confidence
            ):
                found.add(traveller[hit["object_ref"]])
    return found


def test_confirmed_offenders_are_the_inspections_findings(
    world: Settings, driver: Driver, folder: Path
) -> None:
    projection = read_projection(driver, world, ProjectionSpec())
    confirmed = confirmed_offenders(driver, world, projection)
    expected = _confirmed_in_files(folder / "world")
    assert expected, "the world should hold illicit findings and contraband hits"
    assert set(projection.node_key[np.flatnonzero(confirmed)].tolist()) == expected
    # Confirmed cases are persons and companies only.
    parties = np.concatenate([projection.nodes_labelled("Person"), projection.nodes_labelled("Company")])
    assert np.isin(np.flatnonzero(confirmed), parties).all()
