"""X-ray findings on baggage, as the courier detector, the GNN's confirmed offenders and the risk models
read them.

A hit from the scanner service lists every detection, strongest first; a hit from a file carries one.
Contraband in any detection counts when its own confidence is high enough, whichever detection is the
strongest. Seeded on the small world (traveller P3 takes trip TR1) through the service's own writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from neo4j import Driver

from analytics.detectors.courier import QUERY_FILE, CourierParameters
from bigfinder.settings import Settings
from gnn.service import confirmed_offenders
from graph.projector import ProjectionSpec, read_projection
from graph.tables import read_columns
from graph.xray import HitGraph
from risk.tables import read_tables
from tests.integration.seeding import seed_small_world
from xray_service.intake import hit_props

pytestmark = pytest.mark.neo4j


def _service_hit(scan_id: str, *detections: tuple[str, float]) -> dict[str, Any]:
    """The graph row the scanner service writes for a baggage hit on trip TR1."""
    canonical = {
        "object_type": "baggage",
        "object_ref": "TR1",
        "detections": [
            {"detected_class": name, "confidence": confidence, "bbox": [0, 0, 10, 10]}
            for name, confidence in detections
        ],
        "image_ref": f"xray://{scan_id}.png",
        "image_width": 100,
        "image_height": 100,
        "scanned_at": "2023-05-04T08:00:00.000000Z",
        "operator": "OP-1",
    }
    return {"scan_id": scan_id, "props": hit_props(canonical)}


@pytest.fixture
def small_world(graph: Driver, settings: Settings) -> Iterator[Driver]:
    seed_small_world(graph, settings)
    yield graph


def _baggage_hits(driver: Driver, settings: Settings) -> list[tuple[str, str, float]]:
    params = CourierParameters()
    columns = read_columns(
        driver,
        settings,
        QUERY_FILE,
        "baggage_hits",
        persons=["P1", "P2", "P3"],
        classes=list(params.smuggling_classes),
        min_confidence=params.min_hit_confidence,
    )
    return sorted(zip(columns["scan_id"], columns["detected_class"], columns["confidence"], strict=True))


def _confirmed_keys(driver: Driver, settings: Settings) -> set[str]:
    """The keys of every party :func:`confirmed_offenders` marks, persons and companies alike."""
    projection = read_projection(driver, settings, ProjectionSpec())
    return {
        str(key)
        for key in projection.node_key[np.flatnonzero(confirmed_offenders(driver, settings, projection))]
    }


def test_contraband_behind_a_stronger_innocent_detection_counts(
    small_world: Driver, settings: Settings
) -> None:
    contraband = sorted(CourierParameters().smuggling_classes)[0]
    assert HitGraph(small_world, settings).write([_service_hit("S1", ("toys", 0.95), (contraband, 0.8))]) == [
        "S1"
    ]

    assert _baggage_hits(small_world, settings) == [("S1", contraband, 0.8)]
    assert _confirmed_keys(small_world, settings) == {"P3"}


def test_contraband_below_the_confidence_bar_does_not(small_world: Driver, settings: Settings) -> None:
    params = CourierParameters()
    contraband = sorted(params.smuggling_classes)[0]
    weak = params.min_hit_confidence - 0.1
    HitGraph(small_world, settings).write([_service_hit("S2", ("toys", 0.95), (contraband, weak))])

    assert _baggage_hits(small_world, settings) == []
    assert _confirmed_keys(small_world, settings) == set()


def test_the_risk_models_read_every_detection_of_a_hit(small_world: Driver, settings: Settings) -> None:
    baggage = _service_hit("S3", ("toys", 0.95), ("cigarettes", 0.8))
    container = _service_hit("S4", ("electronics", 0.9), ("cigarettes", 0.6))
    container["props"] |= {"object_type": "container", "object_ref": "D1"}
    assert sorted(HitGraph(small_world, settings).write([baggage, container])) == ["S3", "S4"]

    tables = read_tables(small_world, settings)
    at = list(tables.persons["person_id"]).index("P3")
    assert tables.persons["baggage_classes"][at] == ["toys", "cigarettes"]
    assert tables.persons["baggage_confidences"][at] == [0.95, 0.8]
    assert tables.declarations["xray_classes"].tolist() == [["electronics", "cigarettes"]]
    assert tables.declarations["xray_confidences"].tolist() == [[0.9, 0.6]]
