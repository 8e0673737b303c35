"""HeteroData from a projection: types, reverse edges, features, time splits and leak-free link splits."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gnn.hetero import (
    Standardiser,
    build_hetero_data,
    first_activity,
    node_features,
    reverse_type,
    split_links,
    time_split,
)
from graph.projection import Projection

TRANSFER = ("Account", "TRANSFER", "Account")


def _world(timed: bool = True) -> Projection:
    nodes = [("Person", "P0"), ("Person", "P1"), ("Phone", "+1")] + [("Account", f"A{i}") for i in range(12)]
    edges = [(0, 2, "HAS_PHONE"), (1, 2, "HAS_PHONE"), (0, 3, "OWNS_ACCOUNT")]
    edges += [(3 + i, 3 + (i + 1) % 12, "TRANSFER") for i in range(12)]
    edges += [(3 + i, 3 + (i + 5) % 12, "TRANSFER") for i in range(12)]
    times = [float(i) for i in range(len(edges))] if timed else None
    return Projection.from_edges(nodes, edges, weight=[100.0] * len(edges), time=times)


def _graph(projection: Projection, stored: dict[str, np.ndarray] | None = None):  # type: ignore[no-untyped-def]
    features = node_features(projection, stored)
    return build_hetero_data(projection, features, Standardiser.fit(features))


def test_node_types_are_labels_and_every_edge_type_has_its_reverse() -> None:
    graph = _graph(_world())
    assert set(graph.data.node_types) == {"Person", "Phone", "Account"}
    for edge_type in [("Person", "HAS_PHONE", "Phone"), ("Person", "OWNS_ACCOUNT", "Account"), TRANSFER]:
        forward = graph.data[edge_type].edge_index
        assert torch.equal(graph.data[reverse_type(edge_type)].edge_index, forward.flip(0))
    assert graph.data["Account"].num_nodes == 12
    assert graph.node_index["Phone"].tolist() == [2]


def test_edges_point_at_the_right_nodes_in_local_numbering() -> None:
    projection = _world()
    graph = _graph(projection)
    src, dst = graph.data["Person", "HAS_PHONE", "Phone"].edge_index.tolist()
    people = [projection.key_of(int(graph.node_index["Person"][i]))[1] for i in src]
    assert people == ["P0", "P1"] and dst == [0, 0]


def test_features_hold_degrees_transfer_profile_and_stored_scores() -> None:
    projection = _world()
    pagerank = np.full(projection.num_nodes, np.nan)
    pagerank[0] = 0.5
    features = node_features(projection, {"pagerank": pagerank, "accomplice_score": np.zeros(15)})
    assert "out_degree_has_phone" in features.names and "transfer_out_count" in features.names
    assert features.values[0, features.names.index("pagerank")] == 0.5
    dropped = node_features(projection, {"accomplice_score": np.zeros(15)}, drop=["accomplice_score"])
    assert "accomplice_score" not in dropped.names
    # Persons have no transfer profile: their profile columns are missing, not zero.
    assert np.isnan(features.values[0, features.names.index("transfer_out_count")])


def test_standardiser_scales_and_fills_missing_columns_with_zero() -> None:
    features = node_features(_world())
    scaler = Standardiser.fit(features)
    scaled = scaler.transform(features)
    assert np.isfinite(scaled).all()
    again = Standardiser.from_json(scaler.to_json())
    assert again == scaler
    fewer = type(features)(features.names[:1], features.values[:, :1])
    assert (scaler.transform(fewer)[:, 1:] == 0).all()


def test_time_split_orders_by_first_activity() -> None:
    times = np.arange(10, dtype=float)[::-1].copy()
    train, val, test = time_split(times, 0.6, 0.2, seed=1)
    assert times[train].max() < times[val].min() <= times[val].max() < times[test].min()
    assert (train.sum(), val.sum(), test.sum()) == (6, 2, 2)
    assert not (train & val).any() and not (val & test).any()


def test_first_activity_is_the_earliest_relationship() -> None:
    projection = _world()
    first = first_activity(projection)
    assert first[0] == 0.0 and first[2] == 0.0 and first[1] == 1.0


def _pairs(edge_index: torch.Tensor) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in edge_index.t().tolist()}


@pytest.mark.parametrize("timed", [True, False])
def test_held_out_links_leak_through_neither_direction(timed: bool) -> None:
    graph = _graph(_world(timed))
    train, val, test = split_links(graph.data, TRANSFER, 0.6, 0.2, seed=0)
    rev = reverse_type(TRANSFER)
    for split in (val, test):
        labels = split[TRANSFER].edge_label
        positives = _pairs(split[TRANSFER].edge_label_index[:, labels == 1])
        assert positives
        seen = _pairs(split[TRANSFER].edge_index) | {(b, a) for a, b in _pairs(split[rev].edge_index)}
        assert not positives & seen
    assert _pairs(train[TRANSFER].edge_index) == {(b, a) for a, b in _pairs(train[rev].edge_index)}


def test_a_time_split_predicts_later_links_from_earlier_ones() -> None:
    graph = _graph(_world(timed=True))
    train, _, test = split_links(graph.data, TRANSFER, 0.5, 0.25, seed=0)
    seen_times = train[TRANSFER].time
    assert (
        float(seen_times.max()) < float(test[TRANSFER].time.max())
        or test[TRANSFER].num_edges > train[TRANSFER].num_edges
    )
    negatives = _pairs(test[TRANSFER].edge_label_index[:, test[TRANSFER].edge_label == 0])
    assert not negatives & _pairs(graph.data[TRANSFER].edge_index)
