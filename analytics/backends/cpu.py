"""The CPU engine: igraph (compiled C), networkit, scipy's sparse routines and numba kernels.

Components come from a numba union-find straight over the relationship arrays (no adjacency to build),
PageRank from a parallel numba power iteration (:mod:`analytics.backends.random_walk`), Louvain from
networkit's PLM, Leiden from igraph, paths from igraph (Dijkstra, Yen). Graphs and matrices are built
once per projection and kept while the projection lives, so an investigator's second query on the same
projection does not pay the construction again.

Example
-------
>>> from graph.projection import Projection
>>> p = Projection.from_edges([("Account", k) for k in "ABCD"], [(0, 1, "TRANSFER"), (2, 3, "TRANSFER")])
>>> CpuBackend().weakly_connected_components(p).membership.tolist()
[0, 0, 1, 1]
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal, cast
from weakref import WeakKeyDictionary

import igraph as ig
import networkit as nk
import numba
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from analytics.backends import money_flow, neighbourhood, random_walk, shared_identifiers
from analytics.types import (
    Cycle,
    EgoNetwork,
    Fan,
    NodeScores,
    Partition,
    ScatterGather,
    SimilarPairs,
    WeightedPath,
)
from graph.projection import Projection

__all__ = ["CpuBackend"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

_GRAPHS: WeakKeyDictionary[Projection, dict[tuple[object, ...], Any]] = WeakKeyDictionary()


def _cached(projection: Projection, key: tuple[object, ...], build: Callable[[], Any]) -> Any:
    graphs = _GRAPHS.setdefault(projection, {})
    if key not in graphs:
        graphs[key] = build()
    return graphs[key]


def _igraph(n: int, src: I64, dst: I64, *, directed: bool) -> ig.Graph:
    graph = ig.Graph(n=n, directed=directed)
    graph.add_edges(np.column_stack([src, dst]))
    return graph


def _checked_weights(projection: Projection) -> F64:
    weight = projection.weight
    if len(weight) and not (np.all(np.isfinite(weight)) and weight.min() >= 0):
        raise ValueError("weighted algorithms need finite, non-negative relationship weights")
    return weight


def _simple_pairs(projection: Projection, weighted: bool) -> sp.coo_matrix:
    """One undirected edge per pair of linked nodes (upper triangle), weights summed."""

    def build() -> sp.coo_matrix:
        lo = np.minimum(projection.src, projection.dst)
        hi = np.maximum(projection.src, projection.dst)
        values = _checked_weights(projection) if weighted else np.ones(projection.num_relationships)
        n = projection.num_nodes
        matrix = sp.coo_matrix((values, (lo, hi)), shape=(n, n)).tocsr()
        matrix.sum_duplicates()
        return matrix.tocoo()

    result: sp.coo_matrix = _cached(projection, ("simple-pairs", weighted), build)
    return result


def _undirected_simple(projection: Projection, weighted: bool) -> ig.Graph:
    """The simple undirected graph as igraph's: what modularity is defined on."""

    def build() -> ig.Graph:
        pairs = _simple_pairs(projection, weighted)
        graph = _igraph(
            projection.num_nodes, pairs.row.astype(np.int64), pairs.col.astype(np.int64), directed=False
        )
        # Stored on the graph once: igraph converts a weight list on every call otherwise.
        graph.es["weight"] = pairs.data.tolist()
        return graph

    result: ig.Graph = _cached(projection, ("undirected-simple", weighted), build)
    return result


def _networkit_louvain(projection: Projection, weighted: bool, resolution: float, seed: int) -> I64:
    """Louvain (networkit's PLM without refinement) on the simple undirected graph.

    igraph's multilevel takes minutes on graphs of many small components (227 s on the 1.1 M-relationship
    benchmark world); PLM takes seconds with the same modularity. One thread and a fixed seed, so a
    community id means the same thing on every run.
    """
    pairs = _simple_pairs(projection, weighted)
    graph = nk.GraphFromCoo(
        (pairs.data, (pairs.row.astype(np.uint64), pairs.col.astype(np.uint64))),
        n=projection.num_nodes,
        weighted=True,
        directed=False,
    )
    nk.engineering.setNumberOfThreads(1)
    nk.engineering.setSeed(seed, False)
    plm = nk.community.PLM(graph, refine=False, gamma=resolution)
    plm.run()
    return np.asarray(plm.getPartition().getVector(), dtype=np.int64)


