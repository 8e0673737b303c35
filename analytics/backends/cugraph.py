"""The GPU engine: a thin layer over cuGraph's Python API, the CPU engine for what cuGraph lacks.

Graphs are built from a cudf DataFrame of ``src``/``dst``/``weight`` with the projection's node indices
as vertex ids (no renumbering) and every node listed, so results line up with the CPU engine's.
Components, Louvain, Leiden, PageRank (personalised too) and the single shortest path run on the GPU;
k shortest paths, ego networks with caps, identifier similarity and the money-flow motifs are local or
sequential searches that cuGraph does not offer, inherited from :class:`CpuBackend`.

cugraph and cudf are imported when the engine is created, so this module imports on any machine.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import numpy.typing as npt

from analytics.backends.cpu import CpuBackend
from analytics.types import NodeScores, Partition, WeightedPath
from graph.projection import Projection

__all__ = ["CuGraphBackend"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


class CuGraphBackend(CpuBackend):
    """cuGraph for whole-graph algorithms; everything else as on the CPU."""

    name = "cugraph"

    def __init__(self) -> None:
        self._cugraph: Any = importlib.import_module("cugraph")
        self._cudf: Any = importlib.import_module("cudf")

    def _graph(self, n: int, links: tuple[I64, I64, F64], *, directed: bool) -> Any:
        src, dst, weight = links
        frame = self._cudf.DataFrame({"src": src, "dst": dst, "weight": weight})
        graph = self._cugraph.Graph(directed=directed)
        graph.from_cudf_edgelist(
            frame,
            source="src",
            destination="dst",
            edge_attr="weight",
            renumber=False,
            vertices=self._cudf.Series(np.arange(n, dtype=np.int64)),
        )
        return graph

    @staticmethod
    def _by_vertex(frame: Any, column: str, n: int, fill: float) -> F64:
        """A result column scattered onto node indices ``0..n-1`` (vertices cuGraph left out get ``fill``)."""
        values = np.full(n, fill, dtype=np.float64)
        values[frame["vertex"].to_numpy()] = frame[column].to_numpy()
        return values

    def weakly_connected_components(self, projection: Projection) -> Partition:
        graph = self._graph(projection.num_nodes, _pairs(projection, weighted=False), directed=False)
        labels = self._by_vertex(
            self._cugraph.weakly_connected_components(graph), "labels", projection.num_nodes, np.nan
        )
        isolated = np.isnan(labels)
        labels[isolated] = labels[~isolated].max(initial=-1) + 1 + np.arange(isolated.sum())
        return Partition(labels.astype(np.int64), algorithm="weakly_connected_components")

    def louvain(self, projection: Projection, *, resolution: float, weighted: bool, seed: int) -> Partition:
        # cuGraph's Louvain takes no seed: its GPU schedule is what it is.
        graph = self._graph(projection.num_nodes, _pairs(projection, weighted), directed=False)
        parts, modularity = self._cugraph.louvain(graph, resolution=resolution)
        return self._communities(projection, parts, float(modularity), "louvain")

    def leiden(self, projection: Projection, *, resolution: float, weighted: bool, seed: int) -> Partition:
        graph = self._graph(projection.num_nodes, _pairs(projection, weighted), directed=False)
        parts, modularity = self._cugraph.leiden(graph, resolution=resolution, random_state=seed)
        return self._communities(projection, parts, float(modularity), "leiden")

    def _communities(self, projection: Projection, parts: Any, modularity: float, name: str) -> Partition:
        membership = self._by_vertex(parts, "partition", projection.num_nodes, np.nan)
        isolated = np.isnan(membership)
        membership[isolated] = membership[~isolated].max(initial=-1) + 1 + np.arange(isolated.sum())
        return Partition(membership.astype(np.int64), name, modularity)

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
        weight = projection.weight if weighted else np.ones(projection.num_relationships)
        # Both directions as separate arcs when undirected; parallel links add up, as on the CPU.
        graph = self._graph(
            projection.num_nodes, _links(projection, weight, directed=directed, merge="sum"), directed=True
        )
        restart = None
        if personalization is not None:
            seeds = np.flatnonzero(personalization)
            restart = self._cudf.DataFrame({"vertex": seeds, "values": personalization[seeds]})
        # cuGraph stops on the same rule (L1 change below tol); past max_iter it hands back what it
        # reached, as the CPU engine does, instead of raising.
        frame, _ = self._cugraph.pagerank(
            graph,
            alpha=damping,
            personalization=restart,
            tol=tolerance,
            max_iter=max_iterations,
            fail_on_nonconvergence=False,
        )
        scores = self._by_vertex(frame, "pagerank", projection.num_nodes, 0.0)
        name = "pagerank" if personalization is None else "personalized_pagerank"
        return NodeScores(scores / scores.sum(), name)

    def shortest_path(
        self, projection: Projection, source: int, target: int, *, weighted: bool, directed: bool
    ) -> WeightedPath | None:
        cost = projection.weight if weighted else np.ones(projection.num_relationships)
        graph = self._graph(
            projection.num_nodes, _links(projection, cost, directed=directed, merge="min"), directed=True
        )
        frame = self._cugraph.sssp(graph, source=source)
        n = projection.num_nodes
        distance = self._by_vertex(frame, "distance", n, np.inf)
        predecessor = self._by_vertex(frame, "predecessor", n, -1).astype(np.int64)
        if source != target and (predecessor[target] < 0 or not np.isfinite(distance[target])):
            return None
        nodes = [target]
        while nodes[-1] != source:
            nodes.append(int(predecessor[nodes[-1]]))
        return _path_through(projection, np.array(nodes[::-1], dtype=np.int64), cost, directed)


def _links(projection: Projection, weight: F64, *, directed: bool, merge: str) -> tuple[I64, I64, F64]:
    """Arcs with parallel links merged (weights summed, or the cheapest kept); both ways if undirected."""
    src, dst = projection.src, projection.dst
    if not directed:
        src, dst, weight = np.concatenate([src, dst]), np.concatenate([dst, src]), np.tile(weight, 2)
    return _merged(src, dst, weight, merge)


def _pairs(projection: Projection, weighted: bool) -> tuple[I64, I64, F64]:
    """One undirected link per linked pair (smaller index first), weights summed (what modularity uses)."""
    weight = projection.weight if weighted else np.ones(projection.num_relationships)
    lo, hi = np.minimum(projection.src, projection.dst), np.maximum(projection.src, projection.dst)
    return _merged(lo, hi, weight, "sum")


def _merged(src: I64, dst: I64, weight: F64, merge: str) -> tuple[I64, I64, F64]:
    order = np.lexsort((weight, dst, src))
    src, dst, weight = src[order], dst[order], weight[order]
    first = np.ones(len(src), dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    starts = np.flatnonzero(first)
    # Sorted by weight within a pair, so the first of each run is the cheapest.
    merged = np.add.reduceat(weight, starts) if merge == "sum" and len(starts) else weight[starts]
    return src[starts], dst[starts], merged.astype(np.float64)


def _path_through(projection: Projection, nodes: I64, cost: F64, directed: bool) -> WeightedPath:
    """The cheapest relationship behind each hop of a node path (sssp gives nodes, not relationships)."""
    edges = np.empty(len(nodes) - 1, dtype=np.int64)
    for hop, (a, b) in enumerate(zip(nodes[:-1].tolist(), nodes[1:].tolist(), strict=True)):
        linked = (projection.src == a) & (projection.dst == b)
        if not directed:
            linked |= (projection.src == b) & (projection.dst == a)
        candidates = np.flatnonzero(linked)
        edges[hop] = candidates[np.argmin(cost[candidates])]
    return WeightedPath(nodes, edges, float(cost[edges].sum()))
