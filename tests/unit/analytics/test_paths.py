"""Shortest and k shortest paths against networkx."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.paths import k_shortest_paths, shortest_path
from analytics.types import WeightedPath
from graph.projection import Projection
from tests.unit.analytics.graphs import as_networkx, random_projection


def _check_walk(p: Projection, path: WeightedPath, directed: bool) -> None:
    """The path's relationships really join its nodes in order, and its cost is their weight."""
    for i, edge in enumerate(path.edges.tolist()):
        a, b = int(p.src[edge]), int(p.dst[edge])
        hop = (int(path.nodes[i]), int(path.nodes[i + 1]))
        assert hop == (a, b) or (not directed and hop == (b, a))
    assert path.cost == pytest.approx(float(p.weight[path.edges].sum()))
    assert len(set(path.nodes.tolist())) == len(path.nodes)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), directed=st.booleans(), weighted=st.booleans())
def test_shortest_path_costs_match_networkx(seed: int, directed: bool, weighted: bool) -> None:
    p = random_projection(seed, nodes=10, edges=18)
    graph = as_networkx(p, directed=directed, multi=False)
    for source, target in itertools.product(range(0, 10, 3), range(1, 10, 4)):
        found = shortest_path(p, source, target, weighted=weighted, directed=directed, backend="cpu")
        if not nx.has_path(graph, source, target):
            assert found is None
            continue
        assert found is not None
        expected = nx.shortest_path_length(graph, source, target, weight="weight" if weighted else None)
        assert found.cost == pytest.approx(expected)
        assert found.nodes[0] == source and found.nodes[-1] == target
        if weighted:
            _check_walk(p, found, directed)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), directed=st.booleans(), k=st.integers(1, 8))
def test_k_shortest_paths_match_networkx(seed: int, directed: bool, k: int) -> None:
    p = random_projection(seed, nodes=9, edges=20)
    graph = as_networkx(p, directed=directed, multi=False)
    source, target = 0, 8
    found = k_shortest_paths(p, source, target, k, directed=directed, backend="cpu")
    if not nx.has_path(graph, source, target):
        assert found == []
        return
    expected = list(itertools.islice(nx.shortest_simple_paths(graph, source, target, weight="weight"), k))
    costs = [nx.path_weight(graph, path, "weight") for path in expected]
    assert [path.cost for path in found] == pytest.approx(costs)
    # Random real weights make ties unlikely: the paths themselves agree, in order.
    if len(set(np.round(costs, 9))) == len(costs):
        assert [path.nodes.tolist() for path in found] == expected
    for path in found:
        _check_walk(p, path, directed)


def test_a_node_is_its_own_shortest_path() -> None:
    p = random_projection(0, nodes=3, edges=0)
    path = shortest_path(p, 1, 1)
    assert path is not None and path.nodes.tolist() == [1] and path.cost == 0.0
    assert shortest_path(p, 0, 2) is None


def test_bad_input_is_refused() -> None:
    p = Projection.from_edges([("Account", "A"), ("Account", "B")], [(0, 1, "TRANSFER")], weight=[-1.0])
    with pytest.raises(ValueError, match="non-negative"):
        shortest_path(p, 0, 1)
    assert shortest_path(p, 0, 1, weighted=False) is not None
    with pytest.raises(IndexError, match="target 5"):
        shortest_path(p, 0, 5)
    with pytest.raises(ValueError, match="k must be at least 1"):
        k_shortest_paths(p, 0, 1, 0)