def _cheapest_links(projection: Projection, directed: bool) -> tuple[ig.Graph, I64]:
    """One edge per linked pair (per direction when ``directed``): the cheapest of any parallel ones.

    Paths are told apart by the entities they pass through, so parallel relationships must not turn one
    route into several. Returns the graph and, per igraph edge, the projection relationship behind it.
    """

    def build() -> tuple[ig.Graph, I64]:
        a, b = projection.src, projection.dst
        if not directed:
            a, b = np.minimum(a, b), np.maximum(a, b)
        order = np.lexsort((np.arange(len(a)), projection.weight, b, a))
        a, b = a[order], b[order]
        first = np.ones(len(a), dtype=bool)
        first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        kept = order[first].astype(np.int64)
        return _igraph(projection.num_nodes, a[first], b[first], directed=directed), kept

    result: tuple[ig.Graph, I64] = _cached(projection, ("cheapest", directed), build)
    return result


def _walk(projection: Projection, weighted: bool, directed: bool) -> random_walk.WalkGraph:
    """The pull adjacency a random walker needs, built once per projection and walk kind."""

    def build() -> random_walk.WalkGraph:
        weight = _checked_weights(projection) if weighted else None
        return random_walk.walk_graph(
            projection.num_nodes, projection.src, projection.dst, weight, directed=directed
        )

    result: random_walk.WalkGraph = _cached(projection, ("walk", weighted, directed), build)
    return result


def _components_kernel(n: int, src: I64, dst: I64) -> I64:
    """Union-find straight over the relationship arrays; component ids in order of first appearance.

    Each union hangs the larger root under the smaller, so every node's parent has a smaller index and
    one ascending pass labels each node from its (already labelled) parent.
    """
    parent = np.arange(n)
    for e in range(len(src)):
        a, b = src[e], dst[e]
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a < b:
            parent[b] = a
        elif b < a:
            parent[a] = b
    label = np.empty(n, dtype=np.int64)
    count = 0
    for node in range(n):
        if parent[node] == node:
            label[node] = count
            count += 1
        else:
            label[node] = label[parent[node]]
    return label


# Compiled once and cached on disk; the cast keeps the signature for the type checker.
_components = cast(Callable[[int, I64, I64], I64], numba.njit(cache=True)(_components_kernel))


def _seeded(seed: int) -> random.Random:
    """igraph draws from a Python RNG object: give it a private one so results repeat for a seed."""
    return random.Random(seed)  # noqa: S311  # reproducible clustering, not security


