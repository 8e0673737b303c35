"""PageRank and the accomplice score against networkx."""

from __future__ import annotations

import os

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.backends import random_walk
from analytics.centrality import pagerank, personalized_pagerank
from graph.projection import Projection
from tests.unit.analytics.graphs import as_networkx, random_projection


def _networkx_pagerank(graph: nx.Graph, n: int, **options: object) -> np.ndarray:
    options = {"tol": 1e-13, "max_iter": 10_000, **options}
    scores = nx.pagerank(graph, **options)
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


def _power_steps(p: Projection, restart: np.ndarray, steps: int, *, directed: bool) -> np.ndarray:
    """``steps`` steps of PageRank's power iteration on the dense transition matrix, from ``restart``."""
    n = p.num_nodes
    links = np.zeros((n, n))
    np.add.at(links, (p.src, p.dst), 1.0)
    if not directed:
        links += links.T
    strength = links.sum(axis=1)
    moving = np.divide(links, strength[:, None], out=np.zeros_like(links), where=strength[:, None] > 0)
    scores = restart.copy()
    for _ in range(steps):
        leaked = scores[strength == 0].sum()
        scores = 0.85 * (scores @ moving + leaked * restart) + 0.15 * restart
    return scores


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    nodes=st.integers(2, 20),
    edges=st.integers(0, 40),
    steps=st.integers(1, 6),
    directed=st.booleans(),
)
def test_max_iterations_stops_after_that_many_power_steps(
    seed: int, nodes: int, edges: int, steps: int, directed: bool
) -> None:
    p = random_projection(seed, nodes=nodes, edges=edges, self_loops=directed)
    found = personalized_pagerank(
        p, [0], directed=directed, tolerance=0.0, max_iterations=steps, backend="cpu"
    )
    assert found.iterations == steps
    np.testing.assert_allclose(
        found.values, _power_steps(p, np.eye(nodes)[0], steps, directed=directed), atol=1e-12
    )


@pytest.mark.parametrize("tolerance", [1e-3, 1e-5, 1e-7])
def test_the_tolerance_bounds_the_distance_to_the_exact_scores(tolerance: float) -> None:
    # The step is a 0.85-contraction in L1: a last change below the tolerance leaves the scores within
    # tolerance * 0.85 / 0.15 of the limit; networkx on the same rule (its tol is ours over N) agrees.
    p = random_projection(3, nodes=300, edges=900)
    exact = pagerank(p, tolerance=1e-14, backend="cpu")
    loose = pagerank(p, tolerance=tolerance, backend="cpu")
    assert loose.iterations is not None and exact.iterations is not None
    assert loose.iterations < exact.iterations
    bound = tolerance * 0.85 / 0.15
    assert np.abs(loose.values - exact.values).sum() <= bound
    assert np.abs(loose.values - exact.values).sum() > bound / 1000  # it did stop early
    theirs = _networkx_pagerank(
        as_networkx(p, directed=True), 300, weight=None, tol=tolerance / 300, max_iter=1000
    )
    assert np.abs(theirs - exact.values).sum() <= bound


@pytest.mark.parametrize("directed", [True, False])
def test_the_threaded_steps_give_the_scores_of_the_serial_ones(
    monkeypatch: pytest.MonkeyPatch, directed: bool
) -> None:
    p = random_projection(5, nodes=400, edges=1500, self_loops=directed)
    serial = personalized_pagerank(p, [0, 7], directed=directed, weighted=True, backend="cpu")
    monkeypatch.setattr(random_walk, "PARALLEL_FROM_LINKS", 0)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))  # an idle machine
    threaded = personalized_pagerank(p.select(), [0, 7], directed=directed, weighted=True, backend="cpu")
    assert threaded.iterations == serial.iterations
    np.testing.assert_allclose(threaded.values, serial.values, rtol=0, atol=1e-15)


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
    for tolerance in (-1e-9, float("nan")):
        with pytest.raises(ValueError, match="tolerance"):
            pagerank(p, tolerance=tolerance)
    with pytest.raises(ValueError, match="max_iterations"):
        personalized_pagerank(p, [0], max_iterations=0)
