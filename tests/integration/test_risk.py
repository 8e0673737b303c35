"""The risk pipeline end to end on a small generated world: fit, keep, score, write, read back.

Every model fits on the world's tables read from Neo4j; the fitted registry survives a save and load
(what ``bigfinder risk fit`` then ``bigfinder risk score`` do); every model's features land on the
nodes with version, run and explanation, and every declaration, company and person with a fused
score carries ``risk_score``, ``risk_explanation`` and ``risk_model_version``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from bigfinder.settings import Settings
from graph.admin import init_schema
from graph.loader import GraphWriter
from ingest.generate import generate_world
from ingest.pipeline import Ingestor
from risk.registry import FUSED_LABELS, RiskRegistry, default_models, write_scores
from risk.tables import read_tables

pytestmark = pytest.mark.neo4j


def _read(driver: Driver, settings: Settings, query: str, **params: Any) -> list[dict[str, Any]]:
    records = driver.execute_query(query, params, database_=settings.neo4j_database).records
    return [r.data() for r in records]


def test_risk_models_fit_score_and_write_features_and_explained_scores(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    world = tmp_path / "world"
    generate_world(world, scale=3_000, seed=11)
    init_schema(graph, settings)
    ingestor = Ingestor(GraphWriter(graph, settings), tmp_path / "state", today=date(2100, 1, 1))
    assert not ingestor.ingest_directory(world).failed

    registry = RiskRegistry(default_models())
    report = registry.fit(read_tables(graph, settings))
    assert set(report.models) == {m.name for m in default_models()}, report.skipped
    assert report.models["hs_code"]["held_out_accuracy"] > 0.9
    assert report.fused["Declaration"]["out_of_fold_auc"] > 0.8
    registry.save(tmp_path / "models.pickle")

    kept = RiskRegistry.load(tmp_path / "models.pickle")
    written = write_scores(graph, settings, kept, kept.score(read_tables(graph, settings)))
    assert all(count > 0 for count in written.features.values()), written.features
    assert written.risk_scores["Declaration"] > 1_000

    price = _read(
        graph,
        settings,
        "MATCH (d:Declaration) WHERE d.feature__price__log_market_ratio IS NOT NULL "
        "RETURN d.featuremeta__price__version AS version, d.featuremeta__price__run AS run, "
        "d.featuremeta__price__explanation AS explanation LIMIT 1",
    )[0]
    assert price["version"] == "1.0" and price["run"] == written.runs["price"]
    assert "market price" in json.loads(price["explanation"])["log_market_ratio"]
    runs = _read(
        graph, settings, "MATCH (r:AnalysisRun) WHERE r.algorithm STARTS WITH 'risk:' RETURN r.algorithm AS a"
    )
    assert {r["a"] for r in runs} == {f"risk:{name}" for name in written.runs}

    for label in FUSED_LABELS:
        if label not in kept.fused:
            continue
        rows = _read(
            graph,
            settings,
            f"MATCH (n:{label}) WHERE n.risk_score IS NOT NULL "
            "RETURN n.risk_score AS score, n.risk_explanation AS explanation, "
            "n.risk_model_version AS version ORDER BY n.risk_score DESC",
        )
        scores = [r["score"] for r in rows]
        assert all(0.0 < s < 1.0 for s in scores) and max(scores) > min(scores), label
        top = json.loads(rows[0]["explanation"])
        assert top["probability"] == pytest.approx(rows[0]["score"], abs=1e-6)
        assert set(top["model_versions"]) >= {"price", "clearance", "fused"}
        assert top["models"] and top["features"]
        assert "price 1.0" in rows[0]["version"]

    # Planted undervaluation: the illicit declarations rank above the clear ones.
    outcome = _read(
        graph,
        settings,
        "MATCH (d:Declaration) WHERE d.inspection_outcome IS NOT NULL "
        "RETURN d.inspection_outcome AS outcome, avg(d.risk_score) AS mean_score",
    )
    means = {r["outcome"]: r["mean_score"] for r in outcome}
    assert means["illicit"] > means["clear"] + 0.3