class CpuBackend:
    """Whole-graph algorithms in igraph and scipy, motifs in numba, similarity in sparse algebra."""

    name = "cpu"

    def weakly_connected_components(self, projection: Projection) -> Partition:
        labels = _components(projection.num_nodes, projection.src, projection.dst)
        return Partition(labels, algorithm="weakly_connected_components")

    def louvain(self, projection: Projection, *, resolution: float, weighted: bool, seed: int) -> Partition:
        membership = _networkit_louvain(projection, weighted, resolution, seed)
        return _partition(_simple_pairs(projection, weighted), membership, "louvain")

    def leiden(self, projection: Projection, *, resolution: float, weighted: bool, seed: int) -> Partition:
        graph = _undirected_simple(projection, weighted)
        # igraph's own Leiden: five times faster on 1 M links than the leidenalg package, same modularity.
        ig.set_random_number_generator(_seeded(seed))
        try:
            clustering = graph.community_leiden(
                objective_function="modularity",
                weights="weight",
                resolution=resolution,
                n_iterations=2,
            )
        finally:
            ig.set_random_number_generator(random)
        membership = np.asarray(clustering.membership, dtype=np.int64)
        return _partition(_simple_pairs(projection, weighted), membership, "leiden")

    def pagerank(
        self,
        projection: Projection,
        *,
        damping: float,
        weighted: bool,
        directed: bool,
        personalization: F64 | None,
        tolerance: float,
        max_iterations: int,
    ) -> NodeScores:
        restart = None if personalization is None else personalization / personalization.sum()
        run = random_walk.pagerank_scores(
            _walk(projection, weighted, directed),
            restart,
            damping=damping,
            tolerance=tolerance,
            max_iterations=max_iterations,
        )
        name = "pagerank" if personalization is None else "personalized_pagerank"
        return NodeScores(run.scores, name, iterations=run.iterations)

    def shortest_path(
        self, projection: Projection, source: int, target: int, *, weighted: bool, directed: bool
    ) -> WeightedPath | None:
        paths = self.k_shortest_paths(projection, source, target, 1, weighted=weighted, directed=directed)
        return paths[0] if paths else None

    def k_shortest_paths(
        self, projection: Projection, source: int, target: int, k: int, *, weighted: bool, directed: bool
    ) -> list[WeightedPath]:
        cost = _checked_weights(projection) if weighted else np.ones(projection.num_relationships)
        if source == target:
            return [WeightedPath(np.array([source], dtype=np.int64), np.zeros(0, dtype=np.int64), 0.0)]
        graph, relationship = _cheapest_links(projection, directed)
        with warnings.catch_warnings():
            # "Couldn't reach some vertices" is an answer here (no path), not a problem.
            warnings.filterwarnings("ignore", message="Couldn't reach", category=RuntimeWarning)
            found = graph.get_k_shortest_paths(
                source,
                to=target,
                k=k,
                mode="out" if directed else "all",
                weights=cost[relationship].tolist(),
                output="epath",
            )
        return [
            _as_path(projection, source, relationship[np.asarray(edges, dtype=np.int64)], cost)
            for edges in found
            if edges
        ]

    def ego_network(
        self,
        projection: Projection,
        center: int,
        *,
        hops: int,
        rel_types: Sequence[str] | None,
        since: float | None,
        until: float | None,
        max_neighbours: int,
        max_nodes: int,
    ) -> EgoNetwork:
        return neighbourhood.ego_network(
            projection,
            center,
            hops=hops,
            rel_types=rel_types,
            since=since,
            until=until,
            max_neighbours=max_neighbours,
            max_nodes=max_nodes,
        )

    def shared_identifier_similarity(
        self,
        projection: Projection,
        *,
        parties: I64 | None,
        identifier_labels: Sequence[str],
        max_identifier_degree: int,
        min_score: float,
    ) -> SimilarPairs:
        return shared_identifiers.similarity(
            projection,
            parties=parties,
            identifier_labels=identifier_labels,
            max_identifier_degree=max_identifier_degree,
            min_score=min_score,
        )

    def temporal_cycles(
        self,
        projection: Projection,
        *,
        max_length: int,
        window_seconds: float,
        rel_type: str,
        max_cycles: int,
    ) -> list[Cycle]:
        return money_flow.temporal_cycles(
            projection,
            max_length=max_length,
            window_seconds=window_seconds,
            rel_type=rel_type,
            max_cycles=max_cycles,
        )

    def fans(
        self,
        projection: Projection,
        *,
        direction: Literal["in", "out"],
        min_counterparties: int,
        window_seconds: float,
        rel_type: str,
    ) -> list[Fan]:
        return money_flow.fans(
            projection,
            direction=direction,
            min_counterparties=min_counterparties,
            window_seconds=window_seconds,
            rel_type=rel_type,
        )

    def scatter_gather(
        self, projection: Projection, *, min_intermediates: int, window_seconds: float, rel_type: str
    ) -> list[ScatterGather]:
        return money_flow.scatter_gather(
            projection, min_intermediates=min_intermediates, window_seconds=window_seconds, rel_type=rel_type
        )


def _partition(pairs: sp.coo_matrix, membership: I64, algorithm: str) -> Partition:
    """The partition with its modularity at resolution 1: the comparable quality figure whatever
    resolution was asked for (None without links).

    Counted on the simple undirected graph as igraph and networkx count it: a link inside a community
    counts its weight once, a loop adds twice its weight to its node's degree.
    """
    total = float(pairs.data.sum())
    if not pairs.nnz or total <= 0:
        return Partition(membership, algorithm, None)
    a, b = membership[pairs.row], membership[pairs.col]
    communities = int(membership.max()) + 1
    inside = float(pairs.data[a == b].sum())
    degree = np.bincount(a, pairs.data, communities) + np.bincount(b, pairs.data, communities)
    modularity = inside / total - float(np.square(degree / (2.0 * total)).sum())
    return Partition(membership, algorithm, modularity)


def _as_path(projection: Projection, source: int, edges: I64, cost: F64) -> WeightedPath:
    """Walk ``edges`` from ``source``, taking the far end of each relationship (either direction)."""
    nodes = np.empty(len(edges) + 1, dtype=np.int64)
    nodes[0] = source
    for i, edge in enumerate(edges.tolist()):
        a, b = int(projection.src[edge]), int(projection.dst[edge])
        nodes[i + 1] = b if a == nodes[i] else a
    return WeightedPath(nodes, edges, float(cost[edges].sum()))
