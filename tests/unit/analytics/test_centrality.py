"""PageRank and the accomplice score against networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.centrality import pagerank, personalized_pagerank
from graph.projection import Projection
from tests.unit.analytics.graphs import as_networkx, random_projection


def _networkx_pagerank(graph: nx.Graph, n: int, **options: object) -> np.ndarray:
    scores = nx.pagerank(graph, tol=1e-13, max_iter=10_000, **options)
    return np.array([scores[i] for i in range(n)])


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000), nodes=st.integers(2, 25), edges=st.integers(1, 60), weighted=st.booleans()
)
def test_pagerank_matches_networkx(seed: int, nodes: int, edges: int, weighted: bool) -> None:
    p = random_projection(seed, nodes=nodes, edges=edges)
    ours = pagerank(p, weighted=weighted, backend="cpu").values
    expected = _networkx_pagerank(as_networkx(p, directed=True), nodes, weight="weight" if weighted else None)
    np.testing.assert_allclose(ours, expected, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    nodes=st.integers(2, 25),
    edges=st.integers(1, 60),
    directed=st.booleans(),
    weighted=st.booleans(),
    seeds=st.lists(st.integers(0, 1), min_size=1, max_size=3),
)
def test_personalized_pagerank_matches_networkx(
    seed: int, nodes: int, edges: int, directed: bool, weighted: bool, seeds: list[int]
) -> None:
    # networkx and igraph count an undirected self-loop differently (once or twice): leave them out.
    p = random_projection(seed, nodes=nodes, edges=edges, self_loops=directed)
    ours = personalized_pagerank(p, seeds, directed=directed, weighted=weighted, backend="cpu").values
    restart = {i: float(i in seeds) for i in range(nodes)}
    expected = _networkx_pagerank(
        as_networkx(p, directed=directed),
        nodes,
        personalization=restart,
        weight="weight" if weighted else None,
    )
    np.testing.assert_allclose(ours, expected, atol=1e-6)


def test_accomplices_of_a_watchlisted_party_rank_above_strangers() -> None:
    # The offender (0) shares a phone (1) with a front man (2); a stranger (4) only shares an address
    # (3) with someone unrelated (5).
    nodes = [
        ("Person", "offender"),
        ("Phone", "p"),
        ("Person", "front"),
        ("Address", "a"),
        ("Person", "stranger"),
        ("Person", "other"),
    ]
    edges = [(0, 1, "HAS_PHONE"), (2, 1, "HAS_PHONE"), (4, 3, "HAS_ADDRESS"), (5, 3, "HAS_ADDRESS")]
    scores = personalized_pagerank(Projection.from_edges(nodes, edges), [0], backend="cpu")
    assert scores.algorithm == "personalized_pagerank"
    assert scores.values[2] > 0 and scores.values[4] == 0
    assert set(scores.top(3).tolist()) == {0, 1, 2}


def test_seeds_are_checked() -> None:
    p = random_projection(0, nodes=5)
    with pytest.raises(ValueError, match="at least one seed"):
        personalized_pagerank(p, [])
    with pytest.raises(IndexError, match="seed 9"):
        personalized_pagerank(p, [9])
    with pytest.raises(ValueError, match="damping"):
        pagerank(p, damping=1.0)
