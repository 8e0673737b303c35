"""Ego networks: hops, caps with their "and N more" counts, filters."""

from __future__ import annotations

import networkx as nx
import pytest

from analytics.ego import ego_network
from graph.projection import Projection
from tests.unit.analytics.graphs import as_networkx, random_projection


def _hub(firms: int, weights: list[float] | None = None) -> Projection:
    """An address (0) that ``firms`` companies register at, each firm with its own phone."""
    nodes = [("Address", "tower")] + [("Company", f"C{i}") for i in range(firms)]
    nodes += [("Phone", f"P{i}") for i in range(firms)]
    edges = [(1 + i, 0, "HAS_ADDRESS") for i in range(firms)]
    edges += [(1 + i, 1 + firms + i, "HAS_PHONE") for i in range(firms)]
    return Projection.from_edges(nodes, edges, weight=(weights or [1.0] * firms) + [1.0] * firms)


def test_without_caps_it_is_the_k_hop_neighbourhood() -> None:
    for seed in range(15):
        p = random_projection(seed, nodes=30, edges=40)
        graph = as_networkx(p, directed=False)
        for hops in (0, 1, 2, 3):
            ego = ego_network(p, 0, hops=hops, max_neighbours=1000, max_nodes=1000, backend="cpu")
            assert set(ego.nodes.tolist()) == set(nx.ego_graph(graph, 0, radius=hops))
            assert ego.hidden == {} and not ego.truncated
            inside = set(ego.nodes.tolist())
            expected = [i for i in range(p.num_relationships) if {int(p.src[i]), int(p.dst[i])} <= inside]
            assert ego.edges.tolist() == expected


def test_a_hub_shows_its_strongest_links_and_counts_the_rest() -> None:
    weights = [float(w) for w in range(1, 31)]  # firm i links with weight i + 1
    ego = ego_network(_hub(30, weights), 0, hops=2, max_neighbours=5, backend="cpu")
    firms = sorted(ego.nodes.tolist())[1:6]
    assert firms == [26, 27, 28, 29, 30]  # the five heaviest links
    assert ego.hidden == {0: 25}
    # Each shown firm is expanded to its phone: five phones, nothing hidden behind them.
    assert len(ego.nodes) == 11


def test_ties_break_by_recency_then_index() -> None:
    nodes = [("Account", str(i)) for i in range(4)]
    edges = [(0, 1, "TRANSFER"), (0, 2, "TRANSFER"), (0, 3, "TRANSFER")]
    p = Projection.from_edges(nodes, edges, time=[5.0, 9.0, 9.0])
    assert ego_network(p, 0, hops=1, max_neighbours=1).nodes.tolist() == [0, 2]
    assert ego_network(p, 0, hops=1, max_neighbours=2).nodes.tolist() == [0, 2, 3]


def test_the_node_cap_truncates_and_says_so() -> None:
    ego = ego_network(_hub(30), 0, hops=2, max_neighbours=25, max_nodes=10, backend="cpu")
    assert len(ego.nodes) == 10 and ego.truncated
    assert ego.hidden[0] == 30 - 9


def test_filters_on_relationship_types_and_time() -> None:
    nodes = [("Account", "A"), ("Account", "B"), ("Account", "C"), ("Person", "owner")]
    edges = [(0, 1, "TRANSFER"), (0, 2, "TRANSFER"), (3, 0, "OWNS_ACCOUNT")]
    p = Projection.from_edges(nodes, edges, time=[100.0, 500.0, float("nan")])
    assert ego_network(p, 0, hops=1, rel_types=["TRANSFER"]).nodes.tolist() == [0, 1, 2]
    # The window drops the late transfer but keeps the untimed ownership.
    assert ego_network(p, 0, hops=1, until=200.0).nodes.tolist() == [0, 1, 3]
    assert ego_network(p, 0, hops=1, since=200.0).edges.tolist() == [1, 2]


def test_bad_input_is_refused() -> None:
    p = _hub(2)
    with pytest.raises(IndexError, match="center"):
        ego_network(p, 99)
    with pytest.raises(ValueError, match="hops"):
        ego_network(p, 0, hops=-1)
    with pytest.raises(ValueError, match="not a relationship type"):
        ego_network(p, 0, rel_types=["KNOWS"])
