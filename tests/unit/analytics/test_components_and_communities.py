"""Components against networkx; Louvain and Leiden on planted communities."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from analytics.community import leiden, louvain
from analytics.components import weakly_connected_components
from analytics.types import Partition
from graph.projection import Projection
from tests.unit.analytics.graphs import as_networkx, random_projection


def _as_sets(communities: list[np.ndarray]) -> set[frozenset[int]]:
    return {frozenset(c.tolist()) for c in communities}


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), nodes=st.integers(1, 30), edges=st.integers(0, 40))
def test_weak_components_match_networkx(seed: int, nodes: int, edges: int) -> None:
    p = random_projection(seed, nodes=nodes, edges=edges)
    found = weakly_connected_components(p, backend="cpu")
    expected = nx.weakly_connected_components(as_networkx(p, directed=True))
    assert _as_sets(found.communities()) == {frozenset(c) for c in expected}
    assert [len(c) for c in found.communities()] == sorted(found.sizes.tolist(), reverse=True)


@pytest.mark.parametrize("seed", range(3))
def test_weak_components_of_a_larger_graph_match_networkx_with_ids_by_first_member(seed: int) -> None:
    # Long chains and many small pieces: what stresses the union-find's path shortening.
    p = random_projection(seed, nodes=3000, edges=2500)
    found = weakly_connected_components(p, backend="cpu")
    expected = nx.weakly_connected_components(as_networkx(p, directed=True))
    assert _as_sets(found.communities()) == {frozenset(c) for c in expected}
    first_members = [int(np.flatnonzero(found.membership == c)[0]) for c in range(found.count)]
    assert first_members == sorted(first_members)


@pytest.mark.parametrize(
    ("ids", "expected"),
    [([0, 0, 1, 0, 2], [0, 0, 1, 0, 2]), ([0, -1, 0, 5], [0, 1, 0, 2]), ([3, 3, 0], [0, 0, 1]), ([], [])],
)
def test_partition_ids_follow_first_appearance_and_leave_the_callers_array_alone(
    ids: list[int], expected: list[int]
) -> None:
    given_ids = np.array(ids, dtype=np.int64)
    partition = Partition(given_ids, algorithm="test")
    assert partition.membership.tolist() == expected
    partition.membership[:] = 7
    assert given_ids.tolist() == ids


def _planted(seed: int, blocks: int = 6, size: int = 40) -> tuple[Projection, np.ndarray]:
    """A stochastic block model: dense inside each block, sparse between blocks."""
    sizes = [size] * blocks
    probs = np.full((blocks, blocks), 0.004) + np.eye(blocks) * 0.25
    sbm = nx.stochastic_block_model(sizes, probs.tolist(), seed=seed, directed=False)
    truth = np.repeat(np.arange(blocks), size)
    edges = [(a, b, "TRANSFER") for a, b in sbm.edges()]
    return Projection.from_edges([("Account", str(i)) for i in range(sum(sizes))], edges), truth


@pytest.mark.parametrize("algorithm", [louvain, leiden])
@pytest.mark.parametrize("seed", [1, 2])
def test_planted_communities_are_found(algorithm, seed: int) -> None:  # type: ignore[no-untyped-def]
    p, truth = _planted(seed)
    found = algorithm(p, backend="cpu", seed=seed)
    assert adjusted_rand_score(truth, found.membership) > 0.95
    graph = as_networkx(p, directed=False, multi=False)
    # The reported modularity is the partition's own, and as good as networkx's Louvain finds.
    ours = nx.community.modularity(graph, [set(c.tolist()) for c in found.communities()])
    assert found.modularity == pytest.approx(ours, abs=1e-9)
    theirs = nx.community.modularity(graph, nx.community.louvain_communities(graph, seed=seed))
    assert found.modularity >= theirs - 0.01


@pytest.mark.parametrize("algorithm", [louvain, leiden])
def test_communities_repeat_for_a_seed_and_follow_the_resolution(algorithm) -> None:  # type: ignore[no-untyped-def]
    p, _ = _planted(3)
    first = algorithm(p, backend="cpu", seed=7)
    again = algorithm(p, backend="cpu", seed=7)
    assert np.array_equal(first.membership, again.membership)
    coarse = algorithm(p, backend="cpu", resolution=0.05)
    fine = algorithm(p, backend="cpu", resolution=5.0)
    assert coarse.count < first.count < fine.count


def test_weights_pull_communities_together() -> None:
    # Two triangles bridged twice; heavy bridges merge what light bridges keep apart.
    triangle = [(0, 1), (1, 2), (2, 0)]
    edges = [(a + o, b + o, "TRANSFER") for o in (0, 3) for a, b in triangle]
    edges += [(0, 3, "TRANSFER"), (2, 5, "TRANSFER")]
    nodes = [("Account", str(i)) for i in range(6)]
    light = Projection.from_edges(nodes, edges, weight=[1.0] * 6 + [0.1, 0.1])
    heavy = Projection.from_edges(nodes, edges, weight=[1.0] * 6 + [50.0, 50.0])
    triangles = [0, 0, 0, 1, 1, 1]
    for algorithm in (louvain, leiden):
        assert algorithm(light, backend="cpu").membership.tolist() == triangles
        assert algorithm(heavy, weighted=False, backend="cpu").membership.tolist() == triangles
        bridged = algorithm(heavy, backend="cpu").membership
        assert bridged[0] == bridged[3] and bridged[2] == bridged[5]


def test_resolution_must_be_positive() -> None:
    with pytest.raises(ValueError, match="resolution"):
        louvain(random_projection(0), resolution=0.0)
