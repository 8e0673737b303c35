"""The pattern benchmark's generator and labels against brute force on small random multigraphs."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pytest

from bench.gnn_patterns import _repeat_flags, circulant_multigraph, pattern_labels


@pytest.fixture(scope="module", params=[0, 1])
def small(request: pytest.FixtureRequest) -> tuple[np.ndarray, np.ndarray, int]:
    n = 120
    # A tight radius closes many short cycles, so every label has both classes.
    src, dst, _ = circulant_multigraph(n, 6.0, 3.0, np.random.default_rng(request.param))
    return src, dst, n


def test_generator_draws_n_d_over_2_edges_without_self_loops_near_the_diagonal() -> None:
    n = 4096
    src, dst, when = circulant_multigraph(n, 6.0, 11.1, np.random.default_rng(3))
    assert len(src) == len(dst) == len(when) == n * 3
    offset = (dst - src + n // 2) % n - n // 2
    assert (offset != 0).all()
    assert abs(offset.std() - 11.1) < 0.5 and abs(offset.mean()) < 0.5


def test_degree_and_fan_labels_count_edges_and_distinct_neighbours(
    small: tuple[np.ndarray, np.ndarray, int],
) -> None:
    src, dst, n = small
    labels = pattern_labels(src, dst, n)
    edges_in, edges_out = Counter(dst.tolist()), Counter(src.tolist())
    senders = {v: {int(u) for u, w in zip(src, dst, strict=True) if w == v} for v in range(n)}
    receivers = {v: {int(w) for u, w in zip(src, dst, strict=True) if u == v} for v in range(n)}
    for v in range(n):
        assert labels["deg_in"][v] == (edges_in[v] > 3)
        assert labels["deg_out"][v] == (edges_out[v] > 3)
        assert labels["fan_in"][v] == (len(senders[v]) > 3)
        assert labels["fan_out"][v] == (len(receivers[v]) > 3)
    # Parallel edges make degree and fan differ somewhere.
    assert (labels["deg_in"] != labels["fan_in"]).any()


def test_cycle_labels_match_every_simple_directed_cycle(small: tuple[np.ndarray, np.ndarray, int]) -> None:
    src, dst, n = small
    labels = pattern_labels(src, dst, n)
    graph = nx.DiGraph()
    graph.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    on = {length: np.zeros(n, dtype=bool) for length in range(2, 7)}
    for cycle in nx.simple_cycles(graph, length_bound=6):
        if len(cycle) >= 2:
            on[len(cycle)][cycle] = True
    for length in range(2, 7):
        assert (labels[f"C{length}"] == on[length]).all(), length
        assert 0 < on[length].sum() < n


def test_scatter_gather_and_biclique_need_two_distinct_middles(
    small: tuple[np.ndarray, np.ndarray, int],
) -> None:
    src, dst, n = small
    labels = pattern_labels(src, dst, n)
    pairs = set(zip(src.tolist(), dst.tolist(), strict=True))
    senders = {v: {u for u, w in pairs if w == v} for v in range(n)}
    receivers = {v: {w for u, w in pairs if u == v} for v in range(n)}
    for v in range(n):
        # Scatter-gather: some u sends to v through two distinct middles (u -> m -> v).
        through = Counter(u for m in senders[v] for u in senders[m] if u not in (v, m))
        assert labels["scatter_gather"][v] == any(c >= 2 for c in through.values())
        # Biclique: v and some k != v share two distinct senders.
        shared = Counter(k for m in senders[v] for k in receivers[m] if k not in (v, m))
        assert labels["biclique"][v] == any(c >= 2 for c in shared.values())
    assert 0 < labels["scatter_gather"].sum() < n and 0 < labels["biclique"].sum() < n


def test_middles_are_distinct_nodes_not_parallel_edges() -> None:
    # 0 -> 1 -> 3 twice (parallel) and 0 -> 2 -> 3 once: two middles (1, 2) make 3 a gather node;
    # 4 -> 5 -> 6 three times over one middle does not.
    src = np.array([0, 0, 1, 1, 0, 2, 4, 4, 4, 5, 5, 5])
    dst = np.array([1, 1, 3, 3, 2, 3, 5, 5, 5, 6, 6, 6])
    labels = pattern_labels(src, dst, 7)
    assert labels["scatter_gather"].tolist() == [False, False, False, True, False, False, False]
    # 1 and 2 share one sender (0) only; 3 and nobody else share two.
    assert not labels["biclique"].any()


def test_repeat_flags_mark_every_edge_of_a_pair_but_its_first() -> None:
    # 0 -> 1 at t = 5, 2, 7 (the one at t = 2 is first), 1 -> 0 once, 0 -> 2 once.
    src, dst = np.array([0, 0, 1, 0, 0]), np.array([1, 1, 0, 2, 1])
    when = np.array([5.0, 2.0, 1.0, 0.0, 7.0])
    assert _repeat_flags(src, dst, when, 3).tolist() == [1.0, 0.0, 0.0, 0.0, 1.0]
    # Summed over the edges a node receives, the unflagged ones count its distinct senders.
    src, dst, when = circulant_multigraph(300, 6.0, 3.0, np.random.default_rng(4))
    first = _repeat_flags(src, dst, when, 300) == 0
    distinct = np.bincount(dst[first], minlength=300)
    assert (distinct > 3).tolist() == pattern_labels(src, dst, 300)["fan_in"].tolist()
