"""The model registry's round trip, the config and device choice, and what an explanation holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from gnn.config import GnnConfig, choose_device
from gnn.explain import explain_node
from gnn.hetero import Standardiser, build_hetero_data, node_features
from gnn.registry import latest_version, load_model, save_model, snapshot_hash
from gnn.train import NodeTargets, train_node_classifier
from graph.projection import Projection


def _projection() -> Projection:
    nodes = [("Person", f"P{i}") for i in range(8)] + [("Phone", "+1"), ("Phone", "+2")]
    edges = [(i, 8 if i < 4 else 9, "HAS_PHONE") for i in range(8)] + [(0, 8, "HAS_PHONE")]
    return Projection.from_edges(nodes, edges)


def test_a_saved_model_comes_back_with_its_card_and_weights(tmp_path: Path) -> None:
    model = torch.nn.Linear(3, 1)
    card = {"config": GnnConfig().as_dict(), "metrics": {"test_pr_auc": 0.8}, "snapshot_hash": "abc"}
    first = save_model(tmp_path, "offender", model, card)
    second = save_model(tmp_path, "offender", model, card)
    assert (first.version, second.version, latest_version(tmp_path, "offender")) == ("v1", "v2", "v2")
    loaded = load_model(tmp_path, "offender", "v1")
    assert loaded.card["metrics"] == {"test_pr_auc": 0.8} and loaded.card["snapshot_hash"] == "abc"
    assert GnnConfig.from_dict(loaded.card["config"]) == GnnConfig()
    assert torch.equal(loaded.state["weight"], model.weight.detach())
    assert (tmp_path / "offender" / "v1" / "model.json").exists()


def test_registry_refuses_bad_names_and_missing_models(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="model name"):
        save_model(tmp_path, "../evil", torch.nn.Linear(1, 1), {})
    with pytest.raises(FileNotFoundError, match="gnn train"):
        load_model(tmp_path, "offender")


def test_snapshot_hash_changes_with_the_graph() -> None:
    p = _projection()
    same = _projection()
    other = p.select(rel_types=[])
    assert snapshot_hash(p) == snapshot_hash(same) != snapshot_hash(other)


def test_device_is_chosen_once_from_the_config() -> None:
    assert choose_device(GnnConfig(device="cpu")).type == "cpu"
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert choose_device(GnnConfig()).type == expected
    with pytest.raises(ValueError, match="device"):
        GnnConfig(device="tpu")


def test_an_explanation_names_features_neighbours_and_relationships() -> None:
    projection = _projection()
    features = node_features(projection)
    graph = build_hetero_data(projection, features, Standardiser.fit(features))
    y = torch.tensor([1.0, 1, 1, 1, 0, 0, 0, 0])
    masks = [
        torch.tensor(m).bool()
        for m in ([1, 1, 0, 0, 1, 1, 0, 0], [0, 0, 1, 0, 0, 0, 1, 0], [0, 0, 0, 1, 0, 0, 0, 1])
    ]
    trained = train_node_classifier(
        graph, {"Person": NodeTargets(y, *masks)}, GnnConfig(epochs=20, hidden=8, device="cpu")
    )
    explanation = explain_node(
        trained.model, graph, projection, "Person", 0, model_version="offender v1", epochs=10
    )
    data = json.loads(explanation.to_json())
    assert data["key"] == "P0" and data["model_version"] == "offender v1" and 0.0 <= data["score"] <= 1.0
    assert {c["what"] for c in data["features"]} <= set(graph.feature_names)
    assert data["features"][0]["weight"] == 1.0
    # Only what the two-layer model can see: the shared phone and the people behind it.
    assert all(c["what"] in {"Phone:+1", "Person:P1", "Person:P2", "Person:P3"} for c in data["neighbours"])
    assert any("HAS_PHONE" in c["what"] for c in data["relationships"])
