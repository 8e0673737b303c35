"""HeteroData from a projection: types, reverse edges, features, time splits and leak-free link splits."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gnn.hetero import (
    MotifWindows,
    Standardiser,
    build_hetero_data,
    closed_walks,
    first_activity,
    motif_features,
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


def _motif_world() -> Projection:
    """A(0) -> B(1) -> C(2) -> A round trip, a fan-in of 4 senders on D(3), a scatter-gather S -> 3 -> T."""
    nodes = [("Account", k) for k in "ABCDSTXYZ"] + [("Account", f"F{i}") for i in range(4)]
    nodes.append(("Person", "P"))
    edges = [(0, 1, "TRANSFER"), (1, 2, "TRANSFER"), (2, 0, "TRANSFER")]
    times = [1.0, 2.0, 3.0]
    edges += [(9 + i, 3, "TRANSFER") for i in range(4)]
    times += [10.0, 11.0, 12.0, 13.0]
    edges += [(4, m, "TRANSFER") for m in (6, 7, 8)] + [(m, 5, "TRANSFER") for m in (6, 7, 8)]
    times += [20.0, 20.0, 20.0, 21.0, 22.0, 23.0]
    edges += [(0, 1, "TRANSFER"), (13, 0, "OWNS_ACCOUNT")]
    times += [60.0, 0.0]
    return Projection.from_edges(nodes, edges, weight=[100.0] * len(edges), time=times)


def test_motif_features_count_each_accounts_part_in_cycles_fans_and_scatter_gather() -> None:
    projection = _motif_world()
    values, names = motif_features(projection, MotifWindows.in_unit(1.0))
    count = np.rint(np.expm1(values)).astype(int)

    def column(name: str) -> list[int]:
        return [int(v) for v in count[:, names.index(name)]]

    assert column("motif_cycles_3")[:3] == [1, 1, 1] and sum(column("motif_cycles_3")) == 3
    assert sum(column("motif_cycles_2")) == 0
    assert column("motif_fan_in_peak")[3] == 4 and max(column("motif_fan_in_peak")) == 4
    assert column("motif_fan_out_peak")[4] == 3
    assert column("motif_scatter_source")[4] == 1 and column("motif_scatter_sink")[5] == 1
    assert column("motif_scatter_intermediate")[6:9] == [1, 1, 1]
    assert sum(column("motif_scatter_source")) == 1
    # Closed walks ignore time order and repeats: the triangle once per length 3, twice round at 6.
    assert column("motif_closed_walks_3")[:3] == [1, 1, 1] and sum(column("motif_closed_walks_3")) == 3
    assert column("motif_closed_walks_6")[:3] == [1, 1, 1] and sum(column("motif_closed_walks_2")) == 0
    # A paid B twice (days 1 and 60): one recurring counterparty on each side.
    assert column("motif_recurring_out")[0] == 1 and column("motif_recurring_in")[1] == 1
    assert sum(column("motif_recurring_out")) == 1


def test_motif_windows_bound_what_counts() -> None:
    projection = _motif_world()
    narrow = MotifWindows(cycle_window=1.5, fan_window=1.5)
    values, names = motif_features(projection, narrow)
    count = np.rint(np.expm1(values)).astype(int)
    # The round trip takes two days and the scatter-gather three: neither fits a 1.5-day window.
    assert count[:, names.index("motif_cycles_3")].sum() == 0
    assert count[:, names.index("motif_scatter_source")].sum() == 0
    assert count[3, names.index("motif_fan_in_peak")] == 2


def test_motif_features_are_opt_in_and_only_for_accounts() -> None:
    projection = _motif_world()
    plain = node_features(projection)
    extended = node_features(projection, motifs=MotifWindows.in_unit(1.0))
    assert not any(name.startswith("motif_") for name in plain.names)
    assert extended.names[: len(plain.names)] == plain.names
    np.testing.assert_array_equal(extended.values[:, : len(plain.names)], plain.values)
    person = projection.nodes_labelled("Person")[0]
    motif_columns = [i for i, name in enumerate(extended.names) if name.startswith(("motif_", "group"))]
    # The amount-group columns come with the motifs, for accounts only as well.
    assert {"group_member", "group_neighbours_max"} <= set(extended.names)
    assert np.isnan(extended.values[person, motif_columns]).all()
    assert np.isfinite(extended.values[0, motif_columns]).all()


def test_closed_walks_count_cycles_out_of_time_order() -> None:
    # B -> C, then A -> B, then C -> A: no rotation is in time order, but money still went round.
    nodes = [("Account", k) for k in "ABC"]
    edges = [(2, 0, "TRANSFER"), (0, 1, "TRANSFER"), (1, 2, "TRANSFER")]
    projection = Projection.from_edges(nodes, edges, time=[3.0, 2.0, 1.0])
    values, names = motif_features(projection, MotifWindows.in_unit(1.0))
    assert not values[:, names.index("motif_cycles_3")].any()
    np.testing.assert_allclose(np.expm1(values[:, names.index("motif_closed_walks_3")]), 1.0)
    assert closed_walks(projection, 4).shape == (3, 3)


def test_motif_features_without_transfers_are_zero() -> None:
    projection = Projection.from_edges([("Person", "P"), ("Phone", "+1")], [(0, 1, "HAS_PHONE")])
    values, names = motif_features(projection, MotifWindows())
    assert values.shape == (2, len(names)) and not values.any()


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
