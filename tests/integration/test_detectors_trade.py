"""The trade-scheme detectors on a small generated world loaded into the real Neo4j.

One world is generated and ingested for the module; each detector must then find its scheme's planted
rings at the bar of issue 4, and every hop of every evidence path it reports must exist in the graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from neo4j import Driver

import cypher
from analytics.detectors.base import Detector
from analytics.detectors.bypass import BypassImportDetector
from analytics.detectors.split_shipment import SplitShipmentDetector
from analytics.detectors.undervaluation import UndervaluationDetector
from analytics.evaluation import PlantedRing, load_ground_truth, ring_quality
from bigfinder.settings import Settings
from graph.admin import init_schema
from graph.findings import EvidencePath
from graph.loader import GraphWriter
from graph.schema import SCHEMA
from ingest.generate import generate_world
from ingest.pipeline import Ingestor

pytestmark = pytest.mark.neo4j

DETECTORS = [BypassImportDetector(), UndervaluationDetector(), SplitShipmentDetector()]


def _wipe(driver: Driver, settings: Settings) -> None:
    with driver.session(database=settings.neo4j_database) as session:
        session.run(cypher.load("admin", "delete_relationships_batched")).consume()
        session.run(cypher.load("admin", "delete_nodes_batched")).consume()


@pytest.fixture(scope="module")
def world_truth(
    driver: Driver, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[PlantedRing]]:
    """A world of scale 4,000 (two rings of each scheme) ingested once for the module."""
    world = tmp_path_factory.mktemp("trade-world")
    generate_world(world, scale=4_000, seed=5)
    _wipe(driver, settings)
    init_schema(driver, settings)
    ingestor = Ingestor(GraphWriter(driver, settings), world / "state", today=date(2100, 1, 1))
    assert not ingestor.ingest_directory(world).failed
    yield load_ground_truth(world / "ground_truth.csv")
    _wipe(driver, settings)


def _hop_exists(driver: Driver, settings: Settings, path: EvidencePath, hop: int) -> bool:
    (start_label, start_key), (end_label, end_key) = path.nodes[hop], path.nodes[hop + 1]
    start, end = SCHEMA.node(start_label), SCHEMA.node(end_label)
    rel_type = SCHEMA.relationship(path.relationships[hop]).type
    query = (
        f"RETURN EXISTS {{ MATCH (:{start.label} {{{start.key}: $start}})-[:{rel_type}]-"
        f"(:{end.label} {{{end.key}: $end}}) }} AS found"
    )
    records = driver.execute_query(
        query, {"start": start_key, "end": end_key}, database_=settings.neo4j_database
    ).records
    return bool(records[0]["found"])


@pytest.mark.parametrize("detector", DETECTORS, ids=lambda d: d.scheme)
def test_detector_finds_the_planted_rings(
    detector: Detector, world_truth: list[PlantedRing], driver: Driver, settings: Settings
) -> None:
    candidates = detector.detect(driver, settings)
    quality = ring_quality(detector.scheme, candidates, world_truth)
    assert quality.planted >= 2
    assert quality.recall >= 0.95, f"missed {quality.missed}"
    assert quality.precision >= 0.90
    assert quality.noise_flagged == 0
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
    for candidate in candidates:
        assert candidate.evidence, "every ring carries the paths that support it"
        for path in candidate.evidence[:6]:
            missing = [
                h for h in range(len(path.relationships)) if not _hop_exists(driver, settings, path, h)
            ]
            assert not missing, f"{path.reason}: hops {missing} are not in the graph"
